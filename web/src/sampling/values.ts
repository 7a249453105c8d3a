// The value parsers of the sampling options: each turns what a caller wrote into a validated
// value, or throws a typed error naming the function (`fn`) and the option (`what`).
import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import { integerIn, numberIn } from '../options.js';
import { GrammarMatcher } from '../grammar/matcher.js';
import { ORDER_PRESETS, STAGES, isProcessor, stageNamed, type StageName } from './stages.js';

/** Token-id sequences, flat: `lengths[i]` tokens each. */
export interface TokenSequences {
  tokens: Int32Array;
  lengths: Uint32Array;
}

/** A seed as the two 32-bit halves the wire carries; `seeded` is false for a random one. */
export interface Seed {
  low: number;
  high: number;
  seeded: boolean;
}

const UINT32 = 4294967296;

/** A non-negative integer seed below 2^64 (number or bigint); a random one when undefined. */
export function parseSeed(seed: unknown, fn: string, what = 'options.seed'): Seed {
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
  const value = seed as number;
  return { low: value % UINT32, high: Math.floor(value / UINT32), seeded: true };
}

/** A number in [0, 1). */
export function fractionBelowOne(value: unknown, fn: string, what: string): number {
  const v = numberIn(value, 0, 1, fn, what);
  if (v >= 1) throw new LogitkitRangeError(`${fn}: ${what} must be in [0, 1), got ${v}`, what);
  return v;
}

/** `{ [tokenId]: bias }` or a Map: token ids >= 0, biases finite or -Infinity. */
export function parseBias(
  bias: unknown,
  fn: string,
  what: string,
): { tokens: Int32Array; values: Float32Array } {
  if (bias === undefined) return { tokens: new Int32Array(0), values: new Float32Array(0) };
  const entries: [unknown, unknown][] =
    bias instanceof Map
      ? [...bias.entries()]
      : typeof bias === 'object' && bias !== null && !Array.isArray(bias)
        ? Object.entries(bias)
        : (() => {
            throw new LogitkitTypeError(
              `${fn}: ${what} must be an object { tokenId: bias } or a Map, got ${describe(bias)}`,
              what,
            );
          })();
  const tokens = new Int32Array(entries.length);
  const values = new Float32Array(entries.length);
  entries.forEach(([key, value], i) => {
    const token = typeof key === 'string' && /^\d+$/.test(key) ? Number(key) : key;
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token > 0x7fffffff) {
      throw new LogitkitRangeError(
        `${fn}: ${what} key ${describe(key)} is not a token id (an integer >= 0)`,
        what,
      );
    }
    if (typeof value !== 'number' || Number.isNaN(value) || value === Infinity) {
      throw new LogitkitRangeError(
        `${fn}: ${what}[${token}] must be a finite number or -Infinity, got ${describe(value)}`,
        what,
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

/** A non-empty array of token ids. */
export function parseTokenList(list: unknown, fn: string, what: string): Int32Array {
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

/** An array of non-empty token-id arrays. */
export function parseSequences(list: unknown, fn: string, what: string): TokenSequences {
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

/**
 * DRY sequence breakers: token-id sequences (strings were converted before, when the options give
 * a `tokenizerInfo`). A string left is a LogitkitRangeError that says what to pass.
 */
export function parseBreakers(list: unknown, fn: string, what: string): TokenSequences {
  if (Array.isArray(list)) {
    const at = list.findIndex((b) => typeof b === 'string');
    if (at >= 0) {
      throw new LogitkitRangeError(
        `${fn}: ${what}[${at}] = ${JSON.stringify(list[at])}: a string breaker needs the model's vocabulary: pass options.tokenizerInfo (lk.createTokenizerInfo or tokenizerInfoFromHuggingFace; fromLlamaCpp(params, { tokenizerInfo }) adds it), or convert the strings with dryBreakerSequences(breakers, tokenBytes, encode) and pass the token-id sequences it returns`,
        `${what}[${at}]`,
      );
    }
  }
  return parseSequences(list, fn, what);
}

/** HF `sequence_bias`: [tokens, bias] pairs, as token-id sequences with one value each. */
export function parseSequenceBias(
  list: unknown,
  fn: string,
  what: string,
): TokenSequences & { values: Float32Array } {
  if (list === undefined)
    return { tokens: new Int32Array(0), lengths: new Uint32Array(0), values: new Float32Array(0) };
  if (!Array.isArray(list)) {
    throw new LogitkitTypeError(
      `${fn}: ${what} must be an array of [tokens, bias] pairs, got ${describe(list)}`,
      what,
    );
  }
  const values = new Float32Array(list.length);
  const sequences = list.map((pair: unknown, i) => {
    if (!Array.isArray(pair) || pair.length !== 2) {
      throw new LogitkitTypeError(
        `${fn}: ${what}[${i}] must be a [tokens, bias] pair, got ${describe(pair)}`,
        `${what}[${i}]`,
      );
    }
    const bias: unknown = pair[1];
    if (typeof bias !== 'number') {
      throw new LogitkitTypeError(
        `${fn}: ${what}[${i}][1] must be a number, got ${describe(bias)}`,
        `${what}[${i}][1]`,
      );
    }
    if (Number.isNaN(bias) || bias === Infinity) {
      throw new LogitkitRangeError(
        `${fn}: ${what}[${i}][1] must be finite or -Infinity, got ${bias}`,
        `${what}[${i}][1]`,
      );
    }
    values[i] = bias;
    return pair[0] as unknown;
  });
  const flat: number[] = [];
  const lengths = new Uint32Array(list.length);
  sequences.forEach((seq, i) => {
    const one = parseSequences([seq], fn, `${what}[${i}]`);
    flat.push(...one.tokens);
    lengths[i] = one.tokens.length;
  });
  return { tokens: Int32Array.from(flat), lengths, values };
}

const ORDER_EXPECTED = "'hf', 'llama.cpp', 'vllm' or an array of stage names";

/**
 * The stage order: a preset ('hf', 'llama.cpp', 'vllm') or an array of stage names (llama.cpp
 * server names too), each stage at most once. Whether a processor may follow a filter depends on
 * `compat` (checkLateProcessors).
 */
export function parseOrder(order: unknown, fn: string, what: string): StageName[] {
  if (order === undefined) return [...STAGES];
  if (typeof order === 'string') {
    const preset = ORDER_PRESETS[order as keyof typeof ORDER_PRESETS];
    if (preset === undefined) {
      throw new LogitkitRangeError(
        `${fn}: ${what} must be ${ORDER_EXPECTED}, got ${describe(order)}`,
        what,
      );
    }
    return [...preset];
  }
  if (!Array.isArray(order)) {
    throw new LogitkitTypeError(
      `${fn}: ${what} must be ${ORDER_EXPECTED}, got ${describe(order)}`,
      what,
    );
  }
  const out: StageName[] = [];
  order.forEach((raw: unknown, i) => {
    const name = typeof raw === 'string' ? stageNamed(raw) : undefined;
    if (name === undefined) {
      throw new LogitkitRangeError(
        `${fn}: ${what}[${i}] = ${describe(raw)} is not a stage. Stages: ${STAGES.join(', ')}`,
        `${what}[${i}]`,
      );
    }
    if (out.includes(name))
      throw new LogitkitRangeError(`${fn}: ${what} lists "${name}" twice`, `${what}[${i}]`);
    out.push(name);
  });
  return out;
}

// With llama.cpp's rules the penalties and DRY may follow a filter, as its `samplers` list allows.
const LATE_WITH_LLAMA_CPP: readonly StageName[] = ['penalties', 'dry'];

/**
 * Every processor before every filter, except penalties and DRY with llama.cpp's rules (`what`
 * names the order option).
 */
export function checkLateProcessors(
  order: readonly StageName[],
  llamaCpp: boolean,
  fn: string,
  what: string,
): void {
  const firstFilter = order.findIndex((s) => !isProcessor(s));
  const late =
    firstFilter < 0
      ? -1
      : order.findIndex(
          (s, i) =>
            i > firstFilter && isProcessor(s) && !(llamaCpp && LATE_WITH_LLAMA_CPP.includes(s)),
        );
  if (late >= 0) {
    const allowed = llamaCpp ? '' : " (with compat: 'llama.cpp', penalties and dry may)";
    throw new LogitkitRangeError(
      `${fn}: ${what} puts "${order[late]}" after "${order[firstFilter]}": logit processors (${STAGES.filter(isProcessor).join(', ')}) must come before the filters${allowed}`,
      `${what}[${late}]`,
    );
  }
}

/** One of the listed strings. */
export function oneOf<T extends string>(
  value: unknown,
  allowed: readonly T[],
  fn: string,
  what: string,
  expected: string,
): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new LogitkitRangeError(
      `${fn}: ${what} must be ${expected}, got ${describe(value)}`,
      what,
    );
  }
  return value as T;
}

/** A live grammar matcher (`lk.createGrammarMatcher`), for the `grammar` option. */
export function parseGrammarMatcher(value: unknown, fn: string, what: string): GrammarMatcher {
  if (!(value instanceof GrammarMatcher)) {
    throw new LogitkitTypeError(
      `${fn}: ${what} must be a GrammarMatcher (lk.createGrammarMatcher), got ${describe(value)}`,
      what,
    );
  }
  if (value.disposed) throw new LogitkitTypeError(`${fn}: ${what} is disposed`, what);
  return value;
}
