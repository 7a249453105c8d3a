/**
 * Ollama native API, `/api/generate` and `/api/chat` (with `logprobs: true`, `top_logprobs: N`).
 * The response (or each NDJSON stream line) has a top-level `logprobs` array of shared OpenAI
 * entries `{ token, logprob, bytes, top_logprobs }`. Ollama returns one answer: choice 0.
 */
import { readEntryList } from '../entry.js';
import { expectRecord, isRecord, type JsonRecord } from '../read.js';
import { appendAll } from '../token.js';
import type { ProviderParser } from './provider.js';

export const ollama: ProviderParser = {
  id: 'ollama',
  parse(chunks, choices) {
    for (const chunk of chunks) {
      const record = expectRecord(chunk.value, chunk.path);
      appendAll(
        choices.choice(0).tokens,
        readEntryList(record.logprobs, chunk.path.key('logprobs')),
      );
    }
  },
};

/** True for an Ollama response or stream line: `model` + `created_at` + `response` or `message`. */
export function isOllamaChunk(chunk: JsonRecord): boolean {
  return (
    typeof chunk.model === 'string' &&
    typeof chunk.created_at === 'string' &&
    (typeof chunk.response === 'string' || isRecord(chunk.message))
  );
}
