/**
 * What is known about the distribution at one position, and the margin between the top two.
 *
 * The known set at a token's position is its `topLogprobs` entries that have a logprob, plus the
 * chosen token itself when it is not already listed (a sampled token can fall outside the top-N;
 * "already listed" compares ids when both sides have one, else the token text, and also `bytes`
 * when both sides have them). Entries without a logprob (the `-9999` sentinel, absent values) are
 * unknown mass, not zero.
 */
import { checkLogprob, checkToken } from './arguments.js';
import type { LogprobToken, TopLogprob } from './types.js';

/** A token whose probability is known at the position. */
export interface KnownEntry {
  /** Token text as the provider sent it. */
  readonly token: string;
  /** exp(logprob), in [0, 1]. */
  readonly probability: number;
}

/** The known part of the distribution at one position: what `knownDistribution` returns. */
export interface KnownDistribution {
  /** The known tokens, most likely first. */
  readonly entries: KnownEntry[];
  /** Their probabilities, largest first. */
  readonly probabilities: number[];
  /**
   * Smallest probability in the provider's top-N list (`Infinity` when the list is empty). Tokens
   * outside the list are assumed to be no more likely than this (the list is the top N).
   */
  readonly listedMinimum: number;
}

/**
 * The tokens whose probability is known at `token`'s position, most likely first: its
 * `topLogprobs` entries that have a logprob, plus the token itself when it is not listed (a sampled
 * token can fall outside the top-N; "listed" compares ids when both have one, else the text, and
 * `bytes` when both have them).
 * Entries without a logprob (the `-9999` sentinel, absent values) are unknown mass, not zero.
 * @throws TypeError / RangeError naming a malformed token or alternative (prefixed with `name`).
 */
export function knownDistribution(token: LogprobToken, name = 'token'): KnownDistribution {
  checkToken(token, name);
  const entries: KnownEntry[] = [];
  let listedMinimum = Infinity;
  let chosenListed = false;
  const alternatives = token.topLogprobs ?? [];
  for (let i = 0; i < alternatives.length; i++) {
    const alt = alternatives[i] as TopLogprob;
    if (typeof alt !== 'object' || alt === null)
      throw new TypeError(`${name}.topLogprobs[${i}] must be an object`);
    const lp =
      alt.belowTopN === true
        ? null
        : checkLogprob(alt.logprob ?? null, `${name}.topLogprobs[${i}].logprob`);
    if (sameToken(alt, token)) chosenListed = true;
    if (lp === null) continue;
    const probability = Math.exp(lp);
    entries.push({ token: alt.token, probability });
    if (probability < listedMinimum) listedMinimum = probability;
  }
  const chosen =
    token.belowTopN === true ? null : checkLogprob(token.logprob ?? null, `${name}.logprob`);
  if (!chosenListed && chosen !== null)
    entries.push({ token: token.token, probability: Math.exp(chosen) });
  entries.sort((a, b) => b.probability - a.probability);
  return { entries, probabilities: entries.map((e) => e.probability), listedMinimum };
}

/**
 * Same token: equal ids when both sides have one (SGLang without token text sends only ids);
 * otherwise equal text, and equal bytes when both sides have them (several byte tokens print as
 * U+FFFD).
 */
function sameToken(a: TopLogprob, b: TopLogprob): boolean {
  if (a.id !== undefined && b.id !== undefined) return a.id === b.id;
  if (a.token !== b.token) return false;
  if (a.bytes === undefined || b.bytes === undefined) return true;
  return a.bytes.length === b.bytes.length && a.bytes.every((byte, i) => byte === b.bytes?.[i]);
}

/**
 * Margin at a position: p₁ − p₂, the probability of the most likely known token minus the
 * second, in [0, 1]. A small margin means the model nearly chose differently. `null` when fewer
 * than two probabilities are known.
 */
export function margin(token: LogprobToken): number | null {
  return marginOf(knownDistribution(token));
}

/** `margin` from an already computed distribution. */
export function marginOf({ probabilities }: KnownDistribution): number | null {
  if (probabilities.length < 2) return null;
  return (probabilities[0] as number) - (probabilities[1] as number);
}
