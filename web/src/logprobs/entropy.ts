/**
 * Entropy at one position, estimated from the top-N list with bounds for the unseen tail.
 *
 * Let p_1..p_n be the known probabilities (see `knownDistribution`), m = max(0, 1 − Σ p_i) the
 * tail mass on the K = V − n tokens nobody listed (V = vocabSize), and c the smallest listed
 * probability: an unseen token is not more likely than c, because the list is the top N.
 * H_known = −Σ p_i ln p_i. The true entropy H = H_known + H_tail, and over all tails with mass m,
 * at most K tokens, each <= c:
 *
 * - upper = H_known − m ln(m / K): the tail spread evenly over all K unseen tokens (each m/K).
 *   Entropy is Schur-concave, so the even split is the maximum.
 * - lower = H_known − q·c′ ln c′ − r ln r, with c′ = max(c, m/K), q = ⌊m / c′⌋, r = m − q·c′:
 *   the tail packed into as few tokens as the cap allows (q tokens at c′ and one with the rest),
 *   the most concentrated — hence minimum-entropy — feasible tail. When m <= c this is the whole
 *   tail in one token, −m ln m. With no top-N list there is no cap (c = ∞), so also −m ln m.
 *   (c′ raises the cap to m/K only when K·c < m, i.e. when the tail cannot fit under c; then
 *   lower = upper = the even split.)
 * - estimate = lower, the entropy if the tail is as concentrated as allowed. It is exact when the
 *   list covers all the mass (m = 0), and it never exceeds the true value under the assumptions.
 * m = 0 or K = 0 gives lower = upper = H_known. Results are in nats, or divided by ln(base).
 */
import { knownDistribution, type KnownDistribution } from './alternatives.js';
import type { LogprobToken } from './types.js';

/** Default vocabulary size for the upper bound: 262144, the largest common vocabulary (Gemma 3). */
export const DEFAULT_VOCAB_SIZE = 262_144;

/** Options of `entropyEstimate`. */
export interface EntropyOptions {
  /** Vocabulary size V, an integer >= the number of known tokens. Default `DEFAULT_VOCAB_SIZE`. */
  vocabSize?: number;
  /** Logarithm base: e (nats, default), 2 for bits. Must be > 0 and not 1. */
  base?: number;
}

/** Entropy at one position from its known probabilities, with bounds for the unseen tail (formulas above). */
export interface EntropyEstimate {
  /** = lower; see the module documentation. */
  estimate: number;
  /** The minimum over all tails allowed by the top-N list: the tail as concentrated as possible. */
  lower: number;
  /** The maximum: the tail spread evenly over the V − n unseen tokens. */
  upper: number;
  /** m = max(0, 1 − Σ known p). */
  tailMass: number;
  /** H_known = −Σ p ln p over the known tokens (in the requested base). */
  known: number;
  /** n, the number of known probabilities. */
  knownCount: number;
}

/**
 * Entropy estimate and bounds at `token`'s position (formulas above). `null` when no probability
 * is known at the position.
 * @throws RangeError naming `options.vocabSize` or `options.base` when out of range.
 */
export function entropyEstimate(
  token: LogprobToken,
  options: EntropyOptions = {},
): EntropyEstimate | null {
  return entropyOf(knownDistribution(token), options);
}

/** `entropyEstimate` from an already computed distribution. */
export function entropyOf(
  distribution: KnownDistribution,
  options: EntropyOptions = {},
): EntropyEstimate | null {
  const vocabSize = options.vocabSize ?? DEFAULT_VOCAB_SIZE;
  const base = options.base ?? Math.E;
  if (typeof base !== 'number' || !(base > 0) || base === 1 || !Number.isFinite(base)) {
    throw new RangeError(`options.base must be a finite number > 0 and != 1, got ${String(base)}`);
  }
  const { probabilities, listedMinimum } = distribution;
  const n = probabilities.length;
  if (
    typeof vocabSize !== 'number' ||
    !Number.isSafeInteger(vocabSize) ||
    vocabSize < Math.max(n, 1)
  ) {
    throw new RangeError(
      `options.vocabSize must be an integer >= ${Math.max(n, 1)} (the known tokens), got ${String(vocabSize)}`,
    );
  }
  if (n === 0) return null;
  const scale = Math.log(base);

  let sum = 0;
  let known = 0;
  for (const p of probabilities) {
    sum += p;
    known -= xlogx(p);
  }
  const tailMass = Math.max(0, 1 - sum);
  const unseen = vocabSize - n;
  let lower = known;
  let upper = known;
  if (tailMass > 0 && unseen > 0) {
    upper = known - tailMass * Math.log(tailMass / unseen);
    const cap = Math.max(listedMinimum, tailMass / unseen);
    const full = Number.isFinite(cap) ? Math.floor(tailMass / cap) : 0;
    const rest = full === 0 ? tailMass : Math.max(0, tailMass - full * cap);
    lower = Math.min(upper, known - full * xlogx(cap) - xlogx(rest));
  }
  return {
    estimate: lower / scale,
    lower: lower / scale,
    upper: upper / scale,
    tailMass,
    known: known / scale,
    knownCount: n,
  };
}

/** x ln x with the limit 0 ln 0 = 0 (and ∞ · 0 = 0 for an uncapped tail). */
function xlogx(x: number): number {
  return x > 0 && Number.isFinite(x) ? x * Math.log(x) : 0;
}
