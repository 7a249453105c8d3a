/**
 * Whole-sequence statistics. All take a `LogprobsInput`: `number[]` of logprobs (`null` skipped),
 * normalised tokens, or a choice `{ tokens }`.
 *
 * Which tokens count: a token counts when it has a logprob. Tokens with `logprob: null` — absent,
 * or OpenAI's `-9999` "below top-N" sentinel (also recognised as a raw `-9999` in a number array)
 * — are left out of every sum, mean and count. When no token counts, these functions return
 * `null` rather than 0 or NaN: there is nothing to measure.
 */
import { stableSum, tallyLogprobs, type LogprobsInput } from './arguments.js';

/**
 * Sum of logprobs: log P(sequence) = Σ_i lp_i over counted tokens. `null` if none count.
 * @throws TypeError / RangeError naming the bad item (NaN, positive logprob, wrong type).
 */
export function sequenceLogprob(tokensOrLogprobs: LogprobsInput): number | null {
  const { values } = tallyLogprobs(tokensOrLogprobs, 'tokensOrLogprobs');
  return values.length === 0 ? null : stableSum(values);
}

/** Mean logprob: (1/n) Σ_i lp_i over the n counted tokens. `null` if none count. */
export function meanLogprob(tokensOrLogprobs: LogprobsInput): number | null {
  const { values } = tallyLogprobs(tokensOrLogprobs, 'tokensOrLogprobs');
  return values.length === 0 ? null : stableSum(values) / values.length;
}

/**
 * Perplexity: exp(−(1/n) Σ_i lp_i) over the n counted tokens. Always >= 1 (1 means every token
 * had probability 1); `Infinity` if a token had probability 0; `null` if no token counts.
 */
export function perplexity(tokensOrLogprobs: LogprobsInput): number | null {
  const mean = meanLogprob(tokensOrLogprobs);
  return mean === null ? null : Math.exp(-mean);
}
