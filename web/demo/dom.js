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
