/**
 * Provider detection from the response shape: what decides is where the logprobs are, never a
 * label such as `object`. Rules, checked in this order on each chunk:
 * 1. `completion_probabilities`                                      → `llamacpp`
 * 2. `prompt_logprobs` at the top or in a choice                     → `vllm`
 * 3. `object: "response"`, a `type` starting with `response.`, or
 *    an `output` array without `choices`                             → `openai-responses`
 * 4. a `candidates` array                                            → `gemini`
 * 5. a `choices` array, by the shape of the choices' `logprobs`:
 *    `tokens[]` → `openai-completions`, `content[]` / `refusal[]` → `openai-chat`; when no choice
 *    has logprobs, a choice with `text` → `openai-completions`, else `openai-chat`; without
 *    `choices`, `object: "chat.completion[.chunk]"` / `"text_completion"` says which
 * 6. a `meta_info` object                                            → `sglang`
 * 7. `generated_text`, `details.tokens` / `details.prefill`, or a stream `token` → `tgi`
 * 8. a top-level `logprobs` array whose items have `token_ids`, a
 *    `logprobs` item with `token_ids`, a Cohere v2 stream event
 *    `type` (`content-delta`, `message-end`, ...), or `finish_reason`
 *    beside a `message` whose `content` is a list                    → `cohere`
 * 9. a top-level `logprobs` array, or `model` + `created_at` +
 *    `response`/`message`                                            → `ollama`
 * For a stream, `vllm` wins if any chunk has prompt logprobs; otherwise the first chunk whose
 * choices' logprobs show their shape decides, or else the first chunk that matches a rule.
 * vLLM responses without prompt logprobs are indistinguishable from OpenAI's and are reported as
 * `openai-chat` / `openai-completions` (parsed identically).
 */
import { LogprobsParseError } from './errors.js';
import { toChunks, type Chunk } from './input.js';
import { JsonPath } from './path.js';
import { isRecord } from './read.js';
import { isCohereChunk } from './providers/cohere.js';
import { PARSERS } from './providers/index.js';
import { isOllamaChunk } from './providers/ollama.js';
import { openAIShape } from './providers/openai-choices.js';
import { isResponsesChunk } from './providers/openai-responses.js';
import { isTgiChunk } from './providers/tgi.js';
import { hasPromptLogprobs } from './providers/vllm.js';
import { PROVIDERS, type ProviderId } from './types.js';

/**
 * What one chunk looks like: the provider, and whether the shape of its logprobs (not a label)
 * says so.
 */
export interface ChunkShape {
  readonly id: ProviderId;
  readonly byShape: boolean;
}

/** The provider one chunk looks like, or `undefined` when it matches no rule. */
export function detectChunk(value: unknown): ChunkShape | undefined {
  if (!isRecord(value)) return undefined;
  if (Object.hasOwn(value, 'completion_probabilities')) return shaped('llamacpp');
  if (hasPromptLogprobs(value)) return shaped('vllm');
  if (isResponsesChunk(value)) return shaped('openai-responses');
  if (Array.isArray(value.candidates)) return shaped('gemini');
  const openai = openAIShape(value);
  if (openai !== undefined) return openai;
  if (isRecord(value.meta_info)) return shaped('sglang');
  if (isTgiChunk(value)) return shaped('tgi');
  if (isCohereChunk(value)) return shaped('cohere');
  if (Array.isArray(value.logprobs) || isOllamaChunk(value)) return shaped('ollama');
  return undefined;
}

function shaped(id: ProviderId): ChunkShape {
  return { id, byShape: true };
}

/** Fields that make a chunk a response (or a piece of one), whatever else it holds. */
const RESPONSE_FIELDS = [
  'choices',
  'candidates',
  'completion_probabilities',
  'meta_info',
  'output',
  'details',
  'token',
  'logprobs',
  'generated_text',
];

/**
 * The message of a chunk that is an API error body instead of a response: `{"error": {...}}` /
 * `{"error": "..."}` (OpenAI, Azure, Gemini, OpenRouter, vLLM, TGI, llama.cpp), alone or as an
 * event in the middle of a stream. `undefined` for any other chunk.
 */
export function apiErrorOf(value: unknown): string | undefined {
  if (!isRecord(value) || value.error === undefined || value.error === null) return undefined;
  if (RESPONSE_FIELDS.some((field) => value[field] !== undefined && value[field] !== null))
    return undefined;
  const error = value.error;
  if (typeof error === 'string') return error;
  if (!isRecord(error)) return JSON.stringify(error);
  const parts = [error.message, error.status ?? error.type, error.code].filter(
    (part) => typeof part === 'string' || typeof part === 'number',
  );
  return parts.length > 0 ? parts.map(String).join(' — ') : JSON.stringify(error);
}

/**
 * Throws `LogprobsParseError` at the first chunk that is an API error body: a stream that carried
 * one is incomplete, so reading the chunks before it as the whole response would be wrong.
 */
export function throwIfApiError(chunks: readonly Chunk[]): void {
  for (const chunk of chunks) {
    const message = apiErrorOf(chunk.value);
    if (message !== undefined)
      throw new LogprobsParseError(
        chunk.path,
        `the API returned an error instead of a response: ${message}`,
      );
  }
}

/** Detects the provider of already-split chunks; throws `LogprobsParseError` when nothing matches. */
export function detectFromChunks(chunks: readonly Chunk[]): ProviderId {
  throwIfApiError(chunks);
  let byShape: ProviderId | undefined;
  let byLabel: ProviderId | undefined;
  for (const chunk of chunks) {
    const shape = detectChunk(chunk.value);
    if (shape === undefined) continue;
    if (shape.id === 'vllm') return shape.id;
    if (shape.byShape) byShape ??= shape.id;
    else byLabel ??= shape.id;
  }
  const found = byShape ?? byLabel;
  if (found !== undefined) return found;
  const what = chunks.length === 0 ? 'the input has no chunks' : 'no known logprobs layout matched';
  throw new LogprobsParseError(
    chunks.length === 1 ? (chunks[0] as Chunk).path : JsonPath.root,
    `cannot detect the provider: ${what}. ${RECOGNISED}`,
  );
}

/** The shapes detection recognises and the `options.provider` values, for error messages. */
export const RECOGNISED =
  `Recognised shapes: ${PROVIDERS.map((id) => `${PARSERS[id].shape} (${id})`).join('; ')}. ` +
  `To name the provider, pass options.provider, one of: ${PROVIDERS.join(', ')}`;

/**
 * Detects which provider produced a response. Accepts the same inputs as `parseLogprobs`
 * (object, JSON text, array of chunks, SSE or NDJSON text). Throws `LogprobsParseError` when the
 * shape matches no provider; its message lists the shapes recognised and the provider ids.
 */
export function detectProvider(input: unknown): ProviderId {
  return detectFromChunks(toChunks(input));
}
