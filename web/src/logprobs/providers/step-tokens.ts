/**
 * The list shape Gemini, SGLang and TGI share: one entry per generated token, and beside it an
 * optional list of the same length holding each step's top alternatives, whose entries have the
 * token's own form. A provider gives how to read one entry (from its fields, with readStepEntry)
 * and where a step's alternatives are.
 */
import { LogprobsParseError } from '../errors.js';
import type { JsonPath } from '../path.js';
import { expectString, readLogprob, readTokenId, type LogprobReading } from '../read.js';
import { makeAlternative, makeToken, type TokenFacts } from '../token.js';
import type { LogprobToken, TopLogprob } from '../types.js';

/** One entry as a provider lists it: its text (no bytes), logprob reading and facts. */
export interface StepEntry {
  readonly token: string;
  readonly reading: LogprobReading;
  readonly facts: TokenFacts;
}

/** A field's value (not yet read) and the path it stands at. */
export interface FieldAt {
  readonly value: unknown;
  readonly path: JsonPath;
}

/**
 * One entry from its fields: `text` a string, or `undefined` for a token the provider lists by id
 * only (its text is then unknown: `""` with `textUnknown`, as token-text.ts marks vLLM's id
 * placeholders); `logprob` as readLogprob reads it; `id` a token id or missing (readTokenId);
 * `special` when the provider flags a control token. Throws LogprobsParseError at the path of the
 * field that is wrong.
 */
export function readStepEntry(
  text: FieldAt | undefined,
  logprob: FieldAt,
  id: FieldAt,
  special = false,
): StepEntry {
  return {
    token: text === undefined ? '' : expectString(text.value, text.path),
    reading: readLogprob(logprob.value, logprob.path),
    facts: {
      id: readTokenId(id.value, id.path),
      special,
      textUnknown: text === undefined,
    },
  };
}

/** A list at a path, read or not yet. */
export interface ListAt<T> {
  readonly list: T;
  readonly path: JsonPath;
}

/**
 * The tokens of `entries`, each with the alternatives of the same step of `tops` (none when `tops`
 * is undefined). `readEntry` reads one entry at its path; `alternativesOf` finds the list of
 * alternatives inside one step of `tops`. Throws LogprobsParseError at `tops.path` when `tops`
 * does not have one step per token, and whatever `readEntry` throws at an entry's path.
 */
export function readStepTokens(
  entries: ListAt<readonly unknown[]>,
  tops: ListAt<readonly unknown[] | undefined>,
  readEntry: (value: unknown, path: JsonPath) => StepEntry,
  alternativesOf: (step: unknown, path: JsonPath) => ListAt<readonly unknown[]>,
): LogprobToken[] {
  if (tops.list !== undefined && tops.list.length !== entries.list.length) {
    throw new LogprobsParseError(
      tops.path,
      `expected ${entries.list.length} entries (one per token), got ${tops.list.length}`,
    );
  }
  const topList = tops.list;
  return entries.list.map((value, i) => {
    const { token, reading, facts } = readEntry(value, entries.path.index(i));
    const alternatives =
      topList === undefined
        ? []
        : readAlternatives(alternativesOf(topList[i], tops.path.index(i)), readEntry);
    return makeToken(token, undefined, reading, alternatives, facts);
  });
}

/** One step's alternatives, each entry read by `readEntry` at its path in `found`. */
export function readAlternatives(
  found: ListAt<readonly unknown[]>,
  readEntry: (value: unknown, path: JsonPath) => StepEntry,
): TopLogprob[] {
  return found.list.map((value, i) => {
    const { token, reading, facts } = readEntry(value, found.path.index(i));
    return makeAlternative(token, undefined, reading, facts);
  });
}
