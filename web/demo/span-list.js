// The list of low-confidence spans (lowConfidenceSpans' output). Each span is a toggle button:
// pressing it highlights the span in the heatmap (onSelect([tokenStart, tokenEnd]) or null).
import { html } from './dom.js';
import { formatProb, showToken } from './format.js';

export function createSpanList({ onSelect }) {
  const list = html('ol', { class: 'span-list' });
  const note = html('p', { class: 'hint span-note' });
  const element = html('div', { class: 'spans' }, note, list);
  let pressed = null; // key of the highlighted span, kept across re-renders when it still exists

  /** @param {import('logitkit/logprobs').LowConfidenceSpan[]} spans @param {number} threshold */
  function render(spans, threshold) {
    const key = (s) => `${s.tokenStart}:${s.tokenEnd}`;
    if (pressed !== null && !spans.some((s) => key(s) === pressed)) {
      pressed = null;
      onSelect(null);
    }
    note.textContent =
      spans.length === 0
        ? `No token is below p = ${threshold} or below the top N.`
        : `${spans.length} span${spans.length > 1 ? 's' : ''} with a token below p = ${threshold} (or below the top N), least likely first. Press one to highlight it.`;
    const ordered = [...spans].sort(
      (a, b) => (a.minProbability ?? -1) - (b.minProbability ?? -1) || a.start - b.start,
    );
    list.replaceChildren(
      ...ordered.map((span) => {
        const button = html(
          'button',
          {
            type: 'button',
            class: 'span-button',
            'aria-pressed': String(key(span) === pressed),
            'data-token-start': span.tokenStart,
            'data-token-end': span.tokenEnd,
            onclick: () => {
              pressed = pressed === key(span) ? null : key(span);
              for (const b of list.querySelectorAll('.span-button'))
                b.setAttribute('aria-pressed', String(b === button && pressed !== null));
              onSelect(pressed === null ? null : [span.tokenStart, span.tokenEnd]);
            },
          },
          html('span', { class: 'tok' }, showToken(span.text)),
          html(
            'span',
            { class: 'span-stats' },
            `min p ${span.minProbability === null ? 'below the top N' : formatProb(span.minProbability)}`,
            span.probability === null ? '' : ` · joint p ${formatProb(span.probability)}`,
            ` · token${span.tokenEnd - span.tokenStart > 1 ? `s ${span.tokenStart}–${span.tokenEnd - 1}` : ` ${span.tokenStart}`}`,
          ),
        );
        return html('li', {}, button);
      }),
    );
  }

  return { element, render };
}
