import { LogitkitRangeError, LogitkitTypeError } from './errors.js';
import { describe } from './input.js';
import { integerIn, numberIn } from './options.js';

/**
 * Sampling options. Applied in this order (the HF/vLLM order): logitBias, penalties, temperature,
 * topK, topP, minP, then the draw. snake_case spellings pasted from OpenAI / HF / llama.cpp configs
 * (`top_p`, `logit_bias`, `repetition_penalty`, `repeat_last_n`, ...) are accepted as aliases.
 */
export interface SamplingOptions {
  /** Divides the logits; finite and >= 0; 0 is greedy (the first maximum). Default 1. */
  temperature?: number;
  /** Keep the k most probable tokens; 0 (default), negative or >= V keeps all. */
  topK?: number;
  /** Keep the smallest most-probable set with probability mass >= topP; in (0, 1]; 1 (default) keeps all. */
  topP?: number;
  /** Keep tokens with p >= minP * p_max (after temperature); in [0, 1]; 0 (default) keeps all. */
  minP?: number;
  /** topK / topP / minP never keep fewer than this many tokens. Integer >= 1, default 1. */
  minTokensToKeep?: number;
  /** Added to the raw logits before anything else (OpenAI semantics); -Infinity bans a token. */
  logitBias?: Record<number | string, number> | Map<number, number>;
  /** HF/llama.cpp: a seen token's positive logit is divided by it, a negative one multiplied. > 0, default 1 (off). */
  repetitionPenalty?: number;
  /** OpenAI: subtracted once from the logit of every token seen. Default 0. */
  presencePenalty?: number;
  /** OpenAI: subtracted once per occurrence of a seen token. Default 0. */
  frequencyPenalty?: number;
  /** How many of the most recent tokens the penalties look at; -1: all; 0: none. Default 64 (llama.cpp). */
  penaltyLastN?: number;
  /** A non-negative integer (number up to 2^53 - 1, or bigint below 2^64). Default: random from crypto. */
  seed?: number | bigint;
  /** Also return the N most probable tokens of the final distribution. Default 0 (none). */
  topLogprobs?: number;
}

/** The validated form handed to the kernels. */
export interface ParsedSampling {
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  minTokensToKeep: number;
  repetitionPenalty: number;
  presencePenalty: number;
  frequencyPenalty: number;
  penaltyLastN: number;
  seedLow: number;
  seedHigh: number;
  seeded: boolean;
  topLogprobs: number;
  biasTokens: Int32Array;
  biasValues: Float32Array;
}

const ALIASES: Record<string, keyof SamplingOptions> = {
  temperature: 'temperature',
  topK: 'topK', top_k: 'topK',
  topP: 'topP', top_p: 'topP',
  minP: 'minP', min_p: 'minP',
  minTokensToKeep: 'minTokensToKeep', min_tokens_to_keep: 'minTokensToKeep', min_keep: 'minTokensToKeep',
  logitBias: 'logitBias', logit_bias: 'logitBias',
  repetitionPenalty: 'repetitionPenalty', repetition_penalty: 'repetitionPenalty', repeat_penalty: 'repetitionPenalty',
  presencePenalty: 'presencePenalty', presence_penalty: 'presencePenalty',
  frequencyPenalty: 'frequencyPenalty', frequency_penalty: 'frequencyPenalty',
  penaltyLastN: 'penaltyLastN', penalty_last_n: 'penaltyLastN', repeat_last_n: 'penaltyLastN',
  seed: 'seed',
  topLogprobs: 'topLogprobs', top_logprobs: 'topLogprobs',
};

/** Maps aliases to canonical names; rejects unknown keys (listing the valid ones) and duplicates. */
export function canonicalSamplingOptions(options: unknown, fn: string): SamplingOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new LogitkitTypeError(`${fn}: options must be an object, got ${describe(options)}`, 'options');
  }
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    const name = ALIASES[key];
    if (name === undefined) {
      const valid = [...new Set(Object.values(ALIASES))].join(', ');
      throw new LogitkitTypeError(`${fn}: unknown option "${key}". Valid options: ${valid} (snake_case aliases accepted)`, `options.${key}`);
    }
    if (value === undefined) continue;
    if (name in out) {
      throw new LogitkitTypeError(`${fn}: options.${key} and options.${from[name]} are the same option; give one`, `options.${key}`);
    }
    out[name] = value;
    from[name] = key;
  }
  return out as SamplingOptions;
}

const UINT32 = 4294967296;

function parseSeed(seed: number | bigint | undefined, fn: string): { low: number; high: number; seeded: boolean } {
  if (seed === undefined) {
    const words = new Uint32Array(2);
    globalThis.crypto.getRandomValues(words);
    return { low: words[0]!, high: words[1]!, seeded: false };
  }
  if (typeof seed === 'bigint') {
    if (seed < 0n || seed >= 1n << 64n) {
      throw new LogitkitRangeError(`${fn}: options.seed must be in [0, 2^64), got ${seed}`, 'options.seed');
    }
    return { low: Number(seed & 0xffffffffn), high: Number(seed >> 32n), seeded: true };
  }
  integerIn(seed, 0, Number.MAX_SAFE_INTEGER, fn, 'options.seed');
  return { low: seed % UINT32, high: Math.floor(seed / UINT32), seeded: true };
}

function parseBias(bias: SamplingOptions['logitBias'], fn: string): { tokens: Int32Array; values: Float32Array } {
  if (bias === undefined) return { tokens: new Int32Array(0), values: new Float32Array(0) };
  const entries: [unknown, unknown][] =
    bias instanceof Map ? [...bias.entries()] :
    typeof bias === 'object' && bias !== null && !Array.isArray(bias) ? Object.entries(bias) :
    (() => { throw new LogitkitTypeError(`${fn}: options.logitBias must be an object { tokenId: bias } or a Map, got ${describe(bias)}`, 'options.logitBias'); })();
  const tokens = new Int32Array(entries.length);
  const values = new Float32Array(entries.length);
  entries.forEach(([key, value], i) => {
    const token = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token > 0x7fffffff) {
      throw new LogitkitRangeError(`${fn}: options.logitBias key ${describe(key)} is not a token id (an integer >= 0)`, 'options.logitBias');
    }
    if (typeof value !== 'number' || Number.isNaN(value) || value === Infinity) {
      throw new LogitkitRangeError(
        `${fn}: options.logitBias[${token}] must be a finite number or -Infinity, got ${describe(value)}`, 'options.logitBias', token);
    }
    tokens[i] = token;
    values[i] = value;
  });
  return { tokens, values };
}

/** Validates sampling options; `fn` names the calling function in messages. */
export function parseSamplingOptions(options: unknown, fn: string): ParsedSampling {
  const o = canonicalSamplingOptions(options, fn);
  const temperature = o.temperature === undefined ? 1 : numberIn(o.temperature, 0, Number.MAX_VALUE, fn, 'options.temperature');
  const seed = parseSeed(o.seed, fn);
  const bias = parseBias(o.logitBias, fn);
  return {
    temperature,
    topK: o.topK === undefined ? 0 : Math.max(0, integerIn(o.topK, -0x7fffffff, 0x7fffffff, fn, 'options.topK')),
    topP: o.topP === undefined ? 1 : numberIn(o.topP, 0, 1, fn, 'options.topP', { minExclusive: true }),
    minP: o.minP === undefined ? 0 : numberIn(o.minP, 0, 1, fn, 'options.minP'),
    minTokensToKeep: o.minTokensToKeep === undefined ? 1 : integerIn(o.minTokensToKeep, 1, 0x7fffffff, fn, 'options.minTokensToKeep'),
    repetitionPenalty: o.repetitionPenalty === undefined ? 1
      : numberIn(o.repetitionPenalty, 0, Number.MAX_VALUE, fn, 'options.repetitionPenalty', { minExclusive: true }),
    presencePenalty: o.presencePenalty === undefined ? 0 : numberIn(o.presencePenalty, -1e30, 1e30, fn, 'options.presencePenalty'),
    frequencyPenalty: o.frequencyPenalty === undefined ? 0 : numberIn(o.frequencyPenalty, -1e30, 1e30, fn, 'options.frequencyPenalty'),
    penaltyLastN: o.penaltyLastN === undefined ? 64 : integerIn(o.penaltyLastN, -1, 0x7fffffff, fn, 'options.penaltyLastN'),
    seedLow: seed.low,
    seedHigh: seed.high,
    seeded: seed.seeded,
    topLogprobs: o.topLogprobs === undefined ? 0 : integerIn(o.topLogprobs, 0, 0x7fffffff, fn, 'options.topLogprobs'),
    biasTokens: bias.tokens,
    biasValues: bias.values,
  };
}
