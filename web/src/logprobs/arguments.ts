/**
 * Argument validation for the analysis functions. Contract: a wrong argument raises `TypeError`
 * (wrong type) or `RangeError` (a number out of range), and the message names the argument,
 * e.g. `tokensOrLogprobs[3].logprob must be a logprob <= 0, got 0.5`. A number is never
 * returned silently from bad input.
 */
import { LOGPROB_EPSILON, LOGPROB_SENTINEL } from './read.js';
import type { LogprobToken } from './types.js';

/** The minimum a token needs for sums and means: a logprob, optionally flagged as the sentinel. */
export interface ScoredToken {
  /** Natural-log probability, or `null` when unknown (skipped by sums and means). */
  readonly logprob: number | null;
  /** True for the below-top-N sentinel: counted apart, never summed. */
  readonly belowTopN?: boolean;
}

/**
 * What the sequence functions accept: an array of logprobs (`null` entries are skipped), an array
 * of tokens (the normalised ones, or anything with `logprob`), or a sequence/choice `{ tokens }`.
 */
export type LogprobsInput =
  readonly (number | null)[] | readonly ScoredToken[] | { readonly tokens: readonly ScoredToken[] };

/** What token-level functions accept: a normalised token array, or a sequence/choice `{ tokens }`. */
export type TokensInput = readonly LogprobToken[] | { readonly tokens: readonly LogprobToken[] };

/**
 * Validates one logprob. Returns the number (a value in (0, LOGPROB_EPSILON] becomes 0), or
 * `null` for `null` and for OpenAI's `-9999` sentinel — both of which carry no probability.
 */
export function checkLogprob(value: unknown, name: string): number | null {
  if (value === null) return null;
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number or null, got ${typeof value}`);
  if (value === LOGPROB_SENTINEL) return null;
  if (value <= 0) return value;
  if (value <= LOGPROB_EPSILON) return 0;
  throw new RangeError(`${name} must be a logprob <= 0 (or -Infinity), got ${value}`);
}

/** The array inside a `LogprobsInput` / `TokensInput`, checked to be an array. */
export function itemsOf(input: unknown, name: string): readonly unknown[] {
  if (Array.isArray(input)) return input;
  if (
    typeof input === 'object' &&
    input !== null &&
    Array.isArray((input as { tokens?: unknown }).tokens)
  ) {
    return (input as { tokens: readonly unknown[] }).tokens;
  }
  throw new TypeError(
    `${name} must be an array of logprobs, an array of tokens, or an object with a tokens array`,
  );
}

/** Logprobs of a `LogprobsInput`, with counts of what was skipped. */
export interface LogprobTally {
  /** The usable logprobs, in order. */
  readonly values: number[];
  readonly itemCount: number;
  /** Items flagged (or valued) as the below-top-N sentinel. */
  readonly belowTopNCount: number;
  /** Items with a `null` logprob that are not the sentinel. */
  readonly absentCount: number;
}

export function tallyLogprobs(input: unknown, name: string): LogprobTally {
  const items = itemsOf(input, name);
  const values: number[] = [];
  let belowTopNCount = 0;
  let absentCount = 0;
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i];
    let raw: unknown = item;
    let itemName = `${name}[${i}]`;
    let flagged = false;
    if (typeof item === 'object' && item !== null) {
      raw = (item as ScoredToken).logprob;
      flagged = (item as ScoredToken).belowTopN === true;
      itemName += '.logprob';
      if (raw === undefined) raw = null;
    }
    const value = checkLogprob(raw, itemName);
    if (value !== null && !flagged) values.push(value);
    else if (flagged || raw === LOGPROB_SENTINEL) belowTopNCount++;
    else absentCount++;
  }
  return { values, itemCount: items.length, belowTopNCount, absentCount };
}

/** The normalised tokens of a `TokensInput`; each must at least be an object with a `logprob`. */
export function tokensOf(input: unknown, name: string): readonly LogprobToken[] {
  const items = itemsOf(input, name);
  for (let i = 0; i < items.length; i++) checkToken(items[i], `${name}[${i}]`);
  return items as readonly LogprobToken[];
}

/** Checks a single normalised token (its fields are read by the token-level functions). */
export function checkToken(token: unknown, name: string): LogprobToken {
  if (typeof token !== 'object' || token === null)
    throw new TypeError(`${name} must be a token object`);
  const t = token as Partial<LogprobToken>;
  if (typeof t.token !== 'string') throw new TypeError(`${name}.token must be a string`);
  checkLogprob(t.logprob ?? null, `${name}.logprob`);
  if (t.topLogprobs !== undefined && !Array.isArray(t.topLogprobs))
    throw new TypeError(`${name}.topLogprobs must be an array`);
  return token as LogprobToken;
}

/** A probability threshold in (0, 1]. */
export function checkThreshold(value: unknown, name: string): number {
  if (typeof value !== 'number')
    throw new TypeError(`${name} must be a number, got ${typeof value}`);
  if (!(value > 0 && value <= 1)) throw new RangeError(`${name} must be in (0, 1], got ${value}`);
  return value;
}

/** Sum with Neumaier compensation (accurate for 10^5+ terms); `-Infinity` anywhere gives `-Infinity`. */
export function stableSum(values: readonly number[]): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (v === -Infinity) return -Infinity;
    const t = sum + v;
    // Past -Number.MAX_VALUE the sum is -Infinity for good (logprobs are <= 0); compensating
    // with an infinite partial sum would give NaN.
    if (!Number.isFinite(t)) return t;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}
