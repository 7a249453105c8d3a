// The sampling controls the paste and model modes share: temperature, top-k, top-p, min-p and
// seed, bound to the page state (and so to the URL). Values are checked by the library on commit
// (controls.js); errors the library raises later land under the control they name.
import { numberControl } from './controls.js';
import { html } from './dom.js';
import { optionProblem } from './sampling-check.js';

/** Each control's label and ranges (the input's own min / max / step; validation is the library's). */
const SPECS = {
  temperature: { label: 'Temperature', min: 0, step: 0.05, slider: { min: 0, max: 2, step: 0.05 } },
  topK: { label: 'Top-k', min: 0, step: 1 },
  topP: { label: 'Top-p', min: 0, max: 1, step: 0.01, slider: { min: 0.01, max: 1, step: 0.01 } },
  minP: { label: 'Min-p', min: 0, max: 1, step: 0.01, slider: { min: 0, max: 1, step: 0.01 } },
  seed: { label: 'Seed', min: 0, step: 1 },
};
const NAMES = Object.keys(SPECS);
// Shown in this order, which is also the tab order: the full-width sliders, then the two number
// fields side by side.
const LAYOUT = ['temperature', 'topP', 'minP', 'topK', 'seed'];

/**
 * @param {{ lk, store, prefix?: string, hints: Record<string, string> }} options `prefix` keeps
 *   field names unique when two modes show these controls; `hints` holds one hint per option.
 */
export function samplingControls({ lk, store, prefix = '', hints }) {
  const state = store.get();
  const common = (name) => ({
    name: `${prefix}${name}`,
    hint: hints[name],
    value: state[name],
    validate: (value) => optionProblem(lk, store.get(), name, value),
    onChange: (value) => store.set({ [name]: value }),
  });
  const controls = Object.fromEntries(
    Object.entries(SPECS).map(([name, spec]) => [
      name,
      numberControl({ ...common(name), ...spec }),
    ]),
  );
  return {
    element: html('div', { class: 'control-grid' }, ...LAYOUT.map((n) => controls[n].element)),
    /** Shows the state's values (after the URL changed from outside). */
    sync(next) {
      for (const name of NAMES) controls[name].setValue(next[name]);
    },
    /** Puts a library error under the control it names; false when it names none of them. */
    showError(argument, message) {
      const control = controls[String(argument).replace(/^options\./, '')];
      if (!control) return false;
      control.setError(message);
      return true;
    },
    clearErrors() {
      for (const name of NAMES) controls[name].setError('');
    },
  };
}
