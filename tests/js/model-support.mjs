// Shared by the model tests: the default model (examples/model/), its PyTorch fixtures, and a
// runtime per build. The model module is built by scripts/build.sh into examples/model/wasm/.
import { readFileSync } from 'node:fs';
import { loadModelRuntime } from '../../examples/model/index.js';

const here = (path) => new URL(path, import.meta.url);

export const DEFAULT_CHECKPOINT = readFileSync(here('../../examples/model/kjv-model.bin'));
export const DEFAULT_TOKENIZER = readFileSync(here('../../examples/model/kjv-tokenizer.bin'));
export const FORWARD_FIXTURE = JSON.parse(
  readFileSync(here('../fixtures/model/forward.json'), 'utf8'),
);
export const TOKENIZER_FIXTURE = JSON.parse(
  readFileSync(here('../fixtures/model/tokenizer.json'), 'utf8'),
);

let runtimes;
/** The SIMD and baseline model runtimes, loaded once per test file. */
export async function runtimes2() {
  runtimes ??= Promise.all([loadModelRuntime({ simd: true }), loadModelRuntime({ simd: false })]);
  const [simd, baseline] = await runtimes;
  return { simd, baseline, both: [simd, baseline] };
}

/** The default model loaded into `runtime`, with a LogitsBuffer of its vocabulary. Dispose both. */
export function defaultModel(runtime) {
  const model = runtime.loadModel(DEFAULT_CHECKPOINT, DEFAULT_TOKENIZER);
  return { model, logits: runtime.lk.allocLogits(model.vocabSize) };
}
