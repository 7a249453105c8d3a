/**
 * A confidence summary of a whole answer: the sequence statistics, the least likely token,
 * low-confidence spans, and mean margin and entropy bounds, in one pass-friendly call.
 */
import {
  checkThreshold,
  stableSum,
  tallyLogprobs,
  tokensOf,
  type TokensInput,
} from './arguments.js';
import { knownDistribution, marginOf } from './alternatives.js';
import { entropyOf, DEFAULT_VOCAB_SIZE } from './entropy.js';
import { lowConfidenceSpans, type LowConfidenceSpan } from './spans.js';
import type { LogprobToken } from './types.js';

/** Options of `confidenceSummary`. */
export interface SummaryOptions {
  /** Probability below which a token is low-confidence, in (0, 1]. Default 0.5. */
  threshold?: number;
  /** Vocabulary size for the entropy upper bound. Default `DEFAULT_VOCAB_SIZE` (262144). */
  vocabSize?: number;
}

/** The result of `confidenceSummary`; `null` fields mean no token had what the statistic needs. */
export interface ConfidenceSummary {
  /** Number of tokens passed in. */
  tokenCount: number;
  /** Tokens with a logprob; the others are below-top-N sentinels or absent. */
  scoredCount: number;
  /** Tokens carrying the provider's below-top-N sentinel. */
  belowTopNCount: number;
  /** Tokens whose logprob is absent (`null`, not the sentinel). */
  absentCount: number;
  /** Σ lp over scored tokens (`null` when none). */
  sequenceLogprob: number | null;
  /** (1/n) Σ lp over the n scored tokens. */
  meanLogprob: number | null;
  /** exp(−meanLogprob). */
  perplexity: number | null;
  /** (1/n) Σ exp(lp): the average token probability. */
  meanProbability: number | null;
  /** The scored token with the smallest probability (first one on ties). */
  lowest: { index: number; token: string; probability: number } | null;
  /** Tokens that are low-confidence by the `lowConfidenceSpans` rule. */
  lowConfidenceCount: number;
  /** The same as `lowConfidenceSpans(tokens, threshold)`. */
  lowConfidenceSpans: LowConfidenceSpan[];
  /** Mean of `margin` over the positions where it is known (`null` when none). */
  meanMargin: number | null;
  /** Means of the `entropyEstimate` bounds (nats) over positions with known probabilities. */
  meanEntropy: { lower: number; upper: number; positions: number } | null;
}

/**
 * Summarises the confidence of a token sequence (each field's formula is on its declaration).
 * @param tokens normalised tokens, or a choice `{ tokens }`.
 * @throws RangeError naming `options.threshold` / `options.vocabSize`; errors naming a bad token.
 */
export function confidenceSummary(
  tokens: TokensInput,
  options: SummaryOptions = {},
): ConfidenceSummary {
  const threshold = checkThreshold(options.threshold ?? 0.5, 'options.threshold');
  const vocabSize = options.vocabSize ?? DEFAULT_VOCAB_SIZE;
  const list = tokensOf(tokens, 'tokens');
  const tally = tallyLogprobs(list, 'tokens');
  const n = tally.values.length;
  const sum = n === 0 ? null : stableSum(tally.values);

  let probabilitySum = 0;
  let lowest: ConfidenceSummary['lowest'] = null;
  let lowConfidenceCount = 0;
  let marginSum = 0;
  let marginCount = 0;
  let lowerSum = 0;
  let upperSum = 0;
  let entropyCount = 0;
  list.forEach((token: LogprobToken, index) => {
    if (token.belowTopN) lowConfidenceCount++;
    if (token.logprob !== null && !token.belowTopN) {
      const p = Math.exp(token.logprob);
      probabilitySum += p;
      if (p < threshold) lowConfidenceCount++;
      if (lowest === null || p < lowest.probability)
        lowest = { index, token: token.token, probability: p };
    }
    const distribution = knownDistribution(token, `tokens[${index}]`);
    const m = marginOf(distribution);
    if (m !== null) {
      marginSum += m;
      marginCount++;
    }
    const entropy = entropyOf(distribution, { vocabSize });
    if (entropy !== null) {
      lowerSum += entropy.lower;
      upperSum += entropy.upper;
      entropyCount++;
    }
  });

  return {
    tokenCount: tally.itemCount,
    scoredCount: n,
    belowTopNCount: tally.belowTopNCount,
    absentCount: tally.absentCount,
    sequenceLogprob: sum,
    meanLogprob: sum === null ? null : sum / n,
    perplexity: sum === null ? null : Math.exp(-sum / n),
    meanProbability: n === 0 ? null : probabilitySum / n,
    lowest,
    lowConfidenceCount,
    lowConfidenceSpans: lowConfidenceSpans(list, threshold),
    meanMargin: marginCount === 0 ? null : marginSum / marginCount,
    meanEntropy:
      entropyCount === 0
        ? null
        : {
            lower: lowerSum / entropyCount,
            upper: upperSum / entropyCount,
            positions: entropyCount,
          },
  };
}
