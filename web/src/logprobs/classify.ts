/**
 * Label classification from the first token's alternatives — confidence gating for an LLM used
 * as a classifier ("Answer Positive, Negative or Neutral").
 *
 * For each known alternative a at the first position (see `knownDistribution`), its text is
 * normalised (trimmed; lower-cased unless `caseSensitive`) and assigned to a label when it equals
 * exactly one label, or else is a prefix of exactly one label (so "Pos" counts for a label
 * "Positive" that the model spells in several tokens). An alternative matching several labels
 * only by prefix is ambiguous and ignored; one matching none is ignored.
 *
 *   raw(L)         = Σ p(a) over alternatives assigned to L
 *   coverage       = Σ_L raw(L)                  (the first-token mass the labels explain)
 *   probability(L) = raw(L) / coverage           (renormalised over the labels)
 *
 * The answer is the label with the highest probability, unless the result abstains, checked in
 * this order: `no-tokens` (empty sequence), `no-match` (coverage 0), `low-coverage`
 * (coverage < minCoverage), `tie` (two labels share the top probability), `below-threshold`
 * (top probability < threshold).
 */
import { checkThreshold, checkToken, itemsOf, type TokensInput } from './arguments.js';
import { knownDistribution } from './alternatives.js';
import type { LogprobToken } from './types.js';

/** Options of `classifyLabels`. */
export interface ClassifyOptions {
  /** Minimum renormalised probability of the winning label, in (0, 1]. Default 0.5. */
  threshold?: number;
  /** Minimum coverage, in [0, 1]. Default 0 (any coverage > 0 is enough). */
  minCoverage?: number;
  /** Match labels case-sensitively. Default false. */
  caseSensitive?: boolean;
}

/** Why `classifyLabels` answered or abstained: `confident`, or the first abstention rule that applied (above). */
export type ClassificationReason =
  'confident' | 'no-tokens' | 'no-match' | 'low-coverage' | 'tie' | 'below-threshold';

/** One label's share of the first-token probability. */
export interface LabelProbability {
  /** The label, as given. */
  label: string;
  /** Renormalised over the labels (0 for every label when coverage is 0). */
  probability: number;
  /** Before renormalising: Σ p of the alternatives assigned to this label. */
  rawProbability: number;
}

/** The outcome of `classifyLabels`: a label, or an abstention with its reason. */
export interface Classification {
  /** The chosen label, or `null` when abstaining. */
  label: string | null;
  /** True when no label was chosen (`label` is then `null`). */
  abstained: boolean;
  /** `confident` when a label was chosen, else the abstention rule that applied. */
  reason: ClassificationReason;
  /** One entry per label, in the order given. */
  probabilities: LabelProbability[];
  /** Σ over labels of their raw probability: the first-token mass the labels explain, in [0, 1]. */
  coverage: number;
}

/**
 * Classifies by the first token's alternatives (rules above).
 * @param first the first token, or a token list / choice (its first token is used).
 * @param labels distinct, non-empty label strings (distinct after normalisation).
 * @throws TypeError / RangeError naming `labels`, `options.threshold`, `options.minCoverage`.
 */
export function classifyLabels(
  first: LogprobToken | TokensInput,
  labels: readonly string[],
  options: ClassifyOptions = {},
): Classification {
  const threshold = checkThreshold(options.threshold ?? 0.5, 'options.threshold');
  const minCoverage = options.minCoverage ?? 0;
  if (typeof minCoverage !== 'number' || !(minCoverage >= 0 && minCoverage <= 1)) {
    throw new RangeError(`options.minCoverage must be in [0, 1], got ${String(minCoverage)}`);
  }
  const normalise =
    options.caseSensitive === true
      ? (s: string) => s.trim()
      : (s: string) => s.trim().toLowerCase();
  const keys = checkLabels(labels, normalise);

  const raw = new Array<number>(labels.length).fill(0);
  const token = firstToken(first);
  if (token === undefined) return decide(labels, raw, 'no-tokens', threshold, minCoverage);
  for (const entry of knownDistribution(token).entries) {
    const text = normalise(entry.token);
    if (text === '') continue;
    const label = assign(text, keys);
    if (label !== undefined) raw[label] = (raw[label] as number) + entry.probability;
  }
  return decide(labels, raw, undefined, threshold, minCoverage);
}

function checkLabels(labels: readonly string[], normalise: (s: string) => string): string[] {
  if (!Array.isArray(labels) || labels.length === 0)
    throw new TypeError('labels must be a non-empty array of strings');
  const keys = labels.map((label: unknown, i) => {
    if (typeof label !== 'string') throw new TypeError(`labels[${i}] must be a string`);
    const key = normalise(label);
    if (key === '') throw new RangeError(`labels[${i}] is empty after trimming`);
    return key;
  });
  const duplicate = keys.findIndex((key, i) => keys.indexOf(key) !== i);
  if (duplicate >= 0)
    throw new RangeError(`labels[${duplicate}] duplicates an earlier label after normalisation`);
  return keys;
}

function firstToken(first: unknown): LogprobToken | undefined {
  const isList =
    Array.isArray(first) ||
    (typeof first === 'object' &&
      first !== null &&
      Array.isArray((first as { tokens?: unknown }).tokens));
  if (!isList) return checkToken(first, 'first');
  const items = itemsOf(first, 'first');
  return items.length === 0 ? undefined : checkToken(items[0], 'first[0]');
}

/** Index of the label this alternative counts for: exact match, else a unique prefix match. */
function assign(text: string, keys: readonly string[]): number | undefined {
  const exact = keys.indexOf(text);
  if (exact >= 0) return exact;
  let found: number | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (!(keys[i] as string).startsWith(text)) continue;
    if (found !== undefined) return undefined; // ambiguous prefix
    found = i;
  }
  return found;
}

function decide(
  labels: readonly string[],
  raw: readonly number[],
  forced: ClassificationReason | undefined,
  threshold: number,
  minCoverage: number,
): Classification {
  const coverage = raw.reduce((a, b) => a + b, 0);
  const probabilities = labels.map((label, i) => ({
    label,
    probability: coverage > 0 ? (raw[i] as number) / coverage : 0,
    rawProbability: raw[i] as number,
  }));
  const ranked = [...probabilities].sort((a, b) => b.probability - a.probability);
  const best = ranked[0] as LabelProbability;
  const second = ranked[1];
  let reason: ClassificationReason = forced ?? 'confident';
  if (forced === undefined) {
    if (coverage === 0) reason = 'no-match';
    else if (coverage < minCoverage) reason = 'low-coverage';
    else if (second !== undefined && second.probability === best.probability) reason = 'tie';
    else if (best.probability < threshold) reason = 'below-threshold';
  }
  const abstained = reason !== 'confident';
  return { label: abstained ? null : best.label, abstained, reason, probabilities, coverage };
}
