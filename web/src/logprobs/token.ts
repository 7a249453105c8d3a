/**
 * Constructors for the normalised token objects, so every parser builds the same shape
 * (`bytes`, `id`, `special` and `textUnknown` are present only when known / true; `offset` is
 * filled in later by `finishSequence`).
 */
import type { LogprobReading } from './read.js';
import type { LogprobToken, TopLogprob } from './types.js';

/** The optional facts some providers give about a token. */
export interface TokenFacts {
  /** Vocabulary id. */
  readonly id?: number | undefined;
  /** True for a special (control) token. */
  readonly special?: boolean | undefined;
  /** True when the provider gave no text for the token (see token-text.ts). */
  readonly textUnknown?: boolean | undefined;
}

export function makeAlternative(
  token: string,
  bytes: number[] | undefined,
  reading: LogprobReading,
  facts?: TokenFacts,
): TopLogprob {
  const belowTopN = reading === 'below-top-n';
  const alternative: TopLogprob = { token, logprob: belowTopN ? null : reading, belowTopN };
  if (bytes !== undefined) alternative.bytes = bytes;
  if (facts?.id !== undefined) alternative.id = facts.id;
  if (facts?.special === true) alternative.special = true;
  if (facts?.textUnknown === true) alternative.textUnknown = true;
  return alternative;
}

export function makeToken(
  token: string,
  bytes: number[] | undefined,
  reading: LogprobReading,
  topLogprobs: TopLogprob[],
  facts?: TokenFacts,
): LogprobToken {
  const made = makeAlternative(token, bytes, reading, facts) as LogprobToken;
  made.topLogprobs = topLogprobs;
  made.offset = 0;
  return made;
}

/** Appends without spreading (spreading 100k+ tokens would overflow the argument stack). */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i] as T);
}
