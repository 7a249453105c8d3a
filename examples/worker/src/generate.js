// The generation loop the worker runs. It takes a loaded logitkit instance (`await load()`) as an
// argument and imports nothing else, so tests can run the same loop in Node and compare tokens.
import { toyLogits } from './toy-model.js';

/**
 * Samples `steps` tokens after `prompt` with a stateful seeded Sampler over the zero-copy path:
 * the model writes logits straight into wasm memory and nothing is copied or allocated per step.
 * Returns the sampled token ids.
 */
export function generate(lk, { vocabSize = 32000, steps = 24, prompt = [1], sampling = {} } = {}) {
  const logits = lk.allocLogits(vocabSize);
  const sampler = lk.createSampler(sampling);
  try {
    for (const token of prompt) sampler.accept(token); // the repetition penalty sees the prompt
    const tokens = [];
    let previous = prompt.at(-1) ?? 0;
    for (let step = 0; step < steps; step++) {
      toyLogits(logits.array, previous); // `array` is re-read each step: memory growth replaces it
      previous = sampler.sample(logits).token;
      tokens.push(previous);
    }
    return tokens;
  } finally {
    sampler.dispose(); // both own wasm memory
    logits.dispose();
  }
}
