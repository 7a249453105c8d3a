// The stages of the sampler chain as the wrapper knows them: STAGE_ROWS, one descriptor per stage
// in the default (HF / vLLM) order, a stage's position being its wire value; STAGES (the names) is
// derived from it. The C++ side lists the same stages in the same order
// (cpp/include/logitkit/sampler_tables.h, LOGITKIT_STAGES); tests/js/tables.test.mjs fails when the
// two disagree.

/** @internal One stage's descriptor. */
export interface StageRow {
  /** The stage's name in `order` and results. */
  readonly name: string;
  /** Processors (the grammar's mask first) precede filters in the default order. */
  readonly kind: 'processor' | 'filter';
  /** Names configs use for it (llama.cpp server's `samplers`, HF / vLLM option names). */
  readonly aliases: readonly string[];
  /** The option that switches it on, as messages name it. */
  readonly switchedOnBy: string;
}

/** @internal Every stage, in the default order. */
export const STAGE_ROWS = [
  { name: 'grammar', kind: 'processor', aliases: [], switchedOnBy: 'grammar' },
  { name: 'logitBias', kind: 'processor', aliases: ['logit_bias'], switchedOnBy: 'logitBias' },
  {
    name: 'sequenceBias',
    kind: 'processor',
    aliases: ['sequence_bias'],
    switchedOnBy: 'sequenceBias',
  },
  {
    name: 'suppressTokens',
    kind: 'processor',
    aliases: ['suppress_tokens'],
    switchedOnBy: 'suppressTokens',
  },
  {
    name: 'beginSuppressTokens',
    kind: 'processor',
    aliases: ['begin_suppress_tokens'],
    switchedOnBy: 'beginSuppressTokens',
  },
  {
    name: 'stopTokens',
    kind: 'processor',
    aliases: ['min_tokens', 'min_new_tokens', 'min_length'],
    switchedOnBy: 'stopTokenIds with minNewTokens / minLength / suppressStopTokens',
  },
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
] as const satisfies readonly StageRow[];

/** The names of a tuple of stage rows, as a tuple. */
type StageNames<Rows extends readonly StageRow[]> = {
  readonly [I in keyof Rows]: Rows[I]['name'];
};

function namesOf<Rows extends readonly StageRow[]>(rows: Rows): StageNames<Rows> {
  // map keeps the length and the order, which the compiler does not carry over to a tuple type
  return rows.map((row) => row.name) as unknown as StageNames<Rows>;
}

/**
 * The stages of a sampler chain, by name, in the default order. Processors (the first eleven, the
 * grammar's mask first) precede filters (with `compat: 'llama.cpp'`, `penalties` and `dry` may
 * follow them).
 */
export const STAGES = namesOf(STAGE_ROWS);
/** The name of one stage of a sampler chain (see `STAGES`). */
export type StageName = (typeof STAGES)[number];

const ROW_OF = new Map<string, StageRow>(STAGE_ROWS.map((row) => [row.name, row]));

/** @internal A stage's row. */
export function stageRow(stage: StageName): StageRow {
  return ROW_OF.get(stage) as StageRow;
}

/**
 * Order presets: HF (the default), llama.cpp's default chain (temperature last) and vLLM's v1
 * sampler (the processors, temperature, min-p, then top-k and top-p).
 */
export const ORDER_PRESETS: Record<'hf' | 'llama.cpp' | 'vllm', readonly StageName[]> = {
  hf: STAGES,
  'llama.cpp': [
    ...STAGES.filter(isProcessor), // as in the default order
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
  vllm: STAGES.filter((s) => s !== 'minP').flatMap((s) =>
    s === 'temperature' ? (['temperature', 'minP'] as const) : [s],
  ),
};

const BY_NAME = new Map<string, StageName>(
  STAGE_ROWS.flatMap(({ name, aliases }) => [
    [name, name] as const,
    ...aliases.map((alias) => [alias, name] as const),
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
  return stageRow(stage).kind === 'processor';
}
