/**
 * OpenAI Responses API. A response holds `output[]` items; message items hold `content[]` parts,
 * and each `output_text` part carries `logprobs` (shared OpenAI entries; requested with
 * `include: ["message.output_text.logprobs"]`). A stream carries the same entries on
 * `response.output_text.delta` events, without `bytes`: the escaped token text supplies them.
 *
 * The API returns one answer (no n > 1), so everything goes to choice 0, in order: all
 * `output_text` parts of all message items, or all delta events in arrival order. The final
 * `response.completed` (`.incomplete`, `.failed`) event holds the whole response again: it is a
 * summary for the stream rule (token-run.ts), so tokens the deltas delivered are not added twice.
 * The per-part `response.output_text.done` and `response.content_part.done` events repeat their
 * part and are not read.
 */
import { readEntryList } from '../entry.js';
import type { JsonPath } from '../path.js';
import { expectArray, expectRecord, isRecord, optionalArray, type JsonRecord } from '../read.js';
import type { TokenRun } from '../token-run.js';
import type { LogprobToken } from '../types.js';
import { parseOneAnswer, type ProviderParser } from './provider.js';

const DELTA_EVENT = 'response.output_text.delta';
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export const openaiResponses: ProviderParser = {
  id: 'openai-responses',
  shape: 'output[].content[].logprobs, or response.output_text.delta events',
  reads: isResponsesChunk,
  parse: (chunks, choices) => parseOneAnswer(chunks, choices, readResponsesChunk),
};

/** A delta event's entries, or the whole response of a final event or a non-streamed response. */
function readResponsesChunk(record: JsonRecord, path: JsonPath, answer: TokenRun): void {
  if (record.type === DELTA_EVENT) {
    answer.append(readEntryList(record.logprobs, path.key('logprobs')));
  } else if (
    typeof record.type === 'string' &&
    FINAL_EVENTS.has(record.type) &&
    isRecord(record.response)
  ) {
    readResponse(record.response, path.key('response'), answer);
  } else if (record.type === undefined && record.output !== undefined) {
    readResponse(record, path, answer);
  }
}

/** True when a chunk is a Responses object or a Responses stream event. */
export function isResponsesChunk(chunk: JsonRecord): boolean {
  return (
    chunk.object === 'response' ||
    (typeof chunk.type === 'string' && chunk.type.startsWith('response.')) ||
    (Array.isArray(chunk.output) && !Object.hasOwn(chunk, 'choices'))
  );
}

/** Reads a whole response, a summary of the sequence from its first token. */
function readResponse(response: JsonRecord, path: JsonPath, answer: TokenRun): void {
  const entries: LogprobToken[] = [];
  const paths: JsonPath[] = [];
  const outputPath = path.key('output');
  expectArray(response.output, outputPath).forEach((value, i) => {
    const itemPath = outputPath.index(i);
    const item = expectRecord(value, itemPath);
    if (item.type !== 'message') return; // reasoning, tool calls: no logprobs
    const contentPath = itemPath.key('content');
    optionalArray(item.content, contentPath)?.forEach((partValue, j) => {
      const partPath = contentPath.index(j);
      const part = expectRecord(partValue, partPath);
      if (part.type !== 'output_text') return;
      const listPath = partPath.key('logprobs');
      readEntryList(part.logprobs, listPath).forEach((entry, k) => {
        entries.push(entry);
        paths.push(listPath.index(k));
      });
    });
  });
  answer.placeWhole(entries, (i) => paths[i] as JsonPath);
}
