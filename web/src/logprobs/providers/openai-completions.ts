/**
 * The legacy Completions form of a choice's logprobs: parallel arrays `tokens` (strings, or `null`),
 * `token_logprobs` (numbers or null — the first prompt token with `echo` has none),
 * `top_logprobs` (one `{ token: logprob }` object or null per position) and `text_offset`
 * (character offsets; validated, but `offset` is recomputed against the rebuilt text), and the
 * `token_ids` that Together and Fireworks add (each becomes the token's `id`). A token
 * with OpenAI's escaped bytes (`bytes: \xe2\x80\x9c`) gets those bytes. A `null` token (Together's
 * `tokens: List[str | None]`) and vLLM's `token_id:<id>` placeholder (no bytes in this form) have
 * unknown text (token-text.ts); the placeholder gives the `id`. OpenAI's legacy
 * Completions API sends it, and so do OpenAI-compatible servers in chat responses too.
 */
import { LogprobsParseError } from '../errors.js';
import type { JsonPath } from '../path.js';
import {
  expectArray,
  expectRecord,
  expectString,
  optionalArray,
  readIndex,
  readLogprob,
  readTokenId,
  type JsonRecord,
} from '../read.js';
import { makeAlternative, makeToken } from '../token.js';
import { readTokenText } from '../token-text.js';
import type { LogprobToken, TopLogprob } from '../types.js';

/** True when a choice's `logprobs` has the parallel-array form (and not the chat `content[]`). */
export function hasParallelArrays(logprobs: JsonRecord): boolean {
  return (
    logprobs.tokens !== undefined &&
    logprobs.tokens !== null &&
    (logprobs.content === undefined || logprobs.content === null)
  );
}

/** Reads the parallel arrays of one choice's `logprobs` (at `path`) into tokens. */
export function readParallelArrays(logprobs: JsonRecord, path: JsonPath): LogprobToken[] {
  const tokensPath = path.key('tokens');
  const tokens = expectArray(logprobs.tokens, tokensPath);
  const valuesPath = path.key('token_logprobs');
  const values = parallelArray(logprobs.token_logprobs, valuesPath, tokens.length, true);
  const topsPath = path.key('top_logprobs');
  const tops = parallelArray(logprobs.top_logprobs, topsPath, tokens.length, false);
  const offsetsPath = path.key('text_offset');
  const offsets = parallelArray(logprobs.text_offset, offsetsPath, tokens.length, false);
  offsets?.forEach((offset, i) => readIndex(offset, offsetsPath.index(i), 0));
  const idsPath = path.key('token_ids');
  const ids = parallelArray(logprobs.token_ids, idsPath, tokens.length, false);

  const read = new Array<LogprobToken>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const raw = tokens[i] === null ? null : expectString(tokens[i], tokensPath.index(i));
    const text = readTokenText(raw, undefined);
    const reading = readLogprob((values as readonly unknown[])[i], valuesPath.index(i));
    const alternatives = readTopDict(tops?.[i], topsPath.index(i));
    const id = ids === undefined ? undefined : readTokenId(ids[i], idsPath.index(i));
    read[i] = makeToken(text.token, text.bytes, reading, alternatives, {
      id: id ?? text.id,
      textUnknown: text.textUnknown,
    });
  }
  return read;
}

/** An array that must be as long as `tokens`; `undefined` when optional and missing or null. */
function parallelArray(
  value: unknown,
  path: JsonPath,
  length: number,
  required: boolean,
): readonly unknown[] | undefined {
  const list = required ? expectArray(value, path) : optionalArray(value, path);
  if (list !== undefined && list.length !== length) {
    throw new LogprobsParseError(
      path,
      `expected ${length} entries (one per token), got ${list.length}`,
    );
  }
  return list;
}

/**
 * One `{ token: logprob }` object (null → no alternatives). Its keys are token strings and stay
 * data: `Object.keys` lists own keys only, and an own `__proto__` or `constructor` key shadows the
 * prototype's, so such tokens are read like any other. JavaScript objects reorder integer-like
 * keys such as "2024", so the provider's order is restored by sorting on logprob, most likely
 * first (sentinels and nulls last).
 */
function readTopDict(value: unknown, path: JsonPath): TopLogprob[] {
  if (value === undefined || value === null) return [];
  const dict = expectRecord(value, path);
  const alternatives = Object.keys(dict).map((key) => {
    const text = readTokenText(key, undefined);
    return makeAlternative(text.token, text.bytes, readLogprob(dict[key], path.key(key)), text);
  });
  return alternatives.sort((a, b) => (b.logprob ?? -Infinity) - (a.logprob ?? -Infinity) || 0);
}
