// The seed article's temperature table for the current input: token, logit, exp(z) and the
// probability at T = 0.5, 1 and 2 (lk.softmax over all tokens; only the top rows are listed).
import { html } from './dom.js';
import { formatExp, formatProb, showToken, clip } from './format.js';

export const TABLE_ROWS = 12;
const TEMPERATURES = [0.5, 1, 2];

/**
 * `currentT` gets its own column when it is not one of the article's three (0 shows greedy).
 * `biased` says whether a logit bias is in force: the table shows the input as pasted, without it.
 */
export function temperatureTable(lk, { labels, logits }, currentT, biased = false) {
  const temperatures = TEMPERATURES.includes(currentT) ? TEMPERATURES : [...TEMPERATURES, currentT];
  const top = lk.topK(logits, TABLE_ROWS);
  const probs = temperatures.map((temperature) => lk.softmax(logits, { temperature }));
  const cls = (t) => (t === currentT ? 'num is-current' : 'num');
  const head = html(
    'tr',
    {},
    html('th', { scope: 'col' }, 'Token'),
    html('th', { scope: 'col', class: 'num' }, 'Logit z'),
    html('th', { scope: 'col', class: 'num' }, 'exp(z)'),
    temperatures.map((t) =>
      html(
        'th',
        { scope: 'col', class: cls(t) },
        `p at T = ${t}`,
        TEMPERATURES.includes(t) ? '' : t === 0 ? ' (greedy)' : ' (yours)',
      ),
    ),
  );
  const body = Array.from(top.indices, (index, row) =>
    html(
      'tr',
      { 'data-index': index },
      html(
        'th',
        { scope: 'row', class: 'tok', title: labels[index] },
        clip(showToken(labels[index]), 24),
      ),
      html('td', { class: 'num' }, formatLogit(top.values[row])),
      html('td', { class: 'num' }, formatExp(top.values[row])),
      probs.map((p, k) => html('td', { class: cls(temperatures[k]) }, formatProb(p[index]))),
    ),
  );
  const rest = logits.length - top.indices.length;
  return html(
    'table',
    { class: 'temp-table' },
    html(
      'caption',
      {},
      'Temperature rescales the logits before softmax: p = exp(z / T) / Σ exp(z / T).',
      rest > 0
        ? ` Top ${top.indices.length} of ${logits.length.toLocaleString('en')} tokens; probabilities are over all of them.`
        : '',
      biased ? ' The logits as pasted, without the logit bias.' : '',
    ),
    html('thead', {}, head),
    html('tbody', {}, body),
  );
}

function formatLogit(z) {
  return z === -Infinity ? '−∞' : String(Math.round(z * 1e4) / 1e4).replace('-', '−');
}
