// Horizontal bar charts of token probabilities. Each row is HTML (token, value) around a small
// inline SVG bar, so text stays crisp and selectable at any width and the list reads well to
// screen readers; the SVG only draws. Linear (0..1) or log10 scale from a shared floor.
import { html, svgElement } from './dom.js';
import { clip, formatProb, showToken } from './format.js';

/**
 * The lowest decade a log scale needs for these probability lists (so several charts share it).
 * @param {number[][]} lists probabilities
 */
export function logFloor(lists) {
  let min = 1;
  for (const list of lists) for (const p of list) if (p > 0 && p < min) min = p;
  const decade = Math.floor(Math.log10(min));
  return 10 ** Math.max(-12, Math.min(-1, decade));
}

/** Bar length as a fraction of the track, for probability p. */
function scaled(p, logScale, floor) {
  if (!logScale) return p;
  if (p <= floor) return p > 0 ? 0.004 : 0;
  return Math.log10(p / floor) / -Math.log10(floor);
}

/**
 * @param {{ id: string, title: string, note?: string, rows: { index: number, label: string, p: number }[],
 *           others: { count: number, p: number } | null, logScale: boolean, floor: number, mark?: number }} chart
 * `mark` is a token index to highlight (the last draw).
 */
export function barChart({ id, title, note, rows, others, logScale, floor, mark }) {
  const titleId = `${id}-title`;
  const list = html('ol', { class: 'bars', 'aria-labelledby': titleId });
  for (const row of rows) {
    list.append(
      barRow({
        label: clip(showToken(row.label)),
        full: `${row.label} (token ${row.index})`,
        p: row.p,
        logScale,
        floor,
        attrs: {
          'data-index': row.index,
          'data-label': row.label,
          'data-p': row.p,
          class: row.index === mark ? 'bar-row is-drawn' : 'bar-row',
        },
      }),
    );
  }
  if (others) {
    list.append(
      barRow({
        label: `all others (${others.count.toLocaleString('en')})`,
        full: `the remaining ${others.count} tokens together`,
        p: others.p,
        logScale,
        floor,
        attrs: { class: 'bar-row is-others', 'data-others': others.count, 'data-p': others.p },
      }),
    );
  }
  return html(
    'figure',
    { class: 'chart', 'data-chart': id },
    html(
      'figcaption',
      { id: titleId },
      html('span', { class: 'chart-title' }, title),
      note ? html('span', { class: 'chart-note' }, note) : null,
    ),
    list,
    axis(logScale, floor),
  );
}

function barRow({ label, full, p, logScale, floor, attrs }) {
  const width = `${(scaled(p, logScale, floor) * 100).toFixed(3)}%`;
  return html(
    'li',
    attrs,
    html('span', { class: 'tok', title: full }, label),
    svgElement(
      'svg',
      { class: 'bar', 'aria-hidden': 'true', focusable: 'false' },
      svgElement('rect', { class: 'track', x: 0, y: 0, width: '100%', height: '100%', rx: 3 }),
      svgElement('rect', { class: 'fill', x: 0, y: 0, width, height: '100%', rx: 3 }),
    ),
    html('span', { class: 'val' }, formatProb(p)),
  );
}

/** Tick labels under the bar track (same grid columns as the rows). */
function axis(logScale, floor) {
  const ticks = [];
  if (logScale) {
    const decades = -Math.log10(floor);
    const step = decades > 6 ? Math.ceil(decades / 6) : 1;
    for (let d = 0; d <= decades; d += step) ticks.push([10 ** -d, d === 0 ? '1' : `1e−${d}`]);
  } else {
    for (const p of [0, 0.25, 0.5, 0.75, 1]) ticks.push([p, String(p)]);
  }
  const axisSvg = svgElement('svg', { class: 'axis', 'aria-hidden': 'true', focusable: 'false' });
  for (const [p, text] of ticks) {
    const x = `${(scaled(p, logScale, floor) * 100).toFixed(3)}%`;
    const anchor = p === 1 ? 'end' : scaled(p, logScale, floor) === 0 ? 'start' : 'middle';
    axisSvg.append(
      svgElement('line', { x1: x, x2: x, y1: 0, y2: 4 }),
      svgElement('text', { x, y: 15, 'text-anchor': anchor }, text),
    );
  }
  return html(
    'div',
    { class: 'axis-row' },
    html('span', { class: 'axis-label' }, logScale ? 'log scale' : ''),
    axisSvg,
    html('span'),
  );
}
