// A labelled numeric control: a number field, optionally paired with a slider, plus a hint and an
// error line (aria-live) under it. onChange(value) fires only with finite numbers, so a field
// being typed ("0.", "") never reaches the kernels; range checks are the library's (see setError).
import { h, uid } from './dom.js';

export function numberControl({ name, label, hint, min, max, step, slider, value, onChange }) {
  const id = uid(name);
  const hintId = uid(`${name}-hint`);
  const errorId = uid(`${name}-error`);
  const field = h('input', {
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
      if (field.value.trim() === '' || !Number.isFinite(v)) return;
      if (range) range.value = String(v);
      onChange(v);
    },
  });
  const range = slider
    ? h('input', {
        type: 'range',
        min: slider.min,
        max: slider.max,
        step: slider.step,
        value: String(value),
        'aria-label': `${label} slider`,
        'aria-describedby': hintId,
        oninput: () => {
          field.value = range.value;
          onChange(Number(range.value));
        },
      })
    : null;
  const error = h('p', { class: 'field-error', id: errorId, 'aria-live': 'polite' });
  const element = h(
    'div',
    { class: slider ? 'control has-slider' : 'control' },
    h('label', { for: id }, label),
    h('div', { class: 'control-inputs' }, range, field),
    h('p', { class: 'hint', id: hintId }, hint),
    error,
  );
  return {
    element,
    /** Sets the shown value without calling onChange (restoring from the URL). */
    setValue(v) {
      if (Number(field.value) !== v || field.value === '') field.value = String(v);
      if (range) range.value = String(v);
    },
    setError(message) {
      if (error.textContent !== message) error.textContent = message;
      if (message) field.setAttribute('aria-invalid', 'true');
      else field.removeAttribute('aria-invalid');
    },
  };
}
