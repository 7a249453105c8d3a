// A module worker with its own logitkit instance (each load() has its own wasm memory).
// Message in: the options of generate(). Message out: { request, tokens, simd, ms } or
// { request, error }, where `request` echoes the message it answers.
import { load } from 'logitkit';
import { generate } from './generate.js';

const loaded = load();
loaded.catch(() => {}); // reported per request below, not as an unhandled rejection

self.onmessage = async ({ data }) => {
  try {
    const lk = await loaded;
    const start = performance.now();
    const tokens = generate(lk, data);
    self.postMessage({ request: data, tokens, simd: lk.simd, ms: performance.now() - start });
  } catch (error) {
    self.postMessage({ request: data, error: `${error.name}: ${error.message}` });
  }
};
