// The token heatmap: the rebuilt text, one focusable cell per token (or per shared character),
// coloured by probability, with a tooltip on hover and on keyboard focus.
// Keyboard: the heatmap is one Tab stop (roving tabindex); ←/→ (or ↑/↓) move between tokens,
// Home/End jump to the ends, Escape hides the tooltip. Tapping a token focuses it (touch).
import { html, uid } from './dom.js';
import { formatProb, showToken } from './format.js';
import { heatClass } from './heat-scale.js';
import { rovingTarget } from './roving-focus.js';
import { cellProbability, tokenCells } from './token-cells.js';
import { probabilityText, tooltipContent } from './token-tooltip.js';

export function createHeatmap() {
  const tipId = uid('token-tip');
  const tip = html('div', { id: tipId, class: 'token-tip', role: 'tooltip', hidden: true });
  const list = html('div', {
    class: 'heatmap',
    role: 'listbox',
    'aria-label': 'Tokens coloured by probability',
    'aria-orientation': 'horizontal',
    onkeydown,
    onfocusin: (e) => {
      const i = cellIndex(e.target);
      if (i >= 0) select(i, { show: true });
    },
    onfocusout: (e) => {
      if (!list.contains(e.relatedTarget)) hideTip();
    },
    onmouseover: (e) => {
      const i = cellIndex(e.target);
      if (i >= 0) showTip(i);
    },
  });
  const empty = html('p', { class: 'hint heatmap-empty', hidden: true });
  const element = html(
    'div',
    {
      class: 'heatmap-wrap',
      onmouseleave: () => {
        const focused = cellIndex(document.activeElement);
        if (focused >= 0) showTip(focused);
        else hideTip();
      },
    },
    list,
    empty,
    tip,
  );

  let tokens = [];
  let cells = [];
  let nodes = [];
  let text = '';
  let current = 0;
  let shown = -1;

  /**
   * Shows a token sequence. `shaky` lists token ranges [tokenStart, tokenEnd) to underline (the
   * low-confidence spans). Keeps the focused position when the same tokens are shown again.
   */
  function render(sequenceTokens, { shaky = [], emptyMessage = 'No tokens.' } = {}) {
    const same = sequenceTokens === tokens;
    tokens = sequenceTokens;
    ({ text, cells } = tokenCells(tokens));
    if (!same) current = 0;
    current = Math.min(current, Math.max(0, cells.length - 1));
    const hadFocus = list.contains(document.activeElement);
    nodes = cells.map((cell, k) => {
      const joint = cellProbability(tokens, cell);
      const cellText = text.slice(cell.start, cell.end);
      const inSpan = shaky.some(([a, b]) => cell.tokenStart < b && cell.tokenEnd > a);
      return html(
        'span',
        {
          role: 'option',
          tabindex: k === current ? 0 : -1,
          'aria-selected': String(k === current),
          class: `heat-cell ${heatClass(joint.p, joint)}${inSpan ? ' is-shaky' : ''}`,
          'data-cell': k,
          'data-token-start': cell.tokenStart,
          'data-token-end': cell.tokenEnd,
          'aria-label': `${showToken(cellText)}, p ${joint.belowTopN ? 'below the top N' : joint.p === null ? probabilityText(tokens[cell.tokenStart]) : formatProb(joint.p)}`,
        },
        cellText,
      );
    });
    list.replaceChildren(...nodes);
    list.hidden = nodes.length === 0;
    empty.hidden = nodes.length > 0;
    empty.textContent = emptyMessage;
    if (hadFocus && nodes.length > 0) nodes[current].focus();
    else if (shown >= 0 && shown < nodes.length) showTip(shown);
    else hideTip();
  }

  /** Marks the cells of tokens [tokenStart, tokenEnd) (a clicked span); null clears. */
  function highlight(range) {
    let first = null;
    nodes.forEach((node, k) => {
      const on = range !== null && cells[k].tokenStart < range[1] && cells[k].tokenEnd > range[0];
      node.classList.toggle('is-highlighted', on);
      if (on && first === null) first = node;
    });
    first?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }

  function select(k, { show = false, focus = false } = {}) {
    if (nodes[current]) {
      nodes[current].tabIndex = -1;
      nodes[current].setAttribute('aria-selected', 'false');
    }
    current = k;
    nodes[k].tabIndex = 0;
    nodes[k].setAttribute('aria-selected', 'true');
    if (focus) nodes[k].focus();
    if (show) showTip(k);
  }

  function onkeydown(e) {
    const k = cellIndex(e.target);
    if (k < 0) return;
    if (e.key === 'Escape') {
      hideTip();
      return;
    }
    const target = rovingTarget(e.key, k, nodes.length);
    if (target < 0) return;
    e.preventDefault();
    select(target, { focus: true, show: true });
  }

  function showTip(k) {
    const cell = cells[k];
    tip.replaceChildren(
      ...tooltipContent(
        tokens,
        cell,
        text.slice(cell.start, cell.end),
        cellProbability(tokens, cell),
      ),
    );
    tip.hidden = false;
    tip.dataset.cell = String(k);
    nodes.forEach((node, j) => {
      if (j === k) node.setAttribute('aria-describedby', tipId);
      else node.removeAttribute('aria-describedby');
    });
    shown = k;
    place(nodes[k]);
  }

  function hideTip() {
    tip.hidden = true;
    shown = -1;
    nodes.forEach((node) => node.removeAttribute('aria-describedby'));
  }

  /** Puts the tooltip under the cell, kept inside the heatmap's width. */
  function place(node) {
    const box = element.getBoundingClientRect();
    const r = node.getBoundingClientRect();
    const width = tip.offsetWidth;
    const left = Math.max(0, Math.min(r.left - box.left, box.width - width));
    tip.style.left = `${left}px`;
    tip.style.top = `${r.bottom - box.top + 6}px`;
  }

  function cellIndex(target) {
    const node = target instanceof Element ? target.closest('.heat-cell') : null;
    return node && list.contains(node) ? Number(node.dataset.cell) : -1;
  }

  return { element, render, highlight };
}
