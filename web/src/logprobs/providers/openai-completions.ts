/**
 * OpenAI legacy Completions (`text_completion`), plain and streamed. Per choice, parallel arrays:
 * `logprobs.tokens` (strings), `logprobs.token_logprobs` (numbers or null — the first prompt token
 * with `echo` has none), `logprobs.top_logprobs` (one `{ token: logprob }` object or null per
 * position), `logprobs.text_offset` (character offsets; validated, but `offset` is recomputed
 * against the rebuilt text). A token written as `bytes:\xNN...` gets those bytes.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import { bytesFromEscapedToken } from '../bytes.js';
import { LogprobsParseError } from '../errors.js';
import type { JsonPath } from '../path.js';
import {
  expectArray,
  expectRecord,
  expectString,
  isRecord,
  optionalArray,
  readIndex,
  readLogprob,
  type JsonRecord,
} from '../read.js';
import { makeAlternative, makeToken } from '../token.js';
import type { TopLogprob } from '../types.js';
import { forEachChoiceLogprobs } from './openai-choices.js';
import type { ProviderParser } from './provider.js';

export const openaiCompletions: ProviderParser = {
  id: 'openai-completions',
  parse(chunks, choices) {
    for (const chunk of chunks)
      parseCompletionsChunk(expectRecord(chunk.value, chunk.path), chunk.path, choices);
  },
};

/** True when a chunk has the legacy Completions shape (`text` or `logprobs.tokens` in a choice). */
export function isCompletionsChunk(chunk: JsonRecord): boolean {
  if (chunk.object === 'text_completion') return true;
  if (!Array.isArray(chunk.choices)) return false;
  return chunk.choices.some(
    (choice: unknown) =>
      isRecord(choice) &&
      (typeof choice.text === 'string' ||
        (isRecord(choice.logprobs) && Array.isArray(choice.logprobs.tokens))),
  );
}

export function parseCompletionsChunk(
  chunk: JsonRecord,
  path: JsonPath,
  choices: ChoiceAccumulator,
): void {
  forEachChoiceLogprobs(chunk, path, choices, (draft, logprobs, logprobsPath) => {
    const tokensPath = logprobsPath.key('tokens');
    const tokens = expectArray(logprobs.tokens, tokensPath);
    const values = parallelArray(
      logprobs.token_logprobs,
      logprobsPath.key('token_logprobs'),
      tokens.length,
      true,
    );
    const tops = parallelArray(
      logprobs.top_logprobs,
      logprobsPath.key('top_logprobs'),
      tokens.length,
      false,
    );
    const offsetsPath = logprobsPath.key('text_offset');
    const offsets = parallelArray(logprobs.text_offset, offsetsPath, tokens.length, false);
    offsets?.forEach((offset, i) => readIndex(offset, offsetsPath.index(i), 0));

    for (let i = 0; i < tokens.length; i++) {
      const token = expectString(tokens[i], tokensPath.index(i));
      const reading = readLogprob(
        (values as readonly unknown[])[i],
        logprobsPath.key('token_logprobs').index(i),
      );
      const alternatives = readTopDict(tops?.[i], logprobsPath.key('top_logprobs').index(i));
      draft.tokens.push(makeToken(token, bytesFromEscapedToken(token), reading, alternatives));
    }
  });
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
 * One `{ token: logprob }` object (null → no alternatives). JavaScript objects reorder
 * integer-like keys such as "2024", so the provider's order is restored by sorting on logprob,
 * most likely first (sentinels and nulls last).
 */
function readTopDict(value: unknown, path: JsonPath): TopLogprob[] {
  if (value === undefined || value === null) return [];
  const dict = expectRecord(value, path);
  const alternatives = Object.keys(dict).map((token) =>
    makeAlternative(token, bytesFromEscapedToken(token), readLogprob(dict[token], path.key(token))),
  );
  return alternatives.sort((a, b) => (b.logprob ?? -Infinity) - (a.logprob ?? -Infinity) || 0);
}
