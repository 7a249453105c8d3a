/** `parseLogprobs`: input forms → chunks → provider parser → normalised choices. */
import { ChoiceAccumulator } from './accumulate.js';
import { detectChunk, detectFromChunks, RECOGNISED, throwIfApiError } from './detect.js';
import { LogprobsParseError } from './errors.js';
import { toChunks, type Chunk } from './input.js';
import { JsonPath } from './path.js';
import { PARSERS } from './providers/index.js';
import { isRecord } from './read.js';
import { PROVIDERS, type ParseOptions, type ParsedLogprobs, type ProviderId } from './types.js';

/**
 * Parses the logprobs of a hosted-LLM API response into one normalised shape.
 *
 * `input` may be a parsed response object, its JSON text, an array of stream chunks (objects or
 * JSON strings), raw SSE text (`data: {...}` lines, `[DONE]` skipped) or NDJSON text (Ollama
 * streams). A stream is merged per choice index, in order; entries a final or cumulative event
 * repeats are not added twice. The provider is detected from the shape of the logprobs (see
 * `detectProvider`) unless `options.provider` names it; a named provider wins whenever its reader
 * finds its structure in some chunk, and is an error otherwise.
 *
 * Returns `{ provider, choices }`; each choice has `index`, `tokens` (`{ token, bytes?, id?,
 * special?, textUnknown?, logprob, belowTopN, topLogprobs, offset }`), `text` rebuilt from the
 * tokens' bytes, and, when present, `refusal` (OpenAI) and `prompt` (vLLM, SGLang, TGI, Together)
 * sequences of the same shape.
 *
 * @throws LogprobsParseError for any malformed input, with `.path` naming the value at fault; for
 *   an API error body (`{"error": ...}`, alone or as a stream event) with the API's message; for
 *   an input no reader recognises, the message lists the shapes recognised and the provider ids.
 * @throws TypeError when `options.provider` is not one of `PROVIDERS`.
 */
export function parseLogprobs(input: unknown, options: ParseOptions = {}): ParsedLogprobs {
  const named = readProviderOption(options);
  const chunks = toChunks(input);
  if (named !== undefined) throwIfApiError(chunks);
  const provider = named ?? detectFromChunks(chunks);
  if (named !== undefined && chunks.length > 0) checkReadable(named, chunks);
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

/** A named provider must find its structure in some chunk. */
function checkReadable(named: ProviderId, chunks: readonly Chunk[]): void {
  const parser = PARSERS[named];
  let seen: ProviderId | undefined;
  for (const chunk of chunks) {
    if (isRecord(chunk.value) && parser.reads(chunk.value)) return;
    seen ??= detectChunk(chunk.value)?.id;
  }
  const looksLike =
    seen === undefined ? `no known provider. ${RECOGNISED}` : `${seen} (${PARSERS[seen].shape})`;
  throw new LogprobsParseError(
    chunks.length === 1 ? (chunks[0] as Chunk).path : JsonPath.root,
    `options.provider is "${named}", whose reader needs ${parser.shape}, but the input looks like ${looksLike}`,
  );
}
