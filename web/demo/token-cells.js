// Splits a token sequence into the heatmap's cells. A cell is the smallest run of tokens whose
// text can be shown on its own: usually one token, but byte-level tokens that share a character
// (🙂 sent as [F0 9F 99] + [82]) form one cell, so the emoji is shown whole and never as U+FFFD.
// Pure (no DOM), so Node can test it.
import { decodeTokens } from 'logitkit/logprobs';

/**
 * @param {import('logitkit/logprobs').LogprobToken[]} tokens
 * @returns {{ text: string, cells: { start: number, end: number, tokenStart: number, tokenEnd: number }[] }}
 * Contract: `text` is the text `parseLogprobs` rebuilds from these tokens (decodeTokens); the
 * cells are in order, contiguous and cover it exactly, so joining text.slice(start, end) over the
 * cells gives `text`. Cell k holds tokens [tokenStart, tokenEnd); a token whose text is empty
 * gets an empty cell of its own, so every token can be focused.
 */
export function tokenCells(tokens) {
  const { text, offsets, ends } = decodeTokens(tokens);
  const cells = [];
  for (let i = 0; i < tokens.length; i++) {
    const last = cells[cells.length - 1];
    // A token that starts before the previous cell ends shares a character with it.
    if (last !== undefined && offsets[i] < last.end) {
      last.tokenEnd = i + 1;
      last.end = Math.max(last.end, ends[i]);
      continue;
    }
    // Offsets are contiguous by decodeTokens' contract; starting at the previous end keeps the
    // cover exact even if a decoder ever disagreed.
    const start = last === undefined ? 0 : last.end;
    cells.push({ start, end: Math.max(start, ends[i]), tokenStart: i, tokenEnd: i + 1 });
  }
  const covered = cells.length === 0 ? 0 : cells[cells.length - 1].end;
  if (covered < text.length && cells.length > 0) cells[cells.length - 1].end = text.length;
  return { text, cells };
}

/**
 * A cell's probability: the joint probability exp(Σ logprob) of its tokens (for a split emoji,
 * the probability of the whole character), or `null` when a token has no logprob. `belowTopN`
 * is true when a token carries the provider's below-top-N sentinel.
 */
export function cellProbability(tokens, cell) {
  let sum = 0;
  let belowTopN = false;
  let unknown = false;
  for (let i = cell.tokenStart; i < cell.tokenEnd; i++) {
    const t = tokens[i];
    if (t.belowTopN) belowTopN = true;
    else if (t.logprob === null) unknown = true;
    else sum += t.logprob;
  }
  return { p: belowTopN || unknown ? null : Math.exp(sum), belowTopN };
}
