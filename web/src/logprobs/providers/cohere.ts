/**
 * Cohere Chat API v2 (`/v2/chat` with `logprobs: true`). The response has a top-level `logprobs`
 * array of `LogprobItem`s, `{ text, token_ids, logprobs }` in Cohere's API reference: "text: The
 * text chunk for which the log probabilities was calculated", "token_ids: The token ids of each
 * token used to construct the text chunk" (required), "logprobs: The log probability of each token
 * used to construct the text chunk". A stream (`stream: true`, SSE) sends typed events
 * (`message-start`, `content-delta`, ..., `message-end`); a `content-delta` event carries the
 * `LogprobItem` of its text in its own `logprobs` field (read as one item or a list of them).
 *
 * Each token id becomes one token, its logprob the matching entry of `logprobs` (missing → `null`).
 * Cohere gives the text per chunk, not per token: the chunk's `text` goes to its LAST token and the
 * earlier tokens of the chunk are `""`, so every token of the chunk gets the chunk's start as its
 * offset (as a token that continues a character does, bytes.ts). A chunk without `text` gives
 * tokens whose text is unknown (`textUnknown`). Cohere returns one answer (choice 0) and no
 * alternatives (`topLogprobs` is empty). A `message-end` event is a final event for the stream rule
 * (token-run.ts).
 */
import { LogprobsParseError } from '../errors.js';
import type { JsonPath } from '../path.js';
import {
  expectArray,
  expectRecord,
  expectString,
  isRecord,
  optionalArray,
  readLogprob,
  readTokenId,
  type JsonRecord,
} from '../read.js';
import { makeToken } from '../token.js';
import type { TokenRun } from '../token-run.js';
import type { LogprobToken } from '../types.js';
import { parseOneAnswer, type ProviderParser } from './provider.js';

/** Cohere v2 chat stream event types (`type` of each SSE event). */
const STREAM_EVENTS = new Set([
  'message-start',
  'content-start',
  'content-delta',
  'content-end',
  'tool-plan-delta',
  'tool-call-start',
  'tool-call-delta',
  'tool-call-end',
  'citation-start',
  'citation-end',
  'message-end',
  'debug',
]);

export const cohere: ProviderParser = {
  id: 'cohere',
  shape: 'a top-level logprobs[] of { token_ids, text, logprobs } (Cohere v2 chat)',
  reads: isCohereChunk,
  parse: (chunks, choices) => parseOneAnswer(chunks, choices, readCohereChunk),
};

/** A response or stream event: its `logprobs` item (a stream event's) or list of items. */
function readCohereChunk(record: JsonRecord, chunkPath: JsonPath, answer: TokenRun): void {
  if (record.logprobs === undefined || record.logprobs === null) return;
  const path = chunkPath.key('logprobs');
  const { tokens, pathOf } = isRecord(record.logprobs)
    ? { tokens: readItem(record.logprobs, path), pathOf: () => path }
    : readItems(record.logprobs, path);
  if (record.type === 'message-end') answer.appendUnlessRepeat(tokens, undefined, pathOf);
  else answer.append(tokens);
}

/**
 * True for a Cohere v2 chat response or stream event: a top-level `logprobs` array whose items
 * have `token_ids`, a `logprobs` item of a stream event, a Cohere stream event `type`, or a
 * response's `finish_reason` beside a `message` whose `content` is a list of parts (Ollama's
 * `message.content` is a string, and it has `done_reason`).
 */
export function isCohereChunk(chunk: JsonRecord): boolean {
  if (typeof chunk.type === 'string' && STREAM_EVENTS.has(chunk.type)) return true;
  if (
    typeof chunk.finish_reason === 'string' &&
    isRecord(chunk.message) &&
    Array.isArray(chunk.message.content)
  )
    return true;
  if (isRecord(chunk.logprobs)) return Array.isArray(chunk.logprobs.token_ids);
  return (
    Array.isArray(chunk.logprobs) &&
    chunk.logprobs.some((item: unknown) => isRecord(item) && Object.hasOwn(item, 'token_ids'))
  );
}

function readItems(value: unknown, path: JsonPath) {
  const tokens: LogprobToken[] = [];
  const itemOf: number[] = []; // the item each token came from, for the stream rule's errors
  expectArray(value, path).forEach((item, i) => {
    for (const token of readItem(item, path.index(i))) {
      tokens.push(token);
      itemOf.push(i);
    }
  });
  return { tokens, pathOf: (i: number) => path.index(itemOf[i] as number) };
}

/** One `LogprobItem`: one token per id, the chunk's text on its last token. */
function readItem(value: unknown, path: JsonPath): LogprobToken[] {
  const item = expectRecord(value, path);
  const idsPath = path.key('token_ids');
  const ids = expectArray(item.token_ids, idsPath);
  const valuesPath = path.key('logprobs');
  const values = optionalArray(item.logprobs, valuesPath);
  if (values !== undefined && values.length !== ids.length)
    throw new LogprobsParseError(
      valuesPath,
      `expected ${ids.length} entries (one per token id), got ${values.length}`,
    );
  const text =
    item.text === undefined || item.text === null
      ? undefined
      : expectString(item.text, path.key('text'));
  return ids.map((id, i) => {
    const reading = readLogprob(values?.[i], valuesPath.index(i));
    const last = i === ids.length - 1;
    return makeToken(last && text !== undefined ? text : '', undefined, reading, [], {
      id: readTokenId(id, idsPath.index(i)) ?? invalidId(idsPath.index(i)),
      textUnknown: text === undefined,
    });
  });
}

function invalidId(path: JsonPath): never {
  throw new LogprobsParseError(path, 'expected a token id (an integer >= 0), got null');
}
