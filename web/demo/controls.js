// A labelled numeric control: a number field, optionally paired with a slider, plus a hint and an
// error line (aria-live) under it.
//
// Validation happens on commit, never on a keystroke: typing "0.5" passes through "0" and "0.",
// which must not reach the kernels (or stop a running generation). While typing, a value is
// applied as soon as it is valid (`validate` returns ''), so the results follow the keyboard; an
// invalid or unfinished value waits. On commit (Enter, or leaving the field) an invalid value is
// reported under the field, and the last valid value stays in force, which the message says.
import { html, uid } from './dom.js';

/**
 * @param {{ name: string, label: string, hint: string, min?: number, max?: number, step?: number,
 *   slider?: { min: number, max: number, step: number }, value: number,
 *   validate?: (value: number) => string, onChange: (value: number) => void }} options
 *   `validate` returns '' for a valid value, else why not (the library's own message).
 */
export function numberControl({
  name,
  label,
  hint,
  min,
  max,
  step,
  slider,
  value,
  validate = () => '',
  onChange,
}) {
  const id = uid(name);
  const hintId = uid(`${name}-hint`);
  const errorId = uid(`${name}-error`);
  let applied = value;

  const apply = (v) => {
    applied = v;
    if (range) range.value = String(v);
    onChange(v);
  };
  const field = html('input', {
    id,
    name,
    type: 'number',
    inputmode: 'decimal',
    min,
    max,
    step,
    value: String(value),
    'aria-describedby': `${hintId} ${errorId}`,
    oninput: () => {
      const v = Number(field.value);
      if (field.value.trim() === '' || !Number.isFinite(v) || v === applied) return;
      if (validate(v) === '') {
        setError('');
        apply(v);
      }
    },
    onchange: commit,
    onkeydown: (event) => {
      if (event.key === 'Enter') commit();
    },
  });
  const range = slider
    ? html('input', {
        type: 'range',
        min: slider.min,
        max: slider.max,
        step: slider.step,
        value: String(value),
        'aria-label': `${label} slider`,
        'aria-describedby': hintId,
        oninput: () => {
          field.value = range.value;
          setError('');
          apply(Number(range.value));
        },
      })
    : null;
  const error = html('p', { class: 'field-error', id: errorId, 'aria-live': 'polite' });
  const element = html(
    'div',
    { class: slider ? 'control has-slider' : 'control', 'data-control': name },
    html('label', { for: id }, label),
    html('div', { class: 'control-inputs' }, range, field),
    html('p', { class: 'hint', id: hintId }, hint),
    error,
  );

  /** The field's value is final: apply it, or say why not and which value stays in force. */
  function commit() {
    const text = field.value.trim();
    const v = Number(text);
    const problem = text === '' || !Number.isFinite(v) ? `${label} needs a number.` : validate(v);
    if (problem) {
      setError(`${problem} Still using ${applied}.`);
      return;
    }
    setError('');
    if (v !== applied) apply(v);
  }

  function setError(message) {
    if (error.textContent !== message) error.textContent = message;
    if (message) field.setAttribute('aria-invalid', 'true');
    else field.removeAttribute('aria-invalid');
  }

  return {
    element,
    /** Sets the shown value without calling onChange (restoring from the URL). */
    setValue(v) {
      applied = v;
      if (Number(field.value) !== v || field.value === '') field.value = String(v);
      if (range) range.value = String(v);
    },
    setError,
  };
}
