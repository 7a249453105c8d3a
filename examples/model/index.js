// A llama2.c language model running in WebAssembly and feeding its logits to logitkit's samplers
// with no copy. Not part of the `logitkit` package: the demo's "Model" mode uses it, and it is an
// example of driving logitkit from an in-page model. Build first: `bash scripts/build.sh`.
//
//   const runtime = await loadModelRuntime();
//   const model = runtime.loadModel(checkpointBytes, tokenizerBytes);
//   const logits = runtime.lk.allocLogits(model.vocabSize);
//   const sampler = runtime.lk.createSampler({ temperature: 0.8, topP: 0.9, seed: 42 });
//   const generation = new Generation(model, logits, 'And God said');
//   while (generation.stop === null) process.stdout.write(generation.step(sampler).text);
export { loadModelRuntime, ModelRuntime } from './runtime.js';
export { Model, BOS, EOS } from './model.js';
export { Generation } from './generation.js';
export { ModelFormatError } from './errors.js';
