// What the benchmark times: each implementation adapts one library to the same shape, in browsers
// and Node (no imports; the libraries are passed in).
//
// An implementation is { key, label, setup(z) }. setup takes the logits (a Float32Array) and
// returns { ops, dispose() }, where ops maps an operation name to a no-argument function doing
// one call on those logits. Operation names: softmax, logSoftmax, logSumExp, entropy, topK50,
// sample (temperature 0.8, topP 0.95). An implementation offers only the operations its library
// has. An implementation that could not be loaded is { key, label, unavailable: reason }.
import * as js from './js-baselines.mjs';

export const OPS = ['softmax', 'logSoftmax', 'logSumExp', 'entropy', 'topK50', 'sample'];
export const SAMPLING = Object.freeze({ temperature: 0.8, topP: 0.95 });

/** logitkit on the zero-copy path: LogitsBuffer in, LogitsBuffer out, one Sampler reused. */
export function logitkitImplementation(lk, key, label) {
  return {
    key,
    label,
    setup(z) {
      const buf = lk.allocLogits(z.length);
      const out = lk.allocLogits(z.length);
      buf.array.set(z);
      const sampler = lk.createSampler({ ...SAMPLING, seed: 1 });
      return {
        ops: {
          softmax: () => lk.softmax(buf, { out }),
          logSoftmax: () => lk.logSoftmax(buf, { out }),
          logSumExp: () => lk.logSumExp(buf),
          entropy: () => lk.entropy(buf),
          topK50: () => lk.topK(buf, 50),
          sample: () => sampler.sample(buf),
        },
        dispose() {
          sampler.dispose();
          buf.dispose();
          out.dispose();
        },
      };
    },
  };
}

/**
 * The floor (bench/floor/floor_softmax.h): the minimal exact-argument softmax, called through its
 * internal binding on an instance of logitkit's own SIMD module (`module`, from the module's
 * factory), on wasm buffers as logitkit's LogitsBuffers are.
 */
export function floorImplementation(module) {
  return {
    key: 'floor',
    label: 'floor kernel',
    setup(z) {
      const bytes = z.length * 4;
      const input = module._malloc(bytes);
      const output = module._malloc(bytes);
      if (input === 0 || output === 0) throw new Error('floor: out of wasm memory');
      new Float32Array(module.HEAPU8.buffer, input, z.length).set(z);
      return {
        ops: { softmax: () => module._benchFloorSoftmax(input, z.length, output) },
        dispose() {
          module._free(input);
          module._free(output);
        },
      };
    },
  };
}

/** The plain-JS loops and sort-based code of js-baselines.mjs. */
export function jsImplementation() {
  return {
    key: 'js',
    label: 'plain JS',
    setup(z) {
      const scratch = new Float32Array(z.length);
      return {
        ops: {
          softmax: () => js.softmax(z, scratch),
          logSoftmax: () => js.logSoftmax(z, scratch),
          topK50: () => js.topK(z, 50),
          sample: () => js.sampleTopP(z, SAMPLING.temperature, SAMPLING.topP, 0.5),
        },
        dispose() {},
      };
    },
  };
}

/**
 * @tensorflow/tfjs-core with the wasm backend already active (`tf` is its namespace). The input
 * tensor is made once (as logitkit's LogitsBuffer is filled once); each call includes reading
 * the result back to JS (dataSync), since a sampler needs the numbers, and frees its outputs.
 */
export function tfjsImplementation(tf) {
  return {
    key: 'tf',
    label: 'tfjs-wasm',
    setup(z) {
      const x = tf.tensor1d(z, 'float32');
      const readAndFree = (...tensors) => {
        for (const t of tensors) {
          t.dataSync();
          t.dispose();
        }
      };
      return {
        ops: {
          softmax: () => readAndFree(tf.softmax(x)),
          logSoftmax: () => readAndFree(tf.logSoftmax(x)),
          logSumExp: () => readAndFree(tf.logSumExp(x)),
          topK50: () => {
            const { values, indices } = tf.topk(x, 50);
            readAndFree(values, indices);
          },
        },
        dispose: () => x.dispose(),
      };
    },
  };
}

/** @huggingface/transformers' pure-JS softmax and log_softmax (utils/maths), on the Float32Array. */
export function transformersImplementation({ softmax, log_softmax: logSoftmax }) {
  return {
    key: 'hf',
    label: 'transformers',
    setup(z) {
      return { ops: { softmax: () => softmax(z), logSoftmax: () => logSoftmax(z) }, dispose() {} };
    },
  };
}

/** An implementation that failed to load: every cell prints "n/a" and the reason is listed. */
export function unavailable(key, label, reason) {
  return { key, label, unavailable: reason };
}

/**
 * load() timings in ms, for the `load` passed in (Node's or the page's import). Must run first:
 * "cold" is the first load of each build in this process or page, "warm" a second one.
 */
export async function timeLoads(load) {
  const timed = async (options) => {
    const t0 = performance.now();
    const lk = await load(options);
    return [lk, performance.now() - t0];
  };
  const [simd, simdCold] = await timed({ simd: true });
  const [, simdWarm] = await timed({ simd: true });
  const [baseline, baselineCold] = await timed({ simd: false });
  const [, baselineWarm] = await timed({ simd: false });
  return { simd, baseline, loadMs: { simdCold, simdWarm, baselineCold, baselineWarm } };
}
