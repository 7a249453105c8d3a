// Why a checkpoint or tokenizer file was refused: the LoadError codes of cpp/model/config.h.
const LOAD_ERRORS = {
  1: ['checkpoint', 'is shorter than the 28-byte llama2.c header'],
  2: [
    'checkpoint',
    'is in llama2.c\'s version 1/2 export format ("ak42" header); export it with --version 0 (the legacy float32 format)',
  ],
  3: [
    'checkpoint',
    'has an invalid header: every dimension must be positive, dim a multiple of n_heads, n_heads a multiple of n_kv_heads, and dim / n_heads even',
  ],
  4: [
    'checkpoint',
    'is not as long as its header says (not a llama2.c float32 checkpoint, or truncated)',
  ],
  5: [
    'tokenizer',
    'is not a llama2.c tokenizer.bin for this model (it ended early or has an impossible piece length)',
  ],
  6: ['memory', 'does not fit in WebAssembly memory'],
};

/** A checkpoint or tokenizer.bin that cannot be loaded. `file` says which: 'checkpoint', 'tokenizer' or 'memory'. */
export class ModelFormatError extends Error {
  name = 'ModelFormatError';

  /** @param {string} message @param {'checkpoint' | 'tokenizer' | 'memory'} file */
  constructor(message, file) {
    super(message);
    this.file = file;
  }
}

/** The error for a negative modelCreate result (-code). */
export function loadError(code) {
  const [file, reason] = LOAD_ERRORS[code] ?? ['checkpoint', `was refused (code ${code})`];
  return new ModelFormatError(
    `loadModel: the ${file === 'memory' ? 'model' : file} ${reason}`,
    file,
  );
}
