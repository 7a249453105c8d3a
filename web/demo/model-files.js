// "Use your own model": a llama2.c checkpoint and its tokenizer.bin, from two file inputs or
// dropped together on the zone. Files are read locally (File.arrayBuffer) and never uploaded.
import { html, uid } from './dom.js';

/** @param {{ onFiles: (files: { checkpoint: File, tokenizer: File }) => void }} options */
export function modelFilePicker({ onFiles }) {
  const ckId = uid('model-checkpoint');
  const tokId = uid('model-tokenizer');
  const message = html('p', { class: 'hint drop-msg', 'aria-live': 'polite' });
  const checkpoint = html('input', { id: ckId, type: 'file', accept: '.bin', onchange: tryLoad });
  const tokenizer = html('input', { id: tokId, type: 'file', accept: '.bin', onchange: tryLoad });
  const zone = html(
    'div',
    { class: 'drop-zone', ondragover, ondragleave: () => zone.classList.remove('is-over'), ondrop },
    html('p', {}, 'Drop a checkpoint and its tokenizer.bin here, or choose them:'),
    html('div', { class: 'file-row' }, html('label', { for: ckId }, 'Checkpoint'), checkpoint),
    html('div', { class: 'file-row' }, html('label', { for: tokId }, 'Tokenizer'), tokenizer),
    message,
  );

  function ondragover(e) {
    e.preventDefault();
    zone.classList.add('is-over');
  }

  function ondrop(e) {
    e.preventDefault();
    zone.classList.remove('is-over');
    const files = [...e.dataTransfer.files];
    if (files.length !== 2) {
      message.textContent = `Drop both files at once (got ${files.length}).`;
      return;
    }
    // The tokenizer is the file named like one, else the smaller (a vocabulary is far smaller than weights).
    const named = files.find((f) => /tokenizer/i.test(f.name));
    const tok = named ?? (files[0].size <= files[1].size ? files[0] : files[1]);
    onFiles({ checkpoint: files.find((f) => f !== tok), tokenizer: tok });
  }

  function tryLoad() {
    const ck = checkpoint.files[0];
    const tok = tokenizer.files[0];
    if (ck && tok) onFiles({ checkpoint: ck, tokenizer: tok });
    else message.textContent = ck ? 'Now choose its tokenizer.bin.' : 'Now choose the checkpoint.';
  }

  return {
    element: html(
      'div',
      { class: 'model-files' },
      html(
        'p',
        { class: 'hint' },
        'llama2.c’s float32 format, e.g. TinyStories stories15M.bin with the tokenizer.bin from the llama2.c repository. The files stay on this device.',
      ),
      zone,
    ),
    setMessage(text) {
      message.textContent = text;
    },
  };
}
