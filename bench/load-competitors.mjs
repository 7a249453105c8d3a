// Loads the floor kernel and the competitor libraries in Node and wraps them as implementations. Each loader resolves
// to an implementation, or to unavailable(...) with the reason, so a missing or broken library
// prints "n/a" instead of stopping the benchmark. Node only.
import { readFileSync } from 'node:fs';
import {
  floorImplementation,
  tfjsImplementation,
  transformersImplementation,
  unavailable,
} from './implementations.mjs';

/** The installed version of a package (read from node_modules: not every package exports package.json). */
function versionOf(name) {
  try {
    return JSON.parse(
      readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8'),
    ).version;
  } catch {
    return '?';
  }
}

const reason = (error) => String(error?.message ?? error).split('\n')[0];

/** @tensorflow/tfjs-core + tfjs-backend-wasm, after tf.setBackend('wasm'); `info` names the binary used. */
export async function loadTfjs() {
  try {
    const tf = await import('@tensorflow/tfjs-core');
    await import('@tensorflow/tfjs-backend-wasm');
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const impl = tfjsImplementation(tf);
    impl.info = `@tensorflow/tfjs-backend-wasm ${versionOf('@tensorflow/tfjs-backend-wasm')} (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threads' : 'single thread'})`;
    return impl;
  } catch (error) {
    return unavailable(
      'tf',
      'tfjs-wasm',
      `@tensorflow/tfjs-backend-wasm did not load: ${reason(error)}`,
    );
  }
}

/** @huggingface/transformers' pure-JS softmax/log_softmax (its onnxruntime-node addon is not needed). */
export async function loadTransformers() {
  try {
    const hf = await import('@huggingface/transformers');
    if (typeof hf.softmax !== 'function' || typeof hf.log_softmax !== 'function') {
      throw new Error('softmax/log_softmax are not exported');
    }
    const impl = transformersImplementation(hf);
    impl.info = `@huggingface/transformers ${versionOf('@huggingface/transformers')} (pure-JS utils/maths)`;
    return impl;
  } catch (error) {
    return unavailable(
      'hf',
      'transformers',
      `@huggingface/transformers did not load: ${reason(error)}`,
    );
  }
}

/** The floor kernel on its own instance of logitkit's SIMD module (dist/wasm). */
export async function loadFloor() {
  try {
    const { default: factory } = await import('../dist/wasm/logitkit-simd.mjs');
    const wasmBinary = readFileSync(new URL('../dist/wasm/logitkit-simd.wasm', import.meta.url));
    return floorImplementation(await factory({ wasmBinary, print() {}, printErr() {} }));
  } catch (error) {
    return unavailable('floor', 'floor kernel', `the floor kernel did not load: ${reason(error)}`);
  }
}
