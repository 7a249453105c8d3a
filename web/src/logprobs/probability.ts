/** Conversions between probabilities and logprobs, and the probability of one token. */
import {
  checkLogprob,
  checkToken,
  itemsOf,
  type LogprobsInput,
  type ScoredToken,
} from './arguments.js';

/**
 * p → ln p. `p` must be in [0, 1]; `probToLogprob(0)` is `-Infinity`.
 * @throws RangeError naming `p` for NaN or a value outside [0, 1]; TypeError for a non-number.
 */
export function probToLogprob(p: number): number {
  if (typeof p !== 'number') throw new TypeError(`p must be a number, got ${typeof p}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must be a probability in [0, 1], got ${p}`);
  return Math.log(p);
}

/**
 * lp → exp(lp), in [0, 1]. `lp` must be <= 0 (values up to LOGPROB_EPSILON above 0 are rounding
 * and give 1); `-Infinity` gives 0. This is plain arithmetic: `-9999` gives 0, which is also a
 * fair reading of OpenAI's "very unlikely" sentinel.
 * @throws RangeError naming `lp` for NaN, +Infinity or a positive logprob; TypeError for a non-number.
 */
export function logprobToProb(lp: number): number {
  if (typeof lp !== 'number') throw new TypeError(`lp must be a number, got ${typeof lp}`);
  if (lp === -9999) return 0;
  return Math.exp(checkLogprob(lp, 'lp') as number);
}

/**
 * Probability of a token (or alternative): exp(token.logprob), or `null` when its logprob is
 * `null` (absent, or the below-top-N sentinel).
 */
export function tokenProbability(token: {
  readonly token: string;
  readonly logprob: number | null;
}): number | null {
  const lp = checkLogprob(checkToken(token, 'token').logprob ?? null, 'token.logprob');
  return lp === null ? null : Math.exp(lp);
}

/**
 * Per-token probabilities: exp(lp) for each item of a logprob array or token list, in order,
 * with `null` where the logprob is `null` (absent or the below-top-N sentinel, incl. a raw -9999).
 */
export function tokenProbabilities(tokensOrLogprobs: LogprobsInput): (number | null)[] {
  return itemsOf(tokensOrLogprobs, 'tokensOrLogprobs').map((item: unknown, i) => {
    const isToken = typeof item === 'object' && item !== null;
    const raw = isToken ? ((item as ScoredToken).logprob ?? null) : item;
    const name = isToken ? `tokensOrLogprobs[${i}].logprob` : `tokensOrLogprobs[${i}]`;
    const lp = checkLogprob(raw, name);
    return lp === null || (isToken && (item as ScoredToken).belowTopN === true)
      ? null
      : Math.exp(lp);
  });
}
