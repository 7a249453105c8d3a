/** `parseLogprobs`: input forms → chunks → provider parser → normalised choices. */
import { ChoiceAccumulator } from './accumulate.js';
import { detectChunk, detectFromChunks } from './detect.js';
import { LogprobsParseError } from './errors.js';
import { toChunks, type Chunk } from './input.js';
import { JsonPath } from './path.js';
import { PARSERS } from './providers/index.js';
import { PROVIDERS, type ParseOptions, type ParsedLogprobs, type ProviderId } from './types.js';

/** Detected shapes an explicitly named provider accepts (vLLM speaks both OpenAI shapes). */
const ACCEPTS: Readonly<Record<ProviderId, readonly ProviderId[]>> = {
  'openai-chat': ['openai-chat', 'vllm'],
  'openai-completions': ['openai-completions', 'vllm'],
  'openai-responses': ['openai-responses'],
  gemini: ['gemini'],
  ollama: ['ollama'],
  llamacpp: ['llamacpp'],
  vllm: ['vllm', 'openai-chat', 'openai-completions'],
};

/**
 * Parses the logprobs of a hosted-LLM API response into one normalised shape.
 *
 * `input` may be a parsed response object, its JSON text, an array of stream chunks (objects or
 * JSON strings), raw SSE text (`data: {...}` lines, `[DONE]` skipped) or NDJSON text (Ollama
 * streams). A stream is merged per choice index, in order. The provider is detected from the
 * shape (see `detectProvider`) unless `options.provider` names it; a named provider whose shape
 * appears in no chunk is an error.
 *
 * Returns `{ provider, choices }`; each choice has `index`, `tokens` (`{ token, bytes?, logprob,
 * belowTopN, topLogprobs, offset }`), `text` rebuilt from the tokens' bytes, and, when present,
 * `refusal` (OpenAI) and `prompt` (vLLM) sequences of the same shape.
 *
 * @throws LogprobsParseError for any malformed input, with `.path` naming the value at fault.
 * @throws TypeError when `options.provider` is not one of `PROVIDERS`.
 */
export function parseLogprobs(input: unknown, options: ParseOptions = {}): ParsedLogprobs {
  const named = readProviderOption(options);
  const chunks = toChunks(input);
  const provider = named ?? detectFromChunks(chunks);
  if (named !== undefined && chunks.length > 0) checkShape(named, chunks);
  const choices = new ChoiceAccumulator();
  PARSERS[provider].parse(chunks, choices);
  return { provider, choices: choices.finish() };
}

function readProviderOption(options: unknown): ProviderId | undefined {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object')
    throw new TypeError(`options must be an object, got ${typeof options}`);
  const provider: unknown = (options as { provider?: unknown }).provider;
  if (provider === undefined) return undefined;
  if (typeof provider !== 'string' || !(PROVIDERS as readonly string[]).includes(provider)) {
    throw new TypeError(
      `options.provider must be one of ${PROVIDERS.join(', ')}; got ${String(provider)}`,
    );
  }
  return provider as ProviderId;
}

function checkShape(named: ProviderId, chunks: readonly Chunk[]): void {
  let seen: ProviderId | undefined;
  for (const chunk of chunks) {
    const detected = detectChunk(chunk.value);
    if (detected !== undefined && ACCEPTS[named].includes(detected)) return;
    seen ??= detected;
  }
  const looksLike = seen === undefined ? 'no known provider' : seen;
  throw new LogprobsParseError(
    chunks.length === 1 ? (chunks[0] as Chunk).path : JsonPath.root,
    `options.provider is "${named}", but the input looks like ${looksLike}`,
  );
}
