import { LogitkitRangeError, LogitkitTypeError } from './errors.js';
import { describe } from './input.js';
import { integerIn, numberIn } from './options.js';

/** The stages of a sampler chain, by name. Processors (the first six) always precede filters. */
export const STAGES = [
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
const PROCESSOR_COUNT = 6;

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

// Stage names as llama.cpp's server (`samplers`) and configs spell them.
const STAGE_ALIASES: Record<string, StageName> = {
  logit_bias: 'logitBias',
  allowed_token_ids: 'allowedTokens',
  bad_words: 'badWords',
  bad_words_ids: 'badWords',
  no_repeat_ngram: 'noRepeatNgram',
  no_repeat_ngram_size: 'noRepeatNgram',
  penalties: 'penalties',
  dry: 'dry',
  temperature: 'temperature',
  temp: 'temperature',
  top_k: 'topK',
  top_p: 'topP',
  min_p: 'minP',
  typical_p: 'typicalP',
  typ_p: 'typicalP',
  epsilon_cutoff: 'epsilon',
  eta_cutoff: 'eta',
  top_n_sigma: 'topNSigma',
  xtc: 'xtc',
  mirostat: 'mirostat',
};

/** Half-precision and float inputs: how a Uint16Array's words are read. */
export type DType = 'float32' | 'float16' | 'bfloat16';

/**
 * Sampling options. Applied in the order `order` gives (default: SPEC.md's HF / vLLM order:
 * logitBias, allowedTokens, badWords, noRepeatNgram, penalties, dry, temperature, topK, topP, minP,
 * typicalP, epsilon, eta, topNSigma, xtc, mirostat). snake_case spellings pasted from OpenAI / HF /
 * vLLM / llama.cpp configs (`top_p`, `logit_bias`, `repetition_penalty`, `typical_p`, ...) are
 * accepted as aliases.
 */
export interface SamplingOptions {
  /** Divides the logits; finite and >= 0; 0 is greedy (the first maximum). Default 1. */
  temperature?: number;
  /** llama.cpp dynamic temperature: T moves within [T - range, T + range] with the normalised entropy. Default 0 (off). */
  dynatempRange?: number;
  /** llama.cpp dynamic temperature exponent. Default 1. */
  dynatempExponent?: number;
  /** Keep the k most probable tokens; 0 (default), negative or >= V keeps all. */
  topK?: number;
  /** Keep the smallest most-probable set with probability mass >= topP; in (0, 1]; 1 (default) keeps all. */
  topP?: number;
  /** Keep tokens with p >= minP * p_max; in [0, 1]; 0 (default) keeps all. */
  minP?: number;
  /** HF locally typical sampling; in (0, 1]; 1 (default) is off. */
  typicalP?: number;
  /** HF epsilon sampling: keep p >= epsilonCutoff; in [0, 1); 0 (default) is off. */
  epsilonCutoff?: number;
  /** HF eta sampling: keep p >= min(eta, sqrt(eta) exp(-H)); in [0, 1); 0 (default) is off. */
  etaCutoff?: number;
  /** llama.cpp top-n-sigma: keep z >= max - n sigma; <= 0 (default -1) is off. */
  topNSigma?: number;
  /** llama.cpp XTC: the chance that it fires; in [0, 1]; 0 (default) is off. */
  xtcProbability?: number;
  /** llama.cpp XTC: the probability threshold; in [0, 1]; > 0.5 disables XTC (as in llama.cpp). Default 0.1. */
  xtcThreshold?: number;
  /** llama.cpp mirostat: 0 (off, default), 1 or 2. */
  mirostat?: number;
  /** Mirostat target surprise tau (bits). Default 5. */
  mirostatTau?: number;
  /** Mirostat learning rate eta. Default 0.1. */
  mirostatEta?: number;
  /** Mirostat v1: how many top tokens estimate the Zipf exponent. Default 100. */
  mirostatM?: number;
  /** topK / topP / minP / typicalP / epsilon / eta / XTC never keep fewer than this many tokens. Integer >= 1, default 1. */
  minTokensToKeep?: number;
  /** Added to the raw logits before anything else (OpenAI semantics); -Infinity bans a token. */
  logitBias?: Record<number | string, number> | Map<number, number>;
  /** vLLM allowed_token_ids: only these tokens can be drawn. */
  allowedTokenIds?: readonly number[];
  /** HF bad_words_ids / vLLM bad words as token-id sequences: never complete one. */
  badWordsIds?: readonly (readonly number[])[];
  /** HF: never repeat an n-gram of this size from the history; 0 (default) is off. */
  noRepeatNgramSize?: number;
  /** HF/llama.cpp: a seen token's positive logit is divided by it, a negative one multiplied. > 0, default 1 (off). */
  repetitionPenalty?: number;
  /** OpenAI: subtracted once from the logit of every token seen. Default 0. */
  presencePenalty?: number;
  /** OpenAI: subtracted once per occurrence of a seen token. Default 0. */
  frequencyPenalty?: number;
  /** How many of the most recent tokens the penalties look at; -1: all; 0: none. Default 64 (llama.cpp). */
  penaltyLastN?: number;
  /** llama.cpp DRY multiplier; 0 (default) is off. */
  dryMultiplier?: number;
  /** llama.cpp DRY base (>= 1). Default 1.75. */
  dryBase?: number;
  /** llama.cpp DRY allowed length. Default 2. */
  dryAllowedLength?: number;
  /** llama.cpp DRY window: -1 (default) the whole history, 0 off. */
  dryPenaltyLastN?: number;
  /** llama.cpp DRY sequence breakers, as token-id sequences (there is no tokenizer here). Default none. */
  drySequenceBreakers?: readonly (readonly number[])[];
  /** A non-negative integer (number up to 2^53 - 1, or bigint below 2^64). Default: random from crypto. */
  seed?: number | bigint;
  /** Also return the N most probable tokens (see logprobsMode). Default 0 (none). */
  topLogprobs?: number;
  /** 'processed' (default): topLogprobs from the final distribution; 'raw': from softmax(logits). */
  logprobsMode?: 'processed' | 'raw' | 'processed_logprobs' | 'raw_logprobs';
  /** Draw n distinct tokens (Gumbel top-k, without replacement). Default 1. */
  n?: number;
  /** The stage order: an array of stage names, or a preset: 'hf' (default) or 'llama.cpp'. */
  order?: readonly string[] | 'hf' | 'llama.cpp';
  /** How a Uint16Array input is read: 'float16' or 'bfloat16' (required for Uint16Array). */
  dtype?: DType;
}

/** The validated form handed to the kernels. */
export interface ParsedSampling {
  temperature: number;
  dynatempRange: number;
  dynatempExponent: number;
  topK: number;
  topP: number;
  minP: number;
  typicalP: number;
  epsilonCutoff: number;
  etaCutoff: number;
  topNSigma: number;
  xtcProbability: number;
  xtcThreshold: number;
  mirostat: number;
  mirostatTau: number;
  mirostatEta: number;
  mirostatM: number;
  minTokensToKeep: number;
  repetitionPenalty: number;
  presencePenalty: number;
  frequencyPenalty: number;
  penaltyLastN: number;
  noRepeatNgramSize: number;
  dryMultiplier: number;
  dryBase: number;
  dryAllowedLength: number;
  dryPenaltyLastN: number;
  n: number;
  logprobsRaw: boolean;
  seedLow: number;
  seedHigh: number;
  seeded: boolean;
  topLogprobs: number;
  biasTokens: Int32Array;
  biasValues: Float32Array;
  allowedTokens: Int32Array;
  badWords: TokenSequences;
  dryBreakers: TokenSequences;
  /** The full stage order (stage indices), as configured. */
  orderIndices: Uint8Array;
  /** The enabled stages, in order. */
  order: StageName[];
  dtype: DType | undefined;
}

export interface TokenSequences {
  tokens: Int32Array;
  lengths: Uint32Array;
}

const ALIASES: Record<string, keyof SamplingOptions> = {
  temperature: 'temperature',
  temp: 'temperature',
  topK: 'topK',
  top_k: 'topK',
  topP: 'topP',
  top_p: 'topP',
  minP: 'minP',
  min_p: 'minP',
  dynatempRange: 'dynatempRange',
  dynatemp_range: 'dynatempRange',
  dynatempExponent: 'dynatempExponent',
  dynatemp_exponent: 'dynatempExponent',
  typicalP: 'typicalP',
  typical_p: 'typicalP',
  typ_p: 'typicalP',
  epsilonCutoff: 'epsilonCutoff',
  epsilon_cutoff: 'epsilonCutoff',
  etaCutoff: 'etaCutoff',
  eta_cutoff: 'etaCutoff',
  topNSigma: 'topNSigma',
  top_n_sigma: 'topNSigma',
  xtcProbability: 'xtcProbability',
  xtc_probability: 'xtcProbability',
  xtcThreshold: 'xtcThreshold',
  xtc_threshold: 'xtcThreshold',
  mirostat: 'mirostat',
  mirostat_mode: 'mirostat',
  mirostatTau: 'mirostatTau',
  mirostat_tau: 'mirostatTau',
  mirostatEta: 'mirostatEta',
  mirostat_eta: 'mirostatEta',
  mirostatM: 'mirostatM',
  mirostat_m: 'mirostatM',
  minTokensToKeep: 'minTokensToKeep',
  min_tokens_to_keep: 'minTokensToKeep',
  min_keep: 'minTokensToKeep',
  logitBias: 'logitBias',
  logit_bias: 'logitBias',
  allowedTokenIds: 'allowedTokenIds',
  allowed_token_ids: 'allowedTokenIds',
  badWordsIds: 'badWordsIds',
  bad_words_ids: 'badWordsIds',
  bad_words_token_ids: 'badWordsIds',
  noRepeatNgramSize: 'noRepeatNgramSize',
  no_repeat_ngram_size: 'noRepeatNgramSize',
  repetitionPenalty: 'repetitionPenalty',
  repetition_penalty: 'repetitionPenalty',
  repeat_penalty: 'repetitionPenalty',
  presencePenalty: 'presencePenalty',
  presence_penalty: 'presencePenalty',
  frequencyPenalty: 'frequencyPenalty',
  frequency_penalty: 'frequencyPenalty',
  penaltyLastN: 'penaltyLastN',
  penalty_last_n: 'penaltyLastN',
  repeat_last_n: 'penaltyLastN',
  dryMultiplier: 'dryMultiplier',
  dry_multiplier: 'dryMultiplier',
  dryBase: 'dryBase',
  dry_base: 'dryBase',
  dryAllowedLength: 'dryAllowedLength',
  dry_allowed_length: 'dryAllowedLength',
  dryPenaltyLastN: 'dryPenaltyLastN',
  dry_penalty_last_n: 'dryPenaltyLastN',
  drySequenceBreakers: 'drySequenceBreakers',
  dry_sequence_breakers: 'drySequenceBreakers',
  seed: 'seed',
  topLogprobs: 'topLogprobs',
  top_logprobs: 'topLogprobs',
  logprobsMode: 'logprobsMode',
  logprobs_mode: 'logprobsMode',
  n: 'n',
  order: 'order',
  samplers: 'order',
  dtype: 'dtype',
};

/** Maps aliases to canonical names; rejects unknown keys (listing the valid ones) and duplicates. */
export function canonicalSamplingOptions(
  options: unknown,
  fn: string,
  extra: readonly string[] = [],
): SamplingOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new LogitkitTypeError(
      `${fn}: options must be an object, got ${describe(options)}`,
      'options',
    );
  }
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (extra.includes(key)) continue;
    const name = ALIASES[key];
    if (name === undefined) {
      const valid = [...new Set(Object.values(ALIASES)), ...extra].join(', ');
      throw new LogitkitTypeError(
        `${fn}: unknown option "${key}". Valid options: ${valid} (snake_case aliases accepted)`,
        `options.${key}`,
      );
    }
    if (value === undefined) continue;
    if (name in out) {
      throw new LogitkitTypeError(
        `${fn}: options.${key} and options.${from[name]} are the same option; give one`,
        `options.${key}`,
      );
    }
    out[name] = value;
    from[name] = key;
  }
  return out as SamplingOptions;
}

const UINT32 = 4294967296;

export function parseSeed(
  seed: number | bigint | undefined,
  fn: string,
  what = 'options.seed',
): { low: number; high: number; seeded: boolean } {
  if (seed === undefined) {
    const words = new Uint32Array(2);
    globalThis.crypto.getRandomValues(words);
    return { low: words[0]!, high: words[1]!, seeded: false };
  }
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 1n << 64n) {
      throw new LogitkitRangeError(`${fn}: ${what} must be in [0, 2^64), got ${seed}`, what);
    }
    return { low: Number(seed & 0xffffffffn), high: Number(seed >> 32n), seeded: true };
  }
  integerIn(seed, 0, Number.MAX_SAFE_INTEGER, fn, what);
  return { low: seed % UINT32, high: Math.floor(seed / UINT32), seeded: true };
}

function parseBias(
  bias: SamplingOptions['logitBias'],
  fn: string,
): { tokens: Int32Array; values: Float32Array } {
  if (bias === undefined) return { tokens: new Int32Array(0), values: new Float32Array(0) };
  const entries: [unknown, unknown][] =
    bias instanceof Map
      ? [...bias.entries()]
      : typeof bias === 'object' && bias !== null && !Array.isArray(bias)
        ? Object.entries(bias)
        : (() => {
            throw new LogitkitTypeError(
              `${fn}: options.logitBias must be an object { tokenId: bias } or a Map, got ${describe(bias)}`,
              'options.logitBias',
            );
          })();
  const tokens = new Int32Array(entries.length);
  const values = new Float32Array(entries.length);
  entries.forEach(([key, value], i) => {
    const token = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token > 0x7fffffff) {
      throw new LogitkitRangeError(
        `${fn}: options.logitBias key ${describe(key)} is not a token id (an integer >= 0)`,
        'options.logitBias',
      );
    }
    if (typeof value !== 'number' || Number.isNaN(value) || value === Infinity) {
      throw new LogitkitRangeError(
        `${fn}: options.logitBias[${token}] must be a finite number or -Infinity, got ${describe(value)}`,
        'options.logitBias',
        token,
      );
    }
    tokens[i] = token;
    values[i] = value;
  });
  return { tokens, values };
}

function tokenId(value: unknown, fn: string, what: string): number {
  if (typeof value !== 'number')
    throw new LogitkitTypeError(`${fn}: ${what} must be a token id, got ${describe(value)}`, what);
  if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
    throw new LogitkitRangeError(
      `${fn}: ${what} must be a token id (an integer >= 0), got ${value}`,
      what,
    );
  }
  return value;
}

function parseTokenList(list: unknown, fn: string, what: string): Int32Array {
  if (list === undefined) return new Int32Array(0);
  if (!Array.isArray(list) && !ArrayBuffer.isView(list)) {
    throw new LogitkitTypeError(
      `${fn}: ${what} must be an array of token ids, got ${describe(list)}`,
      what,
    );
  }
  const values = Array.from(list as ArrayLike<unknown>);
  if (values.length === 0) throw new LogitkitRangeError(`${fn}: ${what} must not be empty`, what);
  return Int32Array.from(values, (v, i) => tokenId(v, fn, `${what}[${i}]`));
}

function parseSequences(list: unknown, fn: string, what: string): TokenSequences {
  if (list === undefined) return { tokens: new Int32Array(0), lengths: new Uint32Array(0) };
  if (!Array.isArray(list)) {
    throw new LogitkitTypeError(
      `${fn}: ${what} must be an array of token-id arrays, got ${describe(list)}`,
      what,
    );
  }
  const flat: number[] = [];
  const lengths = new Uint32Array(list.length);
  list.forEach((seq: unknown, i) => {
    if (!Array.isArray(seq) && !ArrayBuffer.isView(seq)) {
      throw new LogitkitTypeError(
        `${fn}: ${what}[${i}] must be an array of token ids, got ${describe(seq)}`,
        `${what}[${i}]`,
      );
    }
    const tokens = Array.from(seq as ArrayLike<unknown>);
    if (tokens.length === 0)
      throw new LogitkitRangeError(`${fn}: ${what}[${i}] must not be empty`, `${what}[${i}]`);
    tokens.forEach((t, j) => flat.push(tokenId(t, fn, `${what}[${i}][${j}]`)));
    lengths[i] = tokens.length;
  });
  return { tokens: Int32Array.from(flat), lengths };
}

function parseOrder(order: SamplingOptions['order'], fn: string): StageName[] {
  if (order === undefined) return [...STAGES];
  if (typeof order === 'string') {
    const preset = ORDER_PRESETS[order as 'hf' | 'llama.cpp'];
    if (preset === undefined) {
      throw new LogitkitRangeError(
        `${fn}: options.order must be 'hf', 'llama.cpp' or an array of stage names, got ${describe(order)}`,
        'options.order',
      );
    }
    return [...preset];
  }
  if (!Array.isArray(order)) {
    throw new LogitkitTypeError(
      `${fn}: options.order must be 'hf', 'llama.cpp' or an array of stage names, got ${describe(order)}`,
      'options.order',
    );
  }
  const out: StageName[] = [];
  order.forEach((raw: unknown, i) => {
    const name =
      typeof raw === 'string'
        ? (STAGES as readonly string[]).includes(raw)
          ? (raw as StageName)
          : STAGE_ALIASES[raw]
        : undefined;
    if (name === undefined) {
      throw new LogitkitRangeError(
        `${fn}: options.order[${i}] = ${describe(raw)} is not a stage. Stages: ${STAGES.join(', ')}`,
        `options.order[${i}]`,
      );
    }
    if (out.includes(name))
      throw new LogitkitRangeError(
        `${fn}: options.order lists "${name}" twice`,
        `options.order[${i}]`,
      );
    out.push(name);
  });
  const firstFilter = out.findIndex((s) => STAGES.indexOf(s) >= PROCESSOR_COUNT);
  const lateProcessor =
    firstFilter < 0
      ? -1
      : out.findIndex((s, i) => i > firstFilter && STAGES.indexOf(s) < PROCESSOR_COUNT);
  if (lateProcessor >= 0) {
    throw new LogitkitRangeError(
      `${fn}: options.order puts "${out[lateProcessor]}" after "${out[firstFilter]}": logit processors (${STAGES.slice(0, PROCESSOR_COUNT).join(', ')}) must come before the filters`,
      `options.order[${lateProcessor}]`,
    );
  }
  return out;
}

/** Whether a stage does anything with these options (mirrors stage_enabled in sampler.cpp). */
function stageEnabled(stage: StageName, p: ParsedSampling): boolean {
  switch (stage) {
    case 'logitBias':
      return p.biasTokens.length > 0;
    case 'allowedTokens':
      return p.allowedTokens.length > 0;
    case 'badWords':
      return p.badWords.lengths.length > 0;
    case 'noRepeatNgram':
      return p.noRepeatNgramSize > 0;
    case 'penalties':
      return (
        p.penaltyLastN !== 0 &&
        (p.repetitionPenalty !== 1 || p.presencePenalty !== 0 || p.frequencyPenalty !== 0)
      );
    case 'dry':
      return p.dryMultiplier !== 0 && p.dryPenaltyLastN !== 0;
    case 'temperature':
      return p.temperature !== 1 || p.dynatempRange > 0;
    case 'topK':
      return p.topK > 0;
    case 'topP':
      return p.topP < 1;
    case 'minP':
      return p.minP > 0;
    case 'typicalP':
      return p.typicalP < 1;
    case 'epsilon':
      return p.epsilonCutoff > 0;
    case 'eta':
      return p.etaCutoff > 0;
    case 'topNSigma':
      return p.topNSigma > 0;
    case 'xtc':
      return p.xtcProbability > 0 && p.xtcThreshold <= 0.5;
    case 'mirostat':
      return p.mirostat !== 0;
  }
}

// The option that switches each stage on, for messages.
const STAGE_OPTION: Record<StageName, string> = {
  logitBias: 'logitBias',
  allowedTokens: 'allowedTokenIds',
  badWords: 'badWordsIds',
  noRepeatNgram: 'noRepeatNgramSize',
  penalties: 'repetitionPenalty / presencePenalty / frequencyPenalty',
  dry: 'dryMultiplier',
  temperature: 'temperature / dynatempRange',
  topK: 'topK',
  topP: 'topP',
  minP: 'minP',
  typicalP: 'typicalP',
  epsilon: 'epsilonCutoff',
  eta: 'etaCutoff',
  topNSigma: 'topNSigma',
  xtc: 'xtcProbability',
  mirostat: 'mirostat',
};

const opt = <T>(value: T | undefined, fallback: T): T => (value === undefined ? fallback : value);

/** Validates sampling options; `fn` names the calling function in messages. */
export function parseSamplingOptions(
  options: unknown,
  fn: string,
  extra: readonly string[] = [],
): ParsedSampling {
  const o = canonicalSamplingOptions(options, fn, extra);
  const num = (
    key: keyof SamplingOptions,
    fallback: number,
    min: number,
    max: number,
    minExclusive = false,
  ): number =>
    o[key] === undefined
      ? fallback
      : numberIn(o[key], min, max, fn, `options.${key}`, { minExclusive });
  const int = (key: keyof SamplingOptions, fallback: number, min: number, max: number): number =>
    o[key] === undefined ? fallback : integerIn(o[key], min, max, fn, `options.${key}`);
  const BIG = 1e30;
  const seed = parseSeed(o.seed, fn);
  const bias = parseBias(o.logitBias, fn);
  const mode = o.logprobsMode;
  if (
    mode !== undefined &&
    !['processed', 'raw', 'processed_logprobs', 'raw_logprobs'].includes(mode as string)
  ) {
    throw new LogitkitRangeError(
      `${fn}: options.logprobsMode must be 'processed' or 'raw', got ${describe(mode)}`,
      'options.logprobsMode',
    );
  }
  const dtype = o.dtype;
  if (dtype !== undefined && dtype !== 'float32' && dtype !== 'float16' && dtype !== 'bfloat16') {
    throw new LogitkitRangeError(
      `${fn}: options.dtype must be 'float32', 'float16' or 'bfloat16', got ${describe(dtype)}`,
      'options.dtype',
    );
  }
  const mirostat = int('mirostat', 0, 0, 2);
  const orderNames = parseOrder(o.order, fn);
  const parsed: ParsedSampling = {
    temperature: num('temperature', 1, 0, Number.MAX_VALUE),
    dynatempRange: num('dynatempRange', 0, 0, BIG),
    dynatempExponent: num('dynatempExponent', 1, 0, BIG),
    topK: Math.max(0, int('topK', 0, -0x7fffffff, 0x7fffffff)),
    topP: num('topP', 1, 0, 1, true),
    minP: num('minP', 0, 0, 1),
    typicalP: num('typicalP', 1, 0, 1, true),
    epsilonCutoff:
      o.epsilonCutoff === undefined
        ? 0
        : rangeHalfOpen(o.epsilonCutoff, fn, 'options.epsilonCutoff'),
    etaCutoff: o.etaCutoff === undefined ? 0 : rangeHalfOpen(o.etaCutoff, fn, 'options.etaCutoff'),
    topNSigma: num('topNSigma', -1, -BIG, BIG),
    xtcProbability: num('xtcProbability', 0, 0, 1),
    xtcThreshold: num('xtcThreshold', 0.1, 0, 1),
    mirostat,
    mirostatTau: num('mirostatTau', 5, 0, 1e6),
    mirostatEta: num('mirostatEta', 0.1, 0, 1e6),
    mirostatM: int('mirostatM', 100, 1, 0x7fffffff),
    minTokensToKeep: int('minTokensToKeep', 1, 1, 0x7fffffff),
    repetitionPenalty: num('repetitionPenalty', 1, 0, Number.MAX_VALUE, true),
    presencePenalty: num('presencePenalty', 0, -BIG, BIG),
    frequencyPenalty: num('frequencyPenalty', 0, -BIG, BIG),
    penaltyLastN: int('penaltyLastN', 64, -1, 0x7fffffff),
    noRepeatNgramSize: int('noRepeatNgramSize', 0, 0, 0x7fffffff),
    dryMultiplier: num('dryMultiplier', 0, 0, BIG),
    dryBase: num('dryBase', 1.75, 1, BIG),
    dryAllowedLength: int('dryAllowedLength', 2, 0, 0x7fffffff),
    dryPenaltyLastN: int('dryPenaltyLastN', -1, -1, 0x7fffffff),
    n: int('n', 1, 1, 0x7fffffff),
    logprobsRaw: mode === 'raw' || mode === 'raw_logprobs',
    seedLow: seed.low,
    seedHigh: seed.high,
    seeded: seed.seeded,
    topLogprobs: int('topLogprobs', 0, 0, 0x7fffffff),
    biasTokens: bias.tokens,
    biasValues: bias.values,
    allowedTokens: parseTokenList(o.allowedTokenIds, fn, 'options.allowedTokenIds'),
    badWords: parseSequences(o.badWordsIds, fn, 'options.badWordsIds'),
    dryBreakers: parseSequences(o.drySequenceBreakers, fn, 'options.drySequenceBreakers'),
    orderIndices: Uint8Array.from(orderNames, (s) => STAGES.indexOf(s)),
    order: [],
    dtype,
  };
  for (const stage of STAGES) {
    if (stageEnabled(stage, parsed) && !orderNames.includes(stage)) {
      throw new LogitkitRangeError(
        `${fn}: options.order lacks "${stage}", which options.${STAGE_OPTION[stage]} switches on`,
        'options.order',
      );
    }
  }
  parsed.order = orderNames.filter((s) => stageEnabled(s, parsed));
  return parsed;
}

function rangeHalfOpen(value: unknown, fn: string, what: string): number {
  const v = numberIn(value, 0, 1, fn, what);
  if (v >= 1) throw new LogitkitRangeError(`${fn}: ${what} must be in [0, 1), got ${v}`, what);
  return v;
}

/** The slot layout of `_samplerConfigure` (cpp/bindings/bindings.cpp, enum Slot). */
export function paramSlots(p: ParsedSampling): Float64Array {
  return Float64Array.of(
    p.temperature,
    p.dynatempRange,
    p.dynatempExponent,
    p.topK,
    p.topP,
    p.minP,
    p.typicalP,
    p.epsilonCutoff,
    p.etaCutoff,
    p.topNSigma,
    p.xtcProbability,
    p.xtcThreshold,
    p.mirostat,
    p.mirostatTau,
    p.mirostatEta,
    p.mirostatM,
    p.minTokensToKeep,
    p.repetitionPenalty,
    p.presencePenalty,
    p.frequencyPenalty,
    p.penaltyLastN,
    p.noRepeatNgramSize,
    p.dryMultiplier,
    p.dryBase,
    p.dryAllowedLength,
    p.dryPenaltyLastN,
    p.n,
    p.logprobsRaw ? 1 : 0,
    p.seedLow,
    p.seedHigh,
  );
}
