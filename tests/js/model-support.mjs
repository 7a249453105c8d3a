// Shared by the model tests: the default model (examples/model/), its PyTorch fixtures, and a
// runtime per build. The model module is built by scripts/build.sh into examples/model/wasm/.
import { readFileSync } from 'node:fs';
import { loadModelRuntime } from '../../examples/model/index.js';
import { loadOncePerBuild } from './helpers.mjs';

const here = (path) => new URL(path, import.meta.url);

export const DEFAULT_CHECKPOINT = readFileSync(here('../../examples/model/kjv-model.bin'));
export const DEFAULT_TOKENIZER = readFileSync(here('../../examples/model/kjv-tokenizer.bin'));
export const FORWARD_FIXTURE = JSON.parse(
  readFileSync(here('../fixtures/model/forward.json'), 'utf8'),
);
export const TOKENIZER_FIXTURE = JSON.parse(
  readFileSync(here('../fixtures/model/tokenizer.json'), 'utf8'),
);

/** The SIMD and baseline model runtimes, loaded once per test file. */
export const runtimes2 = loadOncePerBuild(loadModelRuntime);

/** The default model loaded into `runtime`, with a LogitsBuffer of its vocabulary. Dispose both. */
export function defaultModel(runtime) {
  const model = runtime.loadModel(DEFAULT_CHECKPOINT, DEFAULT_TOKENIZER);
  return { model, logits: runtime.lk.allocLogits(model.vocabSize) };
}
