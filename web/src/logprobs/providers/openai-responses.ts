/**
 * OpenAI Responses API. A response holds `output[]` items; message items hold `content[]` parts,
 * and each `output_text` part carries `logprobs` (shared OpenAI entries; requested with
 * `include: ["message.output_text.logprobs"]`). A stream carries the same entries on
 * `response.output_text.delta` events (without `bytes`).
 *
 * The API returns one answer (no n > 1), so everything goes to choice 0, in order: all
 * `output_text` parts of all message items, or all delta events in arrival order. A stream that
 * has delta events *and* a final `response.completed` event would repeat the tokens, so the final
 * response is read only when the stream had no delta events with logprobs.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import { readEntryList } from '../entry.js';
import type { JsonPath } from '../path.js';
import { expectArray, expectRecord, isRecord, optionalArray, type JsonRecord } from '../read.js';
import { appendAll } from '../token.js';
import type { LogprobToken } from '../types.js';
import type { ProviderParser } from './provider.js';

const DELTA_EVENT = 'response.output_text.delta';
const FINAL_EVENTS = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export const openaiResponses: ProviderParser = {
  id: 'openai-responses',
  parse(chunks, choices) {
    const fromDeltas: LogprobToken[] = [];
    const fromResponses: LogprobToken[] = [];
    let sawDeltaLogprobs = false;
    for (const chunk of chunks) {
      const record = expectRecord(chunk.value, chunk.path);
      if (record.type === DELTA_EVENT) {
        if (record.logprobs !== undefined && record.logprobs !== null) sawDeltaLogprobs = true;
        appendAll(fromDeltas, readEntryList(record.logprobs, chunk.path.key('logprobs')));
      } else if (
        typeof record.type === 'string' &&
        FINAL_EVENTS.has(record.type) &&
        isRecord(record.response)
      ) {
        readResponse(record.response, chunk.path.key('response'), fromResponses);
      } else if (record.type === undefined && record.output !== undefined) {
        readResponse(record, chunk.path, fromResponses);
      }
    }
    if (chunks.length > 0)
      appendAll(choices.choice(0).tokens, sawDeltaLogprobs ? fromDeltas : fromResponses);
  },
};

/** True when a chunk is a Responses object or a Responses stream event. */
export function isResponsesChunk(chunk: JsonRecord): boolean {
  return (
    chunk.object === 'response' ||
    (typeof chunk.type === 'string' && chunk.type.startsWith('response.')) ||
    (Array.isArray(chunk.output) && !('choices' in chunk))
  );
}

function readResponse(response: JsonRecord, path: JsonPath, into: LogprobToken[]): void {
  const outputPath = path.key('output');
  expectArray(response.output, outputPath).forEach((value, i) => {
    const itemPath = outputPath.index(i);
    const item = expectRecord(value, itemPath);
    if (item.type !== 'message') return; // reasoning, tool calls: no logprobs
    const contentPath = itemPath.key('content');
    optionalArray(item.content, contentPath)?.forEach((partValue, j) => {
      const partPath = contentPath.index(j);
      const part = expectRecord(partValue, partPath);
      if (part.type === 'output_text')
        appendAll(into, readEntryList(part.logprobs, partPath.key('logprobs')));
    });
  });
}
