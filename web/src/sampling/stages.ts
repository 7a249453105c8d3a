// The stages of the sampler chain as the wrapper knows them: STAGES gives their names and the
// default (HF / vLLM) order, a stage's position being its wire value; STAGE_ROWS adds what only the
// wrapper needs (the names configs use for it, the option that switches it on, for messages). The
// C++ side lists the same stages in the same order (cpp/include/logitkit/sampler_tables.h,
// LOGITKIT_STAGES); tests/js/tables.test.mjs fails when the two disagree.

/** The stages of a sampler chain, by name, in the default order. Processors (the first seven) always precede filters; the grammar's mask is first. */
export const STAGES = [
  'grammar',
  'logitBias',
  'allowedTokens',
  'badWords',
  'noRepeatNgram',
  'penalties',
  'dry',
  'temperature',
  'topK',
  'topP',
  'minP',
  'typicalP',
  'epsilon',
  'eta',
  'topNSigma',
  'xtc',
  'mirostat',
] as const;
/** The name of one stage of a sampler chain (see `STAGES`). */
export type StageName = (typeof STAGES)[number];

/** @internal One stage's row. */
export interface StageRow {
  kind: 'processor' | 'filter';
  /** Names configs use for it (llama.cpp server's `samplers`, HF / vLLM option names). */
  aliases: readonly string[];
  /** The option that switches it on, as messages name it. */
  switchedOnBy: string;
}

/** @internal Every stage's row (the compiler checks that each stage has exactly one). */
export const STAGE_ROWS: { readonly [S in StageName]: StageRow } = {
  grammar: { kind: 'processor', aliases: [], switchedOnBy: 'grammar' },
  logitBias: { kind: 'processor', aliases: ['logit_bias'], switchedOnBy: 'logitBias' },
  allowedTokens: {
    kind: 'processor',
    aliases: ['allowed_token_ids'],
    switchedOnBy: 'allowedTokenIds',
  },
  badWords: {
    kind: 'processor',
    aliases: ['bad_words', 'bad_words_ids'],
    switchedOnBy: 'badWordsIds',
  },
  noRepeatNgram: {
    kind: 'processor',
    aliases: ['no_repeat_ngram', 'no_repeat_ngram_size'],
    switchedOnBy: 'noRepeatNgramSize',
  },
  penalties: {
    kind: 'processor',
    aliases: [],
    switchedOnBy: 'repetitionPenalty / presencePenalty / frequencyPenalty',
  },
  dry: { kind: 'processor', aliases: [], switchedOnBy: 'dryMultiplier' },
  temperature: { kind: 'filter', aliases: ['temp'], switchedOnBy: 'temperature / dynatempRange' },
  topK: { kind: 'filter', aliases: ['top_k'], switchedOnBy: 'topK' },
  topP: { kind: 'filter', aliases: ['top_p'], switchedOnBy: 'topP' },
  minP: { kind: 'filter', aliases: ['min_p'], switchedOnBy: 'minP' },
  typicalP: { kind: 'filter', aliases: ['typical_p', 'typ_p'], switchedOnBy: 'typicalP' },
  epsilon: { kind: 'filter', aliases: ['epsilon_cutoff'], switchedOnBy: 'epsilonCutoff' },
  eta: { kind: 'filter', aliases: ['eta_cutoff'], switchedOnBy: 'etaCutoff' },
  topNSigma: { kind: 'filter', aliases: ['top_n_sigma'], switchedOnBy: 'topNSigma' },
  xtc: { kind: 'filter', aliases: [], switchedOnBy: 'xtcProbability' },
  mirostat: { kind: 'filter', aliases: [], switchedOnBy: 'mirostat' },
};

/** Order presets: HF / vLLM (the default) and llama.cpp's default chain (temperature last). */
export const ORDER_PRESETS: Record<'hf' | 'llama.cpp', readonly StageName[]> = {
  hf: STAGES,
  'llama.cpp': [
    ...STAGES.slice(0, 7), // the processors (the grammar first), as in the default order
    'topNSigma',
    'topK',
    'typicalP',
    'topP',
    'minP',
    'epsilon',
    'eta',
    'xtc',
    'temperature',
    'mirostat',
  ],
};

const BY_NAME = new Map<string, StageName>(
  STAGES.flatMap((stage) => [
    [stage, stage] as const,
    ...STAGE_ROWS[stage].aliases.map((alias) => [alias, stage] as const),
  ]),
);

/** @internal A stage by its name or a config's name for it (llama.cpp server's `top_k`, `typ_p`, ...). */
export function stageNamed(name: string): StageName | undefined {
  return BY_NAME.get(name);
}

/** @internal The stage's wire value (its row's position). */
export function stageIndex(stage: StageName): number {
  return STAGES.indexOf(stage);
}

/** @internal Whether a stage is a logit processor (they all precede the filters). */
export function isProcessor(stage: StageName): boolean {
  return STAGE_ROWS[stage].kind === 'processor';
}
