/**
 * Provider detection from the response shape. Rules, checked in this order on each chunk:
 * 1. `completion_probabilities`                                      → `llamacpp`
 * 2. `prompt_logprobs` at the top or in a choice                     → `vllm`
 * 3. `object: "response"`, a `type` starting with `response.`, or
 *    an `output` array without `choices`                             → `openai-responses`
 * 4. a `candidates` array                                            → `gemini`
 * 5. `object: "text_completion"`, or a choice with `text` or
 *    `logprobs.tokens`                                               → `openai-completions`
 * 6. a `choices` array (or `object: "chat.completion[.chunk]"`)      → `openai-chat`
 * 7. a top-level `logprobs` array, or `model` + `created_at` +
 *    `response`/`message`                                            → `ollama`
 * For a stream, `vllm` wins if any chunk has prompt logprobs; otherwise the first chunk that
 * matches a rule decides. vLLM responses without prompt logprobs are indistinguishable from
 * OpenAI's and are reported as `openai-chat` / `openai-completions` (parsed identically).
 */
import { LogprobsParseError } from './errors.js';
import { toChunks, type Chunk } from './input.js';
import { JsonPath } from './path.js';
import { isRecord } from './read.js';
import { isOllamaChunk } from './providers/ollama.js';
import { isCompletionsChunk } from './providers/openai-completions.js';
import { isResponsesChunk } from './providers/openai-responses.js';
import { hasPromptLogprobs } from './providers/vllm.js';
import type { ProviderId } from './types.js';

/** The provider one chunk looks like, or `undefined` when it matches no rule. */
export function detectChunk(value: unknown): ProviderId | undefined {
  if (!isRecord(value)) return undefined;
  if ('completion_probabilities' in value) return 'llamacpp';
  if (hasPromptLogprobs(value)) return 'vllm';
  if (isResponsesChunk(value)) return 'openai-responses';
  if (Array.isArray(value.candidates)) return 'gemini';
  if (isCompletionsChunk(value)) return 'openai-completions';
  if (
    Array.isArray(value.choices) ||
    value.object === 'chat.completion' ||
    value.object === 'chat.completion.chunk'
  ) {
    return 'openai-chat';
  }
  if (Array.isArray(value.logprobs) || isOllamaChunk(value)) return 'ollama';
  return undefined;
}

/** Detects the provider of already-split chunks; throws `LogprobsParseError` when nothing matches. */
export function detectFromChunks(chunks: readonly Chunk[]): ProviderId {
  let first: ProviderId | undefined;
  for (const chunk of chunks) {
    const id = detectChunk(chunk.value);
    if (id === 'vllm') return id;
    first ??= id;
  }
  if (first !== undefined) return first;
  const what = chunks.length === 0 ? 'the input has no chunks' : 'no known logprobs layout matched';
  throw new LogprobsParseError(
    chunks.length === 1 ? (chunks[0] as Chunk).path : JsonPath.root,
    `cannot detect the provider: ${what} (looked for choices, output, candidates, completion_probabilities, ` +
      'logprobs); pass options.provider to name it',
  );
}

/**
 * Detects which provider produced a response. Accepts the same inputs as `parseLogprobs`
 * (object, JSON text, array of chunks, SSE or NDJSON text). Throws `LogprobsParseError` when the
 * shape matches no provider.
 */
export function detectProvider(input: unknown): ProviderId {
  return detectFromChunks(toChunks(input));
}
