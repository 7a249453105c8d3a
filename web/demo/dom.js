// A tiny element builder: html('p', { class: 'x', onclick: f }, 'text', child). No framework.
// Attributes starting with "on" become listeners; null/false attributes are skipped; strings are
// set as text, never as HTML (labels come from pasted text).

const SVG_NS = 'http://www.w3.org/2000/svg';

export function html(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

export function svgElement(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children);
}

function build(el, attrs, children) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function')
      el.addEventListener(key.slice(2), value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A process-unique id for label/for and aria pairs. */
let counter = 0;
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * A titled panel: <section class="panel …" aria-labelledby> headed by an <h2 id> (with `aside`,
 * a toggle or a note, beside it when given), then `children`.
 */
export function panel({ id, title, className = '', aside = null }, ...children) {
  const heading = html('h2', { id }, title);
  return html(
    'section',
    { class: `panel ${className}`.trim(), 'aria-labelledby': id },
    aside ? html('div', { class: 'results-head' }, heading, aside) : heading,
    ...children,
  );
}

/** A labelled checkbox: { element (the label around it), input }. */
export function checkbox({ id, label, checked, onChange }) {
  const input = html('input', {
    type: 'checkbox',
    id,
    checked,
    onchange: () => onChange(input.checked),
  });
  return { element: html('label', { class: 'toggle', for: id }, input, ` ${label}`), input };
}
