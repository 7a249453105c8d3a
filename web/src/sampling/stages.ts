/**
 * The stages of the sampler chain as the wrapper knows them: one row per stage, in the default
 * (HF / vLLM) order, with what only the wrapper needs (the names configs use for it, the option
 * that switches it on, for messages). The C++ side lists the same stages in the same order
 * (cpp/include/logitkit/sampler_tables.h, LOGITKIT_STAGES); tests/js/tables.test.mjs fails when
 * the two disagree. A row's position is the stage's wire value.
 */
const STAGE_TABLE = [
  { name: 'logitBias', kind: 'processor', aliases: ['logit_bias'], switchedOnBy: 'logitBias' },
  {
    name: 'allowedTokens',
    kind: 'processor',
    aliases: ['allowed_token_ids'],
    switchedOnBy: 'allowedTokenIds',
  },
  {
    name: 'badWords',
    kind: 'processor',
    aliases: ['bad_words', 'bad_words_ids'],
    switchedOnBy: 'badWordsIds',
  },
  {
    name: 'noRepeatNgram',
    kind: 'processor',
    aliases: ['no_repeat_ngram', 'no_repeat_ngram_size'],
    switchedOnBy: 'noRepeatNgramSize',
  },
  {
    name: 'penalties',
    kind: 'processor',
    aliases: [],
    switchedOnBy: 'repetitionPenalty / presencePenalty / frequencyPenalty',
  },
  { name: 'dry', kind: 'processor', aliases: [], switchedOnBy: 'dryMultiplier' },
  {
    name: 'temperature',
    kind: 'filter',
    aliases: ['temp'],
    switchedOnBy: 'temperature / dynatempRange',
  },
  { name: 'topK', kind: 'filter', aliases: ['top_k'], switchedOnBy: 'topK' },
  { name: 'topP', kind: 'filter', aliases: ['top_p'], switchedOnBy: 'topP' },
  { name: 'minP', kind: 'filter', aliases: ['min_p'], switchedOnBy: 'minP' },
  { name: 'typicalP', kind: 'filter', aliases: ['typical_p', 'typ_p'], switchedOnBy: 'typicalP' },
  { name: 'epsilon', kind: 'filter', aliases: ['epsilon_cutoff'], switchedOnBy: 'epsilonCutoff' },
  { name: 'eta', kind: 'filter', aliases: ['eta_cutoff'], switchedOnBy: 'etaCutoff' },
  { name: 'topNSigma', kind: 'filter', aliases: ['top_n_sigma'], switchedOnBy: 'topNSigma' },
  { name: 'xtc', kind: 'filter', aliases: [], switchedOnBy: 'xtcProbability' },
  { name: 'mirostat', kind: 'filter', aliases: [], switchedOnBy: 'mirostat' },
] as const satisfies readonly {
  name: string;
  kind: 'processor' | 'filter';
  aliases: readonly string[];
  switchedOnBy: string;
}[];

/** The name of one stage of a sampler chain (see `STAGES`). */
export type StageName = (typeof STAGE_TABLE)[number]['name'];

/** One stage's row: its name, its kind, the names configs use for it, the option that switches it on. */
export type StageDescriptor = (typeof STAGE_TABLE)[number];

/** @internal The stage rows, in the default order; a row's position is the stage's wire value. */
export const STAGE_DESCRIPTORS: readonly StageDescriptor[] = STAGE_TABLE;

/** The stages of a sampler chain, by name, in the default order. Processors always precede filters. */
export const STAGES: readonly StageName[] = STAGE_TABLE.map((stage) => stage.name);

/** Order presets: HF / vLLM (the default) and llama.cpp's default chain (temperature last). */
export const ORDER_PRESETS: Record<'hf' | 'llama.cpp', readonly StageName[]> = {
  hf: STAGES,
  'llama.cpp': [
    'logitBias',
    'allowedTokens',
    'badWords',
    'noRepeatNgram',
    'penalties',
    'dry',
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
  STAGE_TABLE.flatMap((stage) => [
    [stage.name, stage.name] as const,
    ...stage.aliases.map((alias) => [alias, stage.name] as const),
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
  return STAGE_TABLE[stageIndex(stage)]!.kind === 'processor';
}
