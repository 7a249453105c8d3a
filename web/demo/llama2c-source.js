// The llama2.c source of the model worker: the C++ engine (examples/model/) in the same wasm
// memory as logitkit's kernels, so each step's logits reach the sampler with no copy. A source
// hands the worker generations with the interface documented in model-worker.js.
import { BOS, EOS, Generation } from '../../examples/model/index.js';
import { tokenLabel } from './model-labels.js';

/**
 * @param runtime the worker's ModelRuntime (`loadModelRuntime()`)
 * @param {ArrayBuffer} checkpoint @param {ArrayBuffer} tokenizer @param {string} name
 * @throws ModelFormatError naming the file at fault, before anything is allocated
 */
export function llama2cSource(runtime, { checkpoint, tokenizer, name }) {
  const { lk } = runtime;
  const model = runtime.loadModel(checkpoint, tokenizer);
  const logits = lk.allocLogits(model.vocabSize);
  const label = (token) => tokenLabel(model, token);
  let info = null;
  return {
    lk,
    label,
    vocabSize: model.vocabSize,
    /**
     * The vocabulary for grammar masks: each token's bytes as they follow other text (llama2.c's
     * decode, "<0xHH>" pieces as their byte); EOS ends the output; <unk> and BOS are never allowed.
     */
    tokenizerInfo() {
      info ??= lk.createTokenizerInfo({
        tokens: Array.from({ length: model.vocabSize }, (_, id) => model.decode(-1, id)),
        vocabType: 'raw',
        stopTokenIds: [EOS],
        specialTokenIds: [0, BOS],
      });
      return info;
    },
    info: { kind: 'llama2c', name, config: model.config, bytes: checkpoint.byteLength },
    start: (prompt) => llama2cGeneration(lk, model, logits, prompt, label),
    dispose() {
      model.dispose();
      logits.dispose();
      info?.then(
        (i) => i.dispose(),
        () => {},
      );
    },
  };
}

function llama2cGeneration(lk, model, logits, prompt, label) {
  const generation = new Generation(model, logits, prompt);
  let sampler = null;
  return {
    get tokens() {
      return generation.tokens;
    },
    get stop() {
      return generation.stop;
    },
    promptTokens() {
      const t = generation.tokens;
      const decoder = new TextDecoder(); // streaming: a character may span several byte tokens
      return t.map((token, i) => ({
        token,
        label: label(token),
        text:
          i === 0
            ? ''
            : decoder.decode(model.decode(t[i - 1], token), { stream: i < t.length - 1 }),
      }));
    },
    /** A sampler with `options`, the tokens so far in its history; throws before replacing on a bad option. */
    setSampling(options) {
      const next = lk.createSampler(options);
      sampler?.dispose();
      sampler = next;
      if (generation.tokens.length > generation.promptLength)
        for (const t of generation.tokens) sampler.accept(t);
    },
    /**
     * One token. `constrain(logits)` (optional) runs on the model's logits before the draw and
     * returns how many tokens it allowed; `before` reads them first (the model's own distribution).
     */
    async step({ temperature, shown, constraint }) {
      let before = null;
      let allowed = null;
      const draw = {
        accept: (t) => sampler.accept(t),
        sample: (buffer) => {
          before = lk.topLogprobs(buffer, shown, { temperature });
          if (constraint) allowed = constraint.apply(buffer);
          return sampler.sample(buffer);
        },
      };
      const step = generation.step(draw);
      constraint?.accept(step.token);
      return { ...step, before, allowed };
    },
    dispose() {
      sampler?.dispose();
      sampler = null;
    },
  };
}
