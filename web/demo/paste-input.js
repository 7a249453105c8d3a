// The "Paste logits" input: the textarea, its parse message and the example button. It parses on
// demand (parse()), reports the result inline, and offers to select an entry at fault.
import { html } from './dom.js';
import { pasteBox } from './paste-box.js';
import { parseLogits } from './parse-logits.js';
import { EXAMPLE_INPUT } from './state.js';

const FORMAT_NAMES = {
  'json-array': 'JSON array',
  'json-object': 'JSON object',
  csv: 'token and logit per line',
  numbers: 'numbers',
};

/** @param {{ text: string, onInput: (text: string) => void }} options */
export function pasteInput({ text, onInput }) {
  const { element, textarea, message } = pasteBox({
    name: 'logits-input',
    title: 'Logits',
    label: 'Paste logits',
    hint: 'A JSON array or object ({"token": logit}), CSV with token and logit columns, or numbers separated by commas or spaces (optionally “token logit” per line). −inf masks a token.',
    rows: 8,
    value: text,
    onInput,
    exampleLabel: 'Load the article’s example',
    onExample: () => {
      onInput(EXAMPLE_INPUT);
      return EXAMPLE_INPUT;
    },
  });

  /** Parses `input`; shows the outcome. Returns { labels, logits, format } or null. */
  function parse(input) {
    const result = parseLogits(input);
    if (result.error) {
      showError(result.error);
      return null;
    }
    const count = result.logits.length;
    const masked = result.logits.reduce((c, z) => c + (z === -Infinity ? 1 : 0), 0);
    message.className = 'parse-msg is-ok';
    message.textContent =
      `${count.toLocaleString('en')} token${count === 1 ? '' : 's'} (${FORMAT_NAMES[result.format]})` +
      `${masked ? `, ${masked} masked` : ''}.`;
    textarea.removeAttribute('aria-invalid');
    return result;
  }

  function showError(error) {
    const parts = [html('span', {}, error.message)];
    if (error.start !== undefined) {
      parts.push(
        ' ',
        html(
          'button',
          {
            type: 'button',
            class: 'link',
            onclick: () => {
              textarea.focus();
              textarea.setSelectionRange(error.start, Math.max(error.end, error.start + 1));
            },
          },
          'Select it',
        ),
      );
    }
    message.className = 'parse-msg is-error';
    message.replaceChildren(...parts);
    textarea.setAttribute('aria-invalid', 'true');
  }

  return {
    element,
    parse,
    /** Shows `input` (restoring from the URL) without calling onInput. */
    setText(input) {
      if (textarea.value !== input) textarea.value = input;
    },
  };
}
