// A panel to paste text into: a titled textarea with its hint, a live message line under it (what
// was read, or what is wrong) and a button that loads an example. The paste and API modes use it.
import { html, panel, uid } from './dom.js';

/**
 * @param {{ name: string, title: string, label: string, hint: string, rows: number, value: string,
 *   onInput: (text: string) => void, exampleLabel: string, onExample: () => string }} options
 *   `onExample` loads the example and returns its text (shown in the textarea).
 * @returns {{ element, textarea, message }}
 */
export function pasteBox({
  name,
  title,
  label,
  hint,
  rows,
  value,
  onInput,
  exampleLabel,
  onExample,
}) {
  const inputId = uid(name);
  const messageId = uid(`${name}-msg`);
  const hintId = uid(`${name}-hint`);
  const textarea = html('textarea', {
    id: inputId,
    rows,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': `${messageId} ${hintId}`,
    value,
    oninput: () => onInput(textarea.value),
  });
  const message = html('div', {
    id: messageId,
    class: 'parse-msg',
    role: 'status',
    'aria-live': 'polite',
  });
  const example = html(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        textarea.value = onExample();
      },
    },
    exampleLabel,
  );
  const element = panel(
    { id: `${inputId}-h`, title, className: 'input-panel' },
    html('label', { for: inputId }, label),
    html('p', { class: 'hint', id: hintId }, hint),
    textarea,
    message,
    html('div', { class: 'row' }, example),
  );
  return { element, textarea, message };
}
