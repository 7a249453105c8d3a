// The model module: logitkit's kernels and the llama2.c engine linked into ONE wasm instance.
//
// Why one module: two wasm instances have two separate linear memories, and neither can write into
// the other's. For the model's logits to reach a sampler with no copy, the forward pass must write
// into the memory the sampler reads. So the model module links the kernel bindings too, and
// `runtime.lk` is a complete logitkit instance over that module: `runtime.lk.allocLogits()` gives
// the LogitsBuffer that `model.forward()` fills and `runtime.lk.createSampler()` reads, in place.
// The core package (`logitkit`, its 92 KiB kernel modules) is unchanged by any of this.
import { instantiateBuild, Logitkit, LogitkitTypeError } from 'logitkit';
import { loadError } from './errors.js';
import { Model } from './model.js';

/**
 * One model module instance. `lk` has the whole logitkit API (as `await load()` returns it); the
 * models this runtime loads write their logits into LogitsBuffers that `lk` allocates.
 */
export class ModelRuntime {
  #module;

  /** @internal Use `loadModelRuntime()`. */
  constructor(module, simd) {
    this.#module = module;
    /** The kernels of this module: use its allocLogits() and createSampler() with the models. */
    this.lk = new Logitkit(module, simd);
  }

  /** True when the SIMD build runs. */
  get simd() {
    return this.lk.simd;
  }

  /**
   * Loads a llama2.c checkpoint (version 0, the float32 "legacy" format, e.g. stories15M.bin) and
   * its tokenizer.bin. The bytes are copied into wasm memory once; the caller's buffers are not
   * kept. Throws ModelFormatError naming the file at fault.
   * @param {ArrayBuffer | ArrayBufferView} checkpoint @param {ArrayBuffer | ArrayBufferView} tokenizer
   * @returns {Model}
   */
  loadModel(checkpoint, tokenizer) {
    const ck = bytesOf(checkpoint, 'checkpoint');
    const tok = bytesOf(tokenizer, 'tokenizer');
    const m = this.#module;
    const ckAt = m._malloc(Math.max(ck.length, 1));
    if (ckAt === 0) throw loadError(6);
    m.HEAPU8.set(ck, ckAt);
    const tokAt = m._malloc(Math.max(tok.length, 1));
    if (tokAt === 0) {
      m._free(ckAt);
      throw loadError(6);
    }
    m.HEAPU8.set(tok, tokAt);
    // modelCreate owns the checkpoint copy from here on, also when it fails.
    const handle = m._modelCreate(ckAt, ck.length, tokAt, tok.length);
    m._free(tokAt);
    if (handle <= 0) throw loadError(-handle);
    return new Model(m, handle);
  }
}

function bytesOf(value, name) {
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new LogitkitTypeError(
    `loadModel: ${name} must be an ArrayBuffer or a typed array of the file's bytes`,
    name,
  );
}

/** The model module in both flavours, beside this file in wasm/ (built by scripts/build.sh). */
const MODEL_BUILD = {
  // Literal specifiers and URLs, so bundlers see and copy every file.
  glue: async (simd) =>
    simd
      ? (await import('./wasm/logitkit-model-simd.mjs')).default
      : (await import('./wasm/logitkit-model-baseline.mjs')).default,
  defaultWasmUrl: (simd) =>
    simd
      ? new URL('./wasm/logitkit-model-simd.wasm', import.meta.url)
      : new URL('./wasm/logitkit-model-baseline.wasm', import.meta.url),
};

/**
 * Instantiates the model module (run `bash scripts/build.sh` first: it builds examples/model/wasm/)
 * with logitkit's own loader, so its options and errors are `load()`'s: the .wasm is fetched from
 * beside this file in browsers and bundlers and read from disk in Node; `simd` picks the build
 * (default: SIMD when the engine validates it); `wasmUrl` / `wasmBinary` override the source.
 * @param {import('logitkit').LoadOptions} [options]
 * @returns {Promise<ModelRuntime>}
 */
export async function loadModelRuntime(options = {}) {
  const { module, simd } = await instantiateBuild(MODEL_BUILD, options, 'loadModelRuntime');
  return new ModelRuntime(module, simd);
}
