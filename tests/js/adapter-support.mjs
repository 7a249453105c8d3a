// Shared by the runtime-adapter tests: the exported ONNX folder (examples/model/kjv-onnx/), the
// C++ engine running the same checkpoint (the reference every runtime is compared with), and the
// cross-runtime tolerance.
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadBoth } from './helpers.mjs';
import { defaultModel, runtimes2 } from './model-support.mjs';

export const MODELS_DIR = fileURLToPath(new URL('../../examples/model/', import.meta.url));
export const MODEL_ID = 'kjv-onnx';
export const ONNX_DIR = `${MODELS_DIR}${MODEL_ID}/`;

/**
 * Largest |logit difference| allowed between the ONNX graph (onnxruntime, float32) and the C++
 * engine (wasm SIMD, float32) for the same tokens at the same position. Both compute the same
 * float32 formulas in different orders (matrix products, softmax sums, RoPE tables read from the
 * checkpoint vs recomputed); the differences seen are below 2e-5 on logits of magnitude ~10.
 */
export const LOGIT_TOLERANCE = 1e-4;

export const BOS = 1;
export const EOS = 2;

/** The C++ engine (SIMD build) with the default model. Dispose `model` and `logits` when done. */
export async function cppModel() {
  const { simd } = await runtimes2();
  return { runtime: simd, lk: simd.lk, ...defaultModel(simd) };
}

/**
 * The C++ engine for a whole test file: loaded in a `before` hook, disposed in an `after` hook. The
 * returned object is filled in by the hook (`lk`, `model`, `logits`, `runtime`).
 */
export function cppModelForFile() {
  const cpp = {};
  before(async () => Object.assign(cpp, await cppModel()));
  after(() => {
    cpp.logits?.dispose();
    cpp.model?.dispose();
  });
  return cpp;
}

/**
 * What each adapter test file runs against: logitkit's SIMD build `lk`, the C++ engine `cpp`
 * (cppModelForFile: filled in by a `before` hook), and `runtime`, what `loadRuntime()` resolves to
 * (a tokenizer and a model, say); `release(runtime)` runs in an `after` hook.
 */
export async function adapterFixtures(loadRuntime, release = () => {}) {
  const { simd: lk } = await loadBoth();
  const cpp = cppModelForFile();
  const runtime = await loadRuntime();
  after(() => release(runtime));
  return { lk, cpp, runtime };
}

/**
 * The C++ engine's tokens for `prompt` (text or ids) with logitkit's sampler made from `options`:
 * cppGenerate's result. With `acceptPrompt` (the default) the sampler is given the prompt first,
 * as an adapter that sees the prompt does.
 */
export function cppSampled(cpp, prompt, options, n, { acceptPrompt = true } = {}) {
  const sampler = cpp.lk.createSampler(options);
  const promptIds = typeof prompt === 'string' ? Array.from(cpp.model.encode(prompt)) : prompt;
  if (acceptPrompt) for (const t of promptIds) sampler.accept(t);
  const result = cppGenerate(cpp, promptIds, n, (logits) => sampler.sample(logits).token);
  sampler.dispose();
  return result;
}

/**
 * Generates with the C++ engine: `prompt` (text, encoded with BOS, or ids), then up to `n` tokens
 * drawn by `draw(logits, step)` (which returns a token id), stopping at BOS or EOS as llama2.c does.
 * Returns the new tokens and each step's logits (a copy of the float32 row).
 */
export function cppGenerate({ model, logits }, prompt, n, draw) {
  const ids = typeof prompt === 'string' ? Array.from(model.encode(prompt)) : [...prompt];
  const steps = [];
  const tokens = [];
  for (let pos = 0; pos < ids.length - 1; pos++) model.forward(ids[pos], pos, logits);
  let last = ids[ids.length - 1];
  for (let step = 0; step < n; step++) {
    const pos = ids.length - 1 + step;
    if (pos >= model.config.seqLen) break;
    model.forward(last, pos, logits);
    steps.push(logits.array.slice());
    const token = draw(logits, step);
    if (token === BOS || token === EOS) break;
    tokens.push(token);
    last = token;
  }
  return { prompt: ids, tokens, steps };
}

/**
 * Generates with the C++ engine under a grammar: each step sets the logits `matcher`'s bitmask
 * disallows to -Infinity (here, independently of the adapters' masking), draws with `sampler` (a
 * sampler of the C++ engine's instance, given the prompt first if the adapter's is) and advances
 * the matcher. Returns cppGenerate's result; the run ends at the stop token (BOS or EOS).
 */
export function cppConstrained(cpp, prompt, matcher, sampler, n) {
  const mask = new Uint32Array(matcher.bitmaskWords);
  return cppGenerate(cpp, prompt, n, (logits) => {
    matcher.fillNextTokenBitmask(mask);
    for (let id = 0; id < logits.length; id++)
      if (((mask[id >>> 5] >>> (id & 31)) & 1) === 0) logits.array[id] = -Infinity;
    const { token } = sampler.sample(logits);
    if (!matcher.acceptToken(token)) throw new Error(`the sampler drew the masked token ${token}`);
    return token;
  });
}

/** Largest |a[i] - b[i]| of two equal-length arrays (asserting equal length). */
export function maxAbsDiff(a, b) {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** The binary16 word nearest to `x` (round to nearest even), for building float16 tensors. */
export function toHalf(x) {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  f[0] = x;
  const bits = u[0];
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rest > mid || (rest === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}
