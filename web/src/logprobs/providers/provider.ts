/** The interface every provider parser implements. */
import type { ChoiceAccumulator } from '../accumulate.js';
import type { Chunk } from '../input.js';
import type { ProviderId } from '../types.js';

export interface ProviderParser {
  readonly id: ProviderId;
  /**
   * Reads every chunk (a non-streamed response is a single chunk) into `choices`.
   * Chunks without any field this provider knows (keep-alives, usage-only chunks) add nothing.
   */
  parse(chunks: readonly Chunk[], choices: ChoiceAccumulator): void;
}
