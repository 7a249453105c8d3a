// The model's output as tokens a learner can pick: the prompt in grey, then one cell per generated
// token. The cells are one Tab stop (a listbox with a roving tabindex, as the API heatmap): ←/→
// (or ↑/↓) move and select, Home/End jump to the ends; a click selects. Whitespace is never
// invisible: a token made only of spaces shows ␣, and a newline shows ↵ before the line break,
// so "\n" is a cell one can see and select instead of a 0-px gap.
import { html } from './dom.js';
import { rovingTarget } from './roving-focus.js';

/** The text to show for a token: whitespace-only pieces as visible marks, newlines kept. */
export function visibleText(text) {
  if (text === '') return '∅';
  if (/^[ \t]+$/.test(text)) return text.replace(/ /g, '␣').replace(/\t/g, '⇥');
  return text.replace(/\n/g, '↵\n');
}

/** @param {{ onSelect: (step: number) => void }} options called with a step's index */
export function tokenStream({ onSelect }) {
  const element = html('div', {
    class: 'gen-output',
    id: 'model-output',
    role: 'listbox',
    'aria-label': 'Generated tokens: select one to see the distribution it was drawn from',
    'aria-orientation': 'horizontal',
    onkeydown,
    onclick: (event) => {
      const cell = event.target instanceof Element ? event.target.closest('[data-step]') : null;
      if (cell) select(Number(cell.dataset.step), { focus: true });
    },
  });
  let cells = [];
  let current = -1; // the cell holding the tab stop (and selection); -1: none yet

  function select(index, { focus = false, notify = true } = {}) {
    if (cells[current]) {
      cells[current].tabIndex = -1;
      cells[current].setAttribute('aria-selected', 'false');
    }
    current = index;
    const cell = cells[index];
    cell.tabIndex = 0;
    cell.setAttribute('aria-selected', 'true');
    if (focus) cell.focus();
    if (notify) onSelect(index);
  }

  function onkeydown(event) {
    if (current < 0) return;
    const target = rovingTarget(event.key, current, cells.length);
    if (target < 0) return;
    event.preventDefault();
    select(target, { focus: true });
  }

  return {
    element,
    /** Starts over with the prompt's tokens: [{ token, text }]. */
    setPrompt(tokens) {
      cells = [];
      current = -1;
      element.replaceChildren(
        ...tokens.map((t) =>
          html(
            'span',
            {
              class: 'gen-token is-prompt',
              'data-token': t.token,
              title: `prompt token ${t.token}`,
            },
            t.text,
          ),
        ),
      );
    },
    clear() {
      cells = [];
      current = -1;
      element.replaceChildren();
    },
    /** Adds a generated token; the first one takes the tab stop. */
    add({ token, text, logprob }, stopNote) {
      const index = cells.length;
      const whitespace = /^\s+$/.test(text);
      const cell = html(
        'span',
        {
          class: `gen-token${whitespace ? ' is-space' : ''}`,
          role: 'option',
          tabindex: -1,
          'aria-selected': 'false',
          'data-token': token,
          'data-step': index,
          'aria-label': `${text.trim() === '' ? visibleText(text).replace(/\n/g, '') : text} (token ${token}, p ${Math.exp(logprob).toFixed(4)})`,
        },
        visibleText(text),
      );
      cells.push(cell);
      element.append(cell);
      if (current < 0) {
        current = index;
        cell.tabIndex = 0;
      }
      if (stopNote) element.append(html('span', { class: 'gen-stop' }, ` — stopped: ${stopNote}`));
    },
    /** Marks step `index` as the one shown, without calling onSelect. */
    mark(index) {
      if (index >= 0 && index < cells.length && index !== current) select(index, { notify: false });
      else if (cells[index]) cells[index].setAttribute('aria-selected', 'true');
    },
  };
}
