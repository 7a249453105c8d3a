// "Which model": the runtime that computes the logits. The default model in the llama2.c engine
// (C++ in WebAssembly, in the same memory as logitkit), the same model's ONNX export run by
// transformers.js (bundled with the page, offline), or any Hugging Face model id run by
// transformers.js (downloaded by this browser from the Hub). Either way logitkit draws the tokens.
import { html, uid } from './dom.js';

export const SOURCES = {
  llama2c: 'llama2c',
  bundledOnnx: 'bundled-onnx',
  hub: 'hub',
};

/**
 * @param {{ onChoose: (choice: { source: string, modelId: string | null }) => void }} options
 *   `onChoose` runs when a source is picked (the Hub choice only when an id is submitted)
 */
export function modelSourcePicker({ onChoose }) {
  const name = uid('model-source');
  const idField = uid('model-hub-id');
  const message = html('p', { class: 'hint source-msg', role: 'status', 'aria-live': 'polite' });
  const radios = {};
  const option = (value, label, hint) => {
    radios[value] = html('input', {
      type: 'radio',
      name,
      value,
      id: `${name}-${value}`,
      checked: value === SOURCES.llama2c,
      onchange: () => choose(value),
    });
    return html(
      'div',
      { class: 'source-option' },
      radios[value],
      html(
        'label',
        { for: `${name}-${value}` },
        label,
        html('span', { class: 'hint' }, ` ${hint}`),
      ),
    );
  };
  const hubId = html('input', {
    id: idField,
    type: 'text',
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: 'onnx-community/Qwen2.5-0.5B-Instruct',
  });
  const hubLoad = html('button', { type: 'submit', class: 'secondary' }, 'Load');
  const hubForm = html(
    'form',
    {
      class: 'hub-form',
      onsubmit: (event) => {
        event.preventDefault();
        const id = hubId.value.trim();
        if (id === '') {
          message.textContent = 'Type a model id first, e.g. onnx-community/Qwen2.5-0.5B-Instruct.';
          return;
        }
        radios[SOURCES.hub].checked = true;
        onChoose({ source: SOURCES.hub, modelId: id });
      },
    },
    html('label', { for: idField }, 'Hugging Face model id'),
    html('div', { class: 'row' }, hubId, hubLoad),
  );

  function choose(value) {
    message.textContent = '';
    if (value === SOURCES.hub) {
      hubId.focus();
      return; // waits for an id
    }
    onChoose({ source: value, modelId: null });
  }

  return {
    element: html(
      'fieldset',
      { class: 'model-sources' },
      html('legend', {}, 'Where the logits come from'),
      option(
        SOURCES.llama2c,
        'llama2.c engine',
        'The default King James Bible model, C++ compiled to WebAssembly, in the same memory as logitkit’s sampler.',
      ),
      option(
        SOURCES.bundledOnnx,
        'transformers.js, bundled ONNX export',
        'The same model exported to ONNX, run by transformers.js on ONNX Runtime Web; logitkit samples through its transformers.js processor. Works offline.',
      ),
      option(
        SOURCES.hub,
        'transformers.js, a Hugging Face model',
        'Any causal language model with ONNX weights; your browser downloads it from the Hub (it can be hundreds of MB).',
      ),
      hubForm,
      message,
    ),
    /** Marks `source` as the one in use (after a file load, none of the radios is). */
    show(source) {
      for (const [value, radio] of Object.entries(radios)) radio.checked = value === source;
    },
    setMessage(text) {
      message.textContent = text;
    },
  };
}
