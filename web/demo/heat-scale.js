// The heatmap's colour scale: a token's probability → one of six bins, blue (sure) through orange
// (unsure), plus two states without a number. Blue–orange stays distinguishable with the common
// colour-vision deficiencies, and every bin is light enough for the page's ink (#1d2327) to keep
// at least 4.5:1 contrast on it. Colour is never the only cue: the tooltip gives the numbers and
// low-confidence tokens are also underlined. The colours live in style.css (.heat-0 … .heat-5).
import { html } from './dom.js';

/** Bins from most to least likely: [class, lower bound (inclusive), legend label]. */
const BINS = [
  ['heat-0', 0.9, '≥ 0.9'],
  ['heat-1', 0.7, '0.7–0.9'],
  ['heat-2', 0.5, '0.5–0.7'],
  ['heat-3', 0.3, '0.3–0.5'],
  ['heat-4', 0.1, '0.1–0.3'],
  ['heat-5', 0, '< 0.1'],
];

/**
 * The CSS class for a probability: a bin for a number in [0, 1]; 'heat-below' for the
 * provider's below-top-N sentinel (unknown, but under every listed alternative); 'heat-none'
 * for a token the provider sent no logprob for.
 * @param {number | null} p
 * @param {{ belowTopN?: boolean }} [flags]
 */
export function heatClass(p, { belowTopN = false } = {}) {
  if (belowTopN) return 'heat-below';
  if (p === null || Number.isNaN(p)) return 'heat-none';
  return BINS.find(([, lower]) => p >= lower)[0];
}

/** The legend: one swatch per bin and state, as a labelled list. */
export function heatLegend() {
  const item = (cls, label) =>
    html('li', {}, html('span', { class: `swatch ${cls}`, 'aria-hidden': 'true' }), label);
  return html(
    'div',
    { class: 'heat-legend' },
    html('span', { class: 'heat-legend-title', id: 'heat-legend-title' }, 'Token probability'),
    html(
      'ul',
      { 'aria-labelledby': 'heat-legend-title' },
      BINS.map(([cls, , label]) => item(cls, label)),
      item('heat-below', 'below the top N'),
      item('heat-none', 'no logprob'),
      html(
        'li',
        {},
        html('span', { class: 'swatch-shaky', 'aria-hidden': 'true' }, 'abc'),
        'in a low-confidence span',
      ),
    ),
  );
}
