// The sampling options: their public type (SamplingOptions, with each option's documentation) and
// the one table the wrapper derives everything else from: each option's extra names, how it is
// validated and defaulted, and where it goes on the wire (a parameter slot of `_samplerConfigure`,
// or a stage's token list). The slot options are in the order of the C++ table
// (cpp/include/logitkit/sampler_tables.h, LOGITKIT_SAMPLING_PARAMS), which
// tests/js/tables.test.mjs checks, defaults included.
import { LogitkitTypeError } from '../errors.js';
import type { GrammarMatcher } from '../grammar/matcher.js';
import type { TokenizerInfo } from '../grammar/tokenizer-info.js';
import { describe, parseDType, type DType } from '../input.js';
import { integerIn, numberIn } from '../options.js';
import type { StageName } from './stages.js';
import {
  fractionBelowOne,
  oneOf,
  parseBias,
  parseBreakers,
  parseGrammarMatcher,
  parseOrder,
  parseSeed,
  parseSequenceBias,
  parseSequences,
  parseTokenList,
  type Seed,
} from './values.js';
import { parseTokenizerEncode, parseTokenizerInfo, type TokenizerEncode } from './vocabulary.js';

/**
 * Whose rules a sampler follows where the references differ: `'llama.cpp'` (llama.cpp's
 * `common_sampler_init` chain), `'transformers'` (HF `generate()`), `'vllm'` (vLLM's v1 sampler),
 * `'openai'` (OpenAI's documented request semantics), or `'none'`, logitkit's own (the default).
 * The README's *Profiles* section lists each rule.
 */
export type Compat = 'none' | 'llama.cpp' | 'transformers' | 'vllm' | 'openai';

/** The `compat` values in wire order (cpp/include/logitkit/sampler_tables.h, LOGITKIT_COMPATS). */
export const COMPATS: readonly Compat[] = ['none', 'llama.cpp', 'transformers', 'vllm', 'openai'];

/** A token sequence and the bias added to its last token when the history ends with the rest (HF `sequence_bias`). */
export type SequenceBias = readonly [tokens: readonly number[], bias: number];

/**
 * Sampling options. Applied in the order `order` gives (default: the HF order: logitBias,
 * sequenceBias, suppressTokens, beginSuppressTokens, stopTokens, allowedTokens, badWords,
 * noRepeatNgram, penalties, dry, temperature, topK, topP, minP, typicalP, epsilon, eta, topNSigma,
 * xtc, mirostat). snake_case spellings pasted from OpenAI / HF / vLLM / llama.cpp configs (`top_p`,
 * `logit_bias`, `repetition_penalty`, `typical_p`, ...) are accepted as aliases; to give a pasted
 * config its stack's defaults and meanings, read it with `fromLlamaCpp`, `fromTransformers`,
 * `fromVllm` or `fromOpenAI`. Give each option under one name (the aliases:
 * SamplingOptionAliases).
 */
export interface SamplingOptions extends CanonicalSamplingOptions, SamplingOptionAliases {}

/** The sampling options under their canonical (camelCase) names; see SamplingOptions. */
export interface CanonicalSamplingOptions {
  /**
   * Whose rules apply where the references differ (default `'none'`, logitkit's): top-k ties
   * (HF, vLLM), min_keep at top-k and typical-p's cut (llama.cpp), which stages run (llama.cpp: a
   * mirostat chain is logit bias, temperature and mirostat; a stage missing from `order` is
   * dropped; penalties and DRY may follow filters), and which history each penalty reads (vLLM,
   * OpenAI: presence and frequency count the output only).
   */
  compat?: Compat;
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
  /**
   * llama.cpp DRY sequence breakers: token-id sequences, or llama.cpp's strings (`"\n"`, `":"`)
   * with `tokenizerInfo`, which turns each string into the token sequences llama.cpp's
   * `get_overlapping_token_sequences` builds (see `dryBreakerSequences`). Default none. A string
   * without `tokenizerInfo` is a LogitkitRangeError naming it.
   */
  drySequenceBreakers?: readonly (readonly number[] | string)[];
  /**
   * The model's vocabulary (`lk.createTokenizerInfo`, `tokenizerInfoFromHuggingFace`), for the
   * options that are text in other stacks: string `drySequenceBreakers` are matched against its
   * token bytes, and `stopTokenIds` defaults to its stop tokens. Read when the options are set: disposing it
   * afterwards is safe. With a SentencePiece vocabulary
   * (`vocabType` 'byte-fallback') a string breaker containing a space is a LogitkitRangeError, since
   * llama.cpp reads tokens without the leading space the model's space prefix adds, which the
   * TokenizerInfo does not record.
   */
  tokenizerInfo?: TokenizerInfo;
  /**
   * The tokenizer's encoder (UTF-8 bytes to token ids, no BOS, special tokens not parsed, as
   * llama.cpp's `tokenize(text, false, false)`), for a string DRY breaker longer than one byte
   * that overlaps a token's end: llama.cpp appends the tokens of the breaker's rest. Needed only
   * then (a one-byte breaker never is); missing then: a LogitkitRangeError.
   */
  tokenizerEncode?: TokenizerEncode;
  /**
   * The end-of-sequence / stop token ids (HF `eos_token_id`, vLLM `stop_token_ids`), for the bans
   * below. Default: `tokenizerInfo`'s stop tokens when it is given, else none.
   */
  stopTokenIds?: readonly number[];
  /** The stop tokens are banned until this many output tokens (HF `min_new_tokens`, vLLM `min_tokens`). Default 0. */
  minNewTokens?: number;
  /** The stop tokens are banned until prompt + output reach this many tokens (HF `min_length`). Default 0. */
  minLength?: number;
  /** The stop tokens are always banned (llama.cpp `ignore_eos`). Default false. */
  suppressStopTokens?: boolean;
  /** Tokens that are never sampled (HF `suppress_tokens`). */
  suppressTokens?: readonly number[];
  /** Tokens that are not sampled at the first output position (HF `begin_suppress_tokens`). */
  beginSuppressTokens?: readonly number[];
  /**
   * HF `sequence_bias`: `[tokens, bias]` pairs; the bias is added to the last token's logit when
   * the history ends with the others (a one-token sequence: always), once the whole input is at
   * least as long as the sequence. Of equal sequences the last wins; biases on one token add up.
   */
  sequenceBias?: readonly SequenceBias[];
  /** A non-negative integer (number up to 2^53 - 1, or bigint below 2^64). Default: random from crypto. */
  seed?: number | bigint;
  /** Also return the N most probable tokens (see logprobsMode). Default 0 (none). */
  topLogprobs?: number;
  /** 'processed' (default): topLogprobs from the final distribution; 'raw': from softmax(logits). */
  logprobsMode?: 'processed' | 'raw' | 'processed_logprobs' | 'raw_logprobs';
  /** Draw n distinct tokens (Gumbel top-k, without replacement). Default 1. */
  n?: number;
  /** The stage order: an array of stage names, or a preset: 'hf' (default), 'llama.cpp' or 'vllm'. */
  order?: readonly string[] | 'hf' | 'llama.cpp' | 'vllm';
  /** How a Uint16Array input is read: 'float16' or 'bfloat16' (required for Uint16Array). */
  dtype?: DType;
  /**
   * Structured output: a grammar matcher (`lk.createGrammarMatcher`) whose token mask is applied
   * first, before every other stage (disallowed tokens get probability 0 and no later stage brings
   * one back). A sampler's `sample()` and `accept()` advance it, `reset()` resets it, `clone()`
   * forks it. A stage order that lacks 'grammar' gets it first.
   */
  grammar?: GrammarMatcher;
}

/** The validated form handed to the kernels. */

/** @internal A stage's token list as the wire takes it (see TokenLists in sampler.h). */
export interface WireList {
  tokens: Int32Array;
  /** Per-sequence lengths; undefined: every sequence is one token. */
  lengths?: Uint32Array;
  /** One value per sequence; undefined: none. */
  values?: Float32Array;
}

/**
 * @internal One option's row. `parse` validates a given value (fn names the calling function, what
 * the option) and supplies the default for undefined; `fallback` is that default where it is a
 * constant. `slot` writes the parsed value as the wire's slot doubles; `list` names the stage whose
 * token list it sets.
 */
export interface OptionRow<
  K extends keyof CanonicalSamplingOptions = keyof CanonicalSamplingOptions,
  V = unknown,
  A extends readonly string[] = readonly string[],
> {
  name: K;
  /** Names besides `name` and its snake_case spelling. */
  aliases?: A;
  fallback?: V;
  parse(value: unknown, fn: string, what: string): V;
  slot?: (value: V) => readonly number[];
  /** How many slots `slot` writes, when not 1. */
  slotCount?: number;
  list?: { stage: StageName; encode(value: V): WireList };
}

const row = <
  const K extends keyof CanonicalSamplingOptions,
  V,
  const A extends readonly string[] = readonly [],
>(
  r: OptionRow<K, V, A>,
): OptionRow<K, V, A> => r;
const asSlot = (value: number): readonly number[] => [value];

type Check = (value: unknown, fn: string, what: string) => number;

// A one-slot numeric option: `check` validates a given value; undefined takes `fallback`.
const scalar = <
  const K extends keyof CanonicalSamplingOptions,
  const A extends readonly string[] = readonly [],
>(
  name: K,
  fallback: number,
  check: Check,
  aliases?: A,
): OptionRow<K, number, A> =>
  row({
    name,
    aliases,
    fallback,
    parse: (v, fn, what) => (v === undefined ? fallback : check(v, fn, what)),
    slot: asSlot,
  });

// A list of token ids, sent to `stage` as its token list.
const tokenList = <const K extends keyof CanonicalSamplingOptions>(
  name: K,
  stage: StageName,
): OptionRow<K, Int32Array, readonly []> =>
  row({
    name,
    parse: (v, fn, what) => parseTokenList(v, fn, what),
    list: { stage, encode: (tokens: Int32Array) => ({ tokens }) },
  });

// A number in [min, max] (min excluded with minExclusive).
const within =
  (min: number, max: number, { minExclusive = false } = {}): Check =>
  (v, fn, what) =>
    numberIn(v, min, max, fn, what, { minExclusive });

// An integer in [min, max].
const integerWithin =
  (min: number, max: number): Check =>
  (v, fn, what) =>
    integerIn(v, min, max, fn, what);

// Beyond any useful value of an unbounded parameter: keeps products and exps finite.
const HUGE = 1e30;
const INT32_MAX = 0x7fffffff;
const LOGPROBS_MODES = ['processed', 'raw', 'processed_logprobs', 'raw_logprobs'] as const;

/**
 * @internal The options, in the order messages list them. The rows with a `slot` are the wire's
 * parameter slots, in this order.
 */
export const OPTION_TABLE = [
  scalar('temperature', 1, within(0, Number.MAX_VALUE), ['temp']),
  // Negative means off, as 0 does.
  scalar('topK', 0, (v, fn, what) => Math.max(0, integerIn(v, -INT32_MAX, INT32_MAX, fn, what))),
  scalar('topP', 1, within(0, 1, { minExclusive: true })),
  scalar('minP', 0, within(0, 1)),
  scalar('dynatempRange', 0, within(0, HUGE)),
  scalar('dynatempExponent', 1, within(0, HUGE)),
  scalar('typicalP', 1, within(0, 1, { minExclusive: true }), ['typ_p']),
  scalar('epsilonCutoff', 0, fractionBelowOne),
  scalar('etaCutoff', 0, fractionBelowOne),
  scalar('topNSigma', -1, within(-HUGE, HUGE)),
  scalar('xtcProbability', 0, within(0, 1)),
  scalar('xtcThreshold', 0.1, within(0, 1)),
  scalar('mirostat', 0, integerWithin(0, 2), ['mirostat_mode']),
  scalar('mirostatTau', 5, within(0, 1e6)),
  scalar('mirostatEta', 0.1, within(0, 1e6)),
  scalar('mirostatM', 100, integerWithin(1, INT32_MAX)),
  scalar('minTokensToKeep', 1, integerWithin(1, INT32_MAX), ['min_keep']),
  row({
    name: 'logitBias',
    parse: (v, fn, what) => parseBias(v, fn, what),
    list: {
      stage: 'logitBias',
      encode: (bias: { tokens: Int32Array; values: Float32Array }) => ({
        tokens: bias.tokens,
        values: bias.values,
      }),
    },
  }),
  tokenList('allowedTokenIds', 'allowedTokens'),
  row({
    name: 'badWordsIds',
    aliases: ['bad_words_token_ids'],
    parse: (v, fn, what) => parseSequences(v, fn, what),
    list: { stage: 'badWords', encode: (words) => words },
  }),
  scalar('noRepeatNgramSize', 0, integerWithin(0, INT32_MAX)),
  scalar('repetitionPenalty', 1, within(0, Number.MAX_VALUE, { minExclusive: true }), [
    'repeat_penalty',
  ]),
  scalar('presencePenalty', 0, within(-HUGE, HUGE)),
  scalar('frequencyPenalty', 0, within(-HUGE, HUGE)),
  scalar('penaltyLastN', 64, integerWithin(-1, INT32_MAX), ['repeat_last_n']),
  scalar('dryMultiplier', 0, within(0, HUGE)),
  scalar('dryBase', 1.75, within(1, HUGE)),
  scalar('dryAllowedLength', 2, integerWithin(0, INT32_MAX)),
  scalar('dryPenaltyLastN', -1, integerWithin(-1, INT32_MAX)),
  row({
    name: 'drySequenceBreakers',
    parse: (v, fn, what) => parseBreakers(v, fn, what),
    list: { stage: 'dry', encode: (breakers) => breakers },
  }),
  tokenList('stopTokenIds', 'stopTokens'),
  tokenList('suppressTokens', 'suppressTokens'),
  tokenList('beginSuppressTokens', 'beginSuppressTokens'),
  row({
    name: 'sequenceBias',
    parse: (v, fn, what) => parseSequenceBias(v, fn, what),
    list: { stage: 'sequenceBias', encode: (pairs) => pairs },
  }),
  row({
    name: 'seed',
    parse: (v, fn, what): Seed => parseSeed(v, fn, what),
    slot: (seed) => [seed.low, seed.high],
    slotCount: 2,
  }),
  row({
    name: 'topLogprobs',
    fallback: 0,
    parse: (v, fn, what) => (v === undefined ? 0 : integerIn(v, 0, INT32_MAX, fn, what)),
  }),
  row({
    name: 'logprobsMode',
    fallback: 'processed',
    parse: (v, fn, what) =>
      v === undefined ? 'processed' : oneOf(v, LOGPROBS_MODES, fn, what, "'processed' or 'raw'"),
    // The top list from softmax(raw logits) (1) or from the final distribution (0).
    slot: (mode) => [mode === 'raw' || mode === 'raw_logprobs' ? 1 : 0],
  }),
  scalar('n', 1, integerWithin(1, INT32_MAX)),
  row({
    name: 'compat',
    fallback: 'none' as Compat,
    parse: (v, fn, what): Compat =>
      v === undefined
        ? 'none'
        : oneOf(v, COMPATS, fn, what, COMPATS.map((c) => `'${c}'`).join(', ')),
    slot: (compat) => [COMPATS.indexOf(compat)],
  }),
  scalar('minNewTokens', 0, integerWithin(0, INT32_MAX), ['min_tokens']),
  scalar('minLength', 0, integerWithin(0, INT32_MAX)),
  row({
    name: 'suppressStopTokens',
    fallback: false,
    parse: (v, fn, what) => {
      if (v === undefined) return false;
      if (typeof v !== 'boolean')
        throw new LogitkitTypeError(`${fn}: ${what} must be a boolean, got ${describe(v)}`, what);
      return v;
    },
    slot: (on) => [on ? 1 : 0],
  }),
  row({
    name: 'order',
    aliases: ['samplers'],
    parse: (v, fn, what) => parseOrder(v, fn, what),
  }),
  row({
    name: 'grammar',
    parse: (v, fn, what): GrammarMatcher | undefined =>
      v === undefined ? undefined : parseGrammarMatcher(v, fn, what),
  }),
  row({
    name: 'tokenizerInfo',
    parse: (v, fn, what) => parseTokenizerInfo(v, fn, what),
  }),
  row({
    name: 'tokenizerEncode',
    parse: (v, fn, what) => parseTokenizerEncode(v, fn, what),
  }),
  row({
    name: 'dtype',
    parse: (v, fn, what): DType | undefined =>
      v === undefined ? undefined : parseDType(v, fn, what),
  }),
] as const;

/** @internal Every option, validated, with its default filled in. */
export type ParsedOptions = {
  [R in (typeof OPTION_TABLE)[number] as R['name']]: ReturnType<R['parse']>;
};

// Every public option has a row: this fails to compile otherwise.
const everyOptionHasARow: Record<
  Exclude<keyof CanonicalSamplingOptions, keyof ParsedOptions>,
  never
> = {};
void everyOptionHasARow;

/** @internal `name` in snake_case, as parse.ts spells it at run time (topP -> top_p). */
export type SnakeCase<S extends string> = S extends `${infer C}${infer Rest}`
  ? `${C extends Lowercase<C> ? C : `_${Lowercase<C>}`}${SnakeCase<Rest>}`
  : S;

type RowNamed<K> = Extract<(typeof OPTION_TABLE)[number], { name: K }>;
type ExtraNames<K> =
  RowNamed<K> extends { aliases?: infer A extends readonly string[] } ? A[number] : never;

/**
 * The other accepted spellings of each option, derived from the option table (OPTION_TABLE): its
 * snake_case name (`top_p`, `logit_bias`, `repetition_penalty`, ...) and the names other configs
 * use (`temp`, `typ_p`, `repeat_penalty`, `repeat_last_n`, `min_keep`, `mirostat_mode`,
 * `bad_words_token_ids`, `samplers`). Each takes the same values as its canonical option.
 */
export type SamplingOptionAliases = {
  [
    K in keyof CanonicalSamplingOptions as Exclude<SnakeCase<K> | ExtraNames<K>, K>
  ]?: CanonicalSamplingOptions[K];
};
