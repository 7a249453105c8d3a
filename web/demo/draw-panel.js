// Drawing tokens in the "Paste logits" mode: Sample (one draw with the seed, redrawn as settings
// change), Step (seed + 0, 1, 2, ...: a history of independent draws and their tally), and the
// card of the last draw with its probability, logprob and rawLogprob explained in words.
import { html } from './dom.js';
import { formatLog, formatProb, showToken } from './format.js';

const HISTORY_MAX = 200;

/**
 * @param {{ onSample: () => void, onStep: () => void }} options the buttons' actions; the mode
 *   calls show() and record() with what they drew.
 */
export function drawPanel({ onSample, onStep }) {
  let history = [];
  const card = html('div', { class: 'draw-card', role: 'status', 'aria-live': 'polite' });
  const list = html('ol', { class: 'history', 'aria-label': 'Step history' });
  const tally = html('p', { class: 'tally hint' });
  const clear = html(
    'button',
    { type: 'button', class: 'link', hidden: true, onclick: () => reset() },
    'Clear history',
  );
  const element = html(
    'div',
    { class: 'draw-panel' },
    html(
      'div',
      { class: 'row draw-buttons' },
      html('button', { type: 'button', class: 'primary', onclick: onSample }, 'Sample'),
      html('button', { type: 'button', onclick: onStep }, 'Step'),
      html(
        'span',
        { class: 'hint' },
        'Sample draws with the seed; Step draws with seed + 0, 1, 2, …',
      ),
    ),
    card,
    tally,
    list,
    clear,
  );

  function renderHistory() {
    list.replaceChildren(
      ...history.map((entry) =>
        html(
          'li',
          { 'data-token': entry.index },
          html('span', { class: 'hint' }, `seed ${entry.seed}`),
          ' ',
          html('span', { class: 'tok' }, showToken(entry.label)),
          ' ',
          html('span', { class: 'hint' }, formatProb(entry.p)),
        ),
      ),
    );
    clear.hidden = history.length === 0;
    const counts = new Map();
    for (const entry of history) counts.set(entry.label, (counts.get(entry.label) ?? 0) + 1);
    tally.textContent =
      history.length === 0
        ? ''
        : `${history.length} step${history.length > 1 ? 's' : ''}: ` +
          [...counts]
            .sort((x, y) => y[1] - x[1])
            .map(([label, n]) => `${showToken(label)} × ${n}`)
            .join(', ');
  }

  function reset() {
    history = [];
    renderHistory();
  }

  return {
    element,
    /** The seed the next Step uses, relative to the seed control. */
    get steps() {
      return history.length;
    },
    /** Adds a Step's draw to the history. */
    record({ seed, token, label, logprob }) {
      history.push({ seed, index: token, label, p: Math.exp(logprob) });
      if (history.length > HISTORY_MAX) history.shift();
      renderHistory();
    },
    reset,
    /** Shows the last draw (kind 'Sample' or 'Step'), or nothing with null. */
    show(drawn) {
      if (drawn === null) {
        card.replaceChildren();
        return;
      }
      const { kind, seed, result, label } = drawn;
      card.replaceChildren(
        html('p', { class: 'draw-title' }, `${kind} with seed ${seed}`),
        html(
          'p',
          { class: 'draw-token', 'data-token': result.token },
          html('span', { class: 'tok' }, showToken(label)),
          html('span', { class: 'hint' }, ` token ${result.token}`),
        ),
        html(
          'dl',
          { class: 'kv' },
          html('dt', {}, 'p'),
          html('dd', {}, formatProb(Math.exp(result.logprob))),
          html('dt', {}, 'logprob'),
          html('dd', { 'data-logprob': result.logprob }, formatLog(result.logprob)),
          html('dt', {}, 'rawLogprob'),
          html('dd', { 'data-raw-logprob': result.rawLogprob }, formatLog(result.rawLogprob)),
        ),
        html(
          'p',
          { class: 'hint draw-explain' },
          'logprob is the log of the token’s probability in the distribution it was drawn from: after the bias, the temperature and the filters, renormalised. rawLogprob is its log-probability under the plain softmax of the logits as pasted (T = 1, no bias, no filter): how likely the model itself found it.',
        ),
      );
    },
  };
}
