/**
 * Ollama native API, `/api/generate` and `/api/chat` (with `logprobs: true`, `top_logprobs: N`).
 * The response (or each NDJSON stream line) has a top-level `logprobs` array of shared OpenAI
 * entries `{ token, logprob, bytes, top_logprobs }`. Ollama returns one answer: choice 0. The last
 * stream line (`done: true`) is a final event for the stream rule (token-run.ts), its own text
 * being `response` (generate) or `message.content` (chat).
 */
import { readEntryList } from '../entry.js';
import { isRecord, type JsonRecord } from '../read.js';
import { parseOneAnswer, type ProviderParser } from './provider.js';

export const ollama: ProviderParser = {
  id: 'ollama',
  shape: 'a top-level logprobs[] (with model, created_at)',
  reads: (chunk) => Array.isArray(chunk.logprobs) || isOllamaChunk(chunk),
  parse(chunks, choices) {
    parseOneAnswer(chunks, choices, (record, path, answer) => {
      const listPath = path.key('logprobs');
      const entries = readEntryList(record.logprobs, listPath);
      if (record.done === true)
        answer.appendUnlessRepeat(entries, ownText(record), (i) => listPath.index(i));
      else answer.append(entries);
    });
  },
};

function ownText(record: JsonRecord): string | undefined {
  if (typeof record.response === 'string') return record.response;
  return isRecord(record.message) && typeof record.message.content === 'string'
    ? record.message.content
    : undefined;
}

/** True for an Ollama response or stream line: `model` + `created_at` + `response` or `message`. */
export function isOllamaChunk(chunk: JsonRecord): boolean {
  return (
    typeof chunk.model === 'string' &&
    typeof chunk.created_at === 'string' &&
    (typeof chunk.response === 'string' || isRecord(chunk.message))
  );
}
