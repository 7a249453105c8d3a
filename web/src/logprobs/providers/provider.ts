/** The interface every provider parser implements, and the parse loop of one-answer providers. */
import type { ChoiceAccumulator } from '../accumulate.js';
import type { Chunk } from '../input.js';
import type { JsonPath } from '../path.js';
import { expectRecord, type JsonRecord } from '../read.js';
import type { TokenRun } from '../token-run.js';
import type { ProviderId } from '../types.js';

export interface ProviderParser {
  readonly id: ProviderId;
  /** Where this parser reads logprobs from, for error messages (e.g. `choices[].logprobs`). */
  readonly shape: string;
  /**
   * True when a chunk has the structure this parser reads (whether or not it holds any logprobs).
   * An explicit `options.provider` is used when some chunk passes this test.
   */
  reads(chunk: JsonRecord): boolean;
  /**
   * Reads every chunk (a non-streamed response is a single chunk) into `choices`.
   * Chunks without any field this provider knows (keep-alives, usage-only chunks) add nothing.
   */
  parse(chunks: readonly Chunk[], choices: ChoiceAccumulator): void;
}

/**
 * The parse of a provider that returns one answer (Ollama, Cohere, OpenAI Responses): choice 0
 * exists as soon as there is a chunk, even one without logprobs, and each chunk, which must be an
 * object, is read by `readChunk` (at the chunk's path) into that answer's run.
 */
export function parseOneAnswer(
  chunks: readonly Chunk[],
  choices: ChoiceAccumulator,
  readChunk: (record: JsonRecord, path: JsonPath, answer: TokenRun) => void,
): void {
  if (chunks.length === 0) return;
  const answer = choices.choice(0).answer;
  for (const chunk of chunks) readChunk(expectRecord(chunk.value, chunk.path), chunk.path, answer);
}
