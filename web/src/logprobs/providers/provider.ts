/** The interface every provider parser implements. */
import type { ChoiceAccumulator } from '../accumulate.js';
import type { Chunk } from '../input.js';
import type { JsonRecord } from '../read.js';
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
