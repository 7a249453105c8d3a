/**
 * Low-confidence spans: where in the text the model was unsure, at word granularity.
 *
 * Rule: a token is *shaky* when its probability exp(logprob) is below `threshold`, or when it
 * carries the below-top-N sentinel (its probability is unknown but under every listed
 * alternative). Tokens with an absent logprob are never shaky (nothing is known). Each shaky
 * token is widened to the word(s) it touches — a word being a maximal run of non-whitespace
 * characters of the rebuilt text — so sub-word pieces ("conf" + "idence") become one span; a
 * shaky token made only of whitespace is its own span. Spans that share a token are merged.
 * Offsets are UTF-16 indices into the text rebuilt from exactly the tokens passed in; a token
 * covers every character its bytes contribute to (see `decodeTokens`), so a shaky half of a
 * split emoji flags the whole emoji.
 */
import { checkThreshold, tokensOf, type TokensInput } from './arguments.js';
import { decodeTokens } from './bytes.js';
import type { LogprobToken } from './types.js';

/** A stretch of the text, widened to whole words, that holds low-confidence tokens. */
export interface LowConfidenceSpan {
  /** Start (inclusive) and end (exclusive) in the rebuilt text, UTF-16 code units. */
  start: number;
  /** End (exclusive) in the rebuilt text, UTF-16 code units. */
  end: number;
  /** The text of the span: `text.slice(start, end)` of the rebuilt text. */
  text: string;
  /** Tokens covered: indices `tokenStart` (inclusive) to `tokenEnd` (exclusive). */
  tokenStart: number;
  /** Index after the last covered token (exclusive). */
  tokenEnd: number;
  /** Smallest token probability in the span (`null` if no covered token has a logprob). */
  minProbability: number | null;
  /** exp(Σ logprob) over the covered tokens that have one: the span's joint probability. */
  probability: number | null;
}

/**
 * Finds the low-confidence spans of a token sequence (rule above), in text order.
 * @param tokens normalised tokens, or a choice / sequence `{ tokens }`.
 * @param threshold probability in (0, 1]; default 0.5.
 * @throws RangeError naming `threshold`; TypeError / RangeError naming a malformed token.
 */
export function lowConfidenceSpans(tokens: TokensInput, threshold = 0.5): LowConfidenceSpan[] {
  checkThreshold(threshold, 'threshold');
  const list = tokensOf(tokens, 'tokens');
  const { text, offsets, ends } = decodeTokens(list);
  const spans: LowConfidenceSpan[] = [];
  for (let i = 0; i < list.length; i++) {
    if (!isShaky(list[i] as LogprobToken, threshold)) continue;
    const previous = spans[spans.length - 1];
    if (previous !== undefined && i < previous.tokenEnd) continue; // already inside that span
    const [start, end] = widenToWords(text, offsets[i] as number, ends[i] as number);
    let first = i;
    while (
      first > 0 &&
      overlaps(offsets[first - 1] as number, ends[first - 1] as number, start, end)
    )
      first--;
    let after = i + 1;
    while (
      after < list.length &&
      overlaps(offsets[after] as number, ends[after] as number, start, end)
    )
      after++;
    if (previous !== undefined && first < previous.tokenEnd) {
      // A token straddles both words (e.g. "a b"): one span covers both.
      spans[spans.length - 1] = makeSpan(
        list,
        text,
        previous.start,
        Math.max(previous.end, end),
        previous.tokenStart,
        after,
      );
    } else {
      spans.push(makeSpan(list, text, start, end, first, after));
    }
  }
  return spans;
}

function isShaky(token: LogprobToken, threshold: number): boolean {
  if (token.belowTopN === true) return true;
  return token.logprob !== null && Math.exp(token.logprob) < threshold;
}

/** Token range [tokenStart, tokenEnd) meets [start, end); an empty token range counts at its start. */
function overlaps(tokenStart: number, tokenEnd: number, start: number, end: number): boolean {
  return tokenEnd > tokenStart
    ? tokenStart < end && tokenEnd > start
    : tokenStart >= start && tokenStart < end;
}

const WHITESPACE = /\s/;

/** The token's non-whitespace core, widened to whole words; all-whitespace tokens stay as they are. */
function widenToWords(text: string, tokenStart: number, tokenEnd: number): [number, number] {
  let start = tokenStart;
  let end = tokenEnd;
  while (start < end && WHITESPACE.test(text[start] as string)) start++;
  while (end > start && WHITESPACE.test(text[end - 1] as string)) end--;
  if (start === end) return [tokenStart, tokenEnd];
  while (start > 0 && !WHITESPACE.test(text[start - 1] as string)) start--;
  while (end < text.length && !WHITESPACE.test(text[end] as string)) end++;
  return [start, end];
}

function makeSpan(
  tokens: readonly LogprobToken[],
  text: string,
  start: number,
  end: number,
  tokenStart: number,
  tokenEnd: number,
): LowConfidenceSpan {
  let minProbability: number | null = null;
  let logSum: number | null = null;
  for (let i = tokenStart; i < tokenEnd; i++) {
    const lp = (tokens[i] as LogprobToken).logprob;
    if (lp === null) continue;
    const p = Math.exp(lp);
    minProbability = minProbability === null ? p : Math.min(minProbability, p);
    logSum = (logSum ?? 0) + lp;
  }
  return {
    start,
    end,
    text: text.slice(start, end),
    tokenStart,
    tokenEnd,
    minProbability,
    probability: logSum === null ? null : Math.exp(logSum),
  };
}
