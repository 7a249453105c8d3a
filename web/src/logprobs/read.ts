/**
 * Validating readers for untrusted JSON. Each one returns the value in the type the parsers need
 * or throws `LogprobsParseError` naming the path; none of them ever returns a wrong number.
 */
import { LogprobsParseError, describe } from './errors.js';
import type { JsonPath } from './path.js';

/**
 * OpenAI's "below top-N" sentinel. The API docs: "if it is within the top 20 most likely tokens.
 * Otherwise, the value -9999.0 is used to signify that the token is very unlikely". vLLM uses the
 * same value for -inf. It is never treated as a logprob.
 */
export const LOGPROB_SENTINEL = -9999;

/**
 * Tolerance for float rounding above zero. A logprob in (0, LOGPROB_EPSILON] is read as 0
 * (probability 1); anything larger is an error, because log p > 0 would mean p > 1. A probability
 * in (1, 1 + LOGPROB_EPSILON] is likewise read as 1.
 */
export const LOGPROB_EPSILON = 1e-5;

/** What a logprob field holds after validation: a logprob, absent (`null`), or the sentinel. */
export type LogprobReading = number | null | 'below-top-n';

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function expectRecord(value: unknown, path: JsonPath): JsonRecord {
  if (!isRecord(value))
    throw new LogprobsParseError(path, `expected an object, got ${describe(value)}`);
  return value;
}

export function expectArray(value: unknown, path: JsonPath): readonly unknown[] {
  if (!Array.isArray(value))
    throw new LogprobsParseError(path, `expected an array, got ${describe(value)}`);
  return value;
}

/** An array, or `undefined` when the field is missing or `null` (how APIs say "none"). */
export function optionalArray(value: unknown, path: JsonPath): readonly unknown[] | undefined {
  return value === undefined || value === null ? undefined : expectArray(value, path);
}

export function expectString(value: unknown, path: JsonPath): string {
  if (typeof value !== 'string')
    throw new LogprobsParseError(path, `expected a string, got ${describe(value)}`);
  return value;
}

/** A non-negative integer index; `fallback` when missing or `null`. */
export function readIndex(value: unknown, path: JsonPath, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new LogprobsParseError(
      path,
      `expected a non-negative integer index, got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * A token id: a non-negative integer, or its decimal string (the protobuf JSON form of 64-bit
 * integers, which protobuf readers accept for any integer); `undefined` when missing or `null`.
 */
export function readTokenId(value: unknown, path: JsonPath): number | undefined {
  if (value === undefined || value === null) return undefined;
  const id = typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0)
    throw new LogprobsParseError(
      path,
      `expected a token id (an integer >= 0), got ${describe(value)}`,
    );
  return id;
}

/**
 * An optional `id` beside a token in a shape that does not require one (llama.cpp adds it to the
 * OpenAI entry; other OpenAI-compatible servers may add anything): the id when `value` is a
 * token id, else `undefined`, never an error.
 */
export function tokenIdIfAny(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * UTF-8 bytes: an array of integers 0..255, or `undefined` when missing or `null` (OpenAI sends
 * `null` for tokens with no byte form). The validated array itself is returned, not a copy.
 */
export function readBytes(value: unknown, path: JsonPath): number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value))
    throw new LogprobsParseError(path, `expected an array of bytes, got ${describe(value)}`);
  for (let i = 0; i < value.length; i++) {
    const byte: unknown = value[i];
    if (typeof byte !== 'number' || !Number.isInteger(byte) || byte < 0 || byte > 255) {
      throw new LogprobsParseError(
        path.index(i),
        `expected a byte (integer 0..255), got ${describe(byte)}`,
      );
    }
  }
  return value as number[];
}

/**
 * The protobuf JSON mapping (Gemini's REST API and other Google APIs) writes the non-finite
 * floats as the strings `"Infinity"`, `"-Infinity"` and `"NaN"`. Returns the number such a string
 * stands for, or `undefined` for any other value. Bare `NaN` / `Infinity` / `-Infinity` in JSON
 * text (Python's `json.dumps`) arrive here in the same string form (see input.ts).
 */
export function protobufNonFinite(value: unknown): number | undefined {
  if (value === '-Infinity') return -Infinity;
  if (value === 'Infinity') return Infinity;
  if (value === 'NaN') return NaN;
  return undefined;
}

/** A JSON number, or the protobuf string of a non-finite one; `undefined` for anything else. */
function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : protobufNonFinite(value);
}

/** `describe`, naming the protobuf reading of a non-finite string too. */
function describeNumber(value: unknown): string {
  return typeof value === 'string' && protobufNonFinite(value) !== undefined
    ? `the string ${JSON.stringify(value)} (the protobuf JSON form of ${value})`
    : describe(value);
}

/**
 * A logprob field. `null`/missing → `null` (absent); exactly `-9999` → `'below-top-n'`;
 * a number <= 0 (including `-Infinity`, p = 0, also written `"-Infinity"` as in protobuf JSON)
 * → itself; (0, LOGPROB_EPSILON] → 0. Anything else — another string, NaN or `"NaN"`, +Infinity or
 * `"Infinity"`, a positive logprob — throws.
 */
export function readLogprob(value: unknown, path: JsonPath): LogprobReading {
  if (value === undefined || value === null) return null;
  const number = numberOf(value);
  if (number === undefined || Number.isNaN(number))
    throw new LogprobsParseError(
      path,
      `expected a logprob (a number <= 0), got ${describeNumber(value)}`,
    );
  if (number === LOGPROB_SENTINEL) return 'below-top-n';
  if (number <= 0) return number;
  if (number <= LOGPROB_EPSILON) return 0;
  throw new LogprobsParseError(
    path,
    `expected a logprob (a number <= 0), got ${describeNumber(value)}: log p > 0 would mean p > 1`,
  );
}

/**
 * A probability field (llama.cpp `prob`), returned as a logprob `ln p`. `null`/missing → `null`.
 * p must be in [0, 1] (up to 1 + LOGPROB_EPSILON, read as 1); p = 0 gives `-Infinity`. The
 * protobuf strings are read as their numbers, and so are out of range like them.
 */
export function readProbabilityAsLogprob(value: unknown, path: JsonPath): LogprobReading {
  if (value === undefined || value === null) return null;
  const number = numberOf(value);
  if (number !== undefined && number >= 0 && number <= 1) return Math.log(number);
  if (number !== undefined && number > 1 && number <= 1 + LOGPROB_EPSILON) return 0;
  throw new LogprobsParseError(
    path,
    `expected a probability (a number in [0, 1]), got ${describeNumber(value)}`,
  );
}
