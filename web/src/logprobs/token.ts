/**
 * Constructors for the normalised token objects, so every parser builds the same shape
 * (`bytes` is present only when known; `offset` is filled in later by `finishSequence`).
 */
import type { LogprobReading } from './read.js';
import type { LogprobToken, TopLogprob } from './types.js';

export function makeAlternative(
  token: string,
  bytes: number[] | undefined,
  reading: LogprobReading,
): TopLogprob {
  const belowTopN = reading === 'below-top-n';
  const logprob = belowTopN ? null : reading;
  return bytes === undefined ? { token, logprob, belowTopN } : { token, bytes, logprob, belowTopN };
}

export function makeToken(
  token: string,
  bytes: number[] | undefined,
  reading: LogprobReading,
  topLogprobs: TopLogprob[],
): LogprobToken {
  const belowTopN = reading === 'below-top-n';
  const logprob = belowTopN ? null : reading;
  return bytes === undefined
    ? { token, logprob, belowTopN, topLogprobs, offset: 0 }
    : { token, bytes, logprob, belowTopN, topLogprobs, offset: 0 };
}

/** Appends without spreading (spreading 100k+ tokens would overflow the argument stack). */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i] as T);
}
