// The numbers for one token sequence (confidenceSummary, perplexity, meanLogprob) and, when the
// response has several choices, one row per choice to compare them. Values the library returns
// as null (no token has a logprob) are said in words; full-precision values sit in data-value.
import { confidenceSummary, decodeTokens, meanLogprob, perplexity } from 'logitkit/logprobs';
import { html } from './dom.js';
import { formatLog, formatProb, showToken } from './format.js';

const fixed = (x, digits = 4) => (x === null ? '—' : x === Infinity ? '∞' : x.toFixed(digits));

/** Summary cards for `sequence` at `threshold`. */
export function summaryCards(sequence, threshold) {
  const s = confidenceSummary(sequence, { threshold });
  const ppl = perplexity(sequence);
  const mean = meanLogprob(sequence);
  const card = (stat, label, value, raw, note) =>
    html(
      'div',
      { class: 'stat', 'data-stat': stat },
      html('dt', {}, label),
      html('dd', { 'data-value': raw === null ? '' : String(raw) }, value),
      note ? html('dd', { class: 'hint' }, note) : null,
    );
  const counts = [
    s.belowTopNCount && `${s.belowTopNCount} below the top N`,
    s.absentCount && `${s.absentCount} without a logprob`,
  ].filter(Boolean);
  return html(
    'dl',
    { class: 'summary' },
    card('perplexity', 'Perplexity', fixed(ppl), ppl, 'exp(−mean logprob); 1 = certain'),
    card(
      'mean-logprob',
      'Mean logprob',
      mean === null ? '—' : formatLog(mean),
      mean,
      `over ${s.scoredCount} scored token${s.scoredCount === 1 ? '' : 's'}`,
    ),
    card(
      'sequence-logprob',
      'Sequence logprob',
      s.sequenceLogprob === null ? '—' : formatLog(s.sequenceLogprob),
      s.sequenceLogprob,
      s.sequenceLogprob === null
        ? null
        : `p of the whole text ${formatProb(Math.exp(s.sequenceLogprob))}`,
    ),
    card(
      'mean-probability',
      'Mean token p',
      s.meanProbability === null ? '—' : formatProb(s.meanProbability),
      s.meanProbability,
    ),
    card(
      'tokens',
      'Tokens',
      String(s.tokenCount),
      s.tokenCount,
      counts.length ? counts.join(', ') : 'all scored',
    ),
    card(
      'lowest',
      'Least likely token',
      s.lowest === null
        ? '—'
        : html('span', { class: 'tok' }, showToken(coveredText(sequence.tokens, s.lowest.index))),
      s.lowest?.probability ?? null,
      s.lowest === null ? null : `p ${formatProb(s.lowest.probability)}, token ${s.lowest.index}`,
    ),
    card(
      'margin',
      'Mean margin',
      s.meanMargin === null ? '—' : formatProb(s.meanMargin),
      s.meanMargin,
      'p₁ − p₂ per position',
    ),
    card(
      'entropy',
      'Mean entropy (nats)',
      s.meanEntropy === null
        ? '—'
        : `${fixed(s.meanEntropy.lower, 3)}–${fixed(s.meanEntropy.upper, 3)}`,
      s.meanEntropy?.lower ?? null,
      'bounds from the listed alternatives',
    ),
  );
}

/**
 * The text token `index` contributes to, from the rebuilt text: half of a split emoji shows the
 * whole emoji, where its own token string may be escaped bytes or U+FFFD.
 */
function coveredText(tokens, index) {
  const { text, offsets, ends } = decodeTokens(tokens);
  return text.slice(offsets[index], ends[index]);
}

/**
 * A table with one row per choice (perplexity, mean logprob, tokens); the shown one is marked.
 * @param {{ index: number, tokens: unknown[], text: string }[]} sequences one per choice, in order
 */
export function choiceTable(sequences, currentIndex) {
  return html(
    'table',
    { class: 'stat-table choice-table' },
    html('caption', {}, 'All choices'),
    html(
      'thead',
      {},
      html(
        'tr',
        {},
        html('th', { scope: 'col' }, 'Choice'),
        html('th', { scope: 'col' }, 'Text'),
        html('th', { scope: 'col' }, 'Tokens'),
        html('th', { scope: 'col' }, 'Perplexity'),
        html('th', { scope: 'col' }, 'Mean logprob'),
      ),
    ),
    html(
      'tbody',
      {},
      sequences.map((seq) => {
        const mean = meanLogprob(seq);
        return html(
          'tr',
          { class: seq.index === currentIndex ? 'is-current' : null, 'data-choice': seq.index },
          html('th', { scope: 'row' }, String(seq.index)),
          html('td', { class: 'choice-text' }, seq.text),
          html('td', {}, String(seq.tokens.length)),
          html('td', {}, fixed(perplexity(seq))),
          html('td', {}, mean === null ? '—' : formatLog(mean)),
        );
      }),
    ),
  );
}
