// The browser side of `npm run bench:browser`. Exposes to the runner (page.evaluate):
//   window.benchSetup: a promise of { loadMs, tfInfo, userAgent } (logitkit, the floor kernel and
//   tfjs loaded)
//   window.benchRun(n, kind, timing): one configuration's results (see ../suite.mjs), JSON-safe
// Served by bench/browser-bench.mjs with /dist/ (the built package), /bench/ and tfjs's dist
// folders mounted. The timing and inputs are the same modules the Node benchmark uses.
import { load } from '/dist/index.js';
import createLogitkitModule from '/dist/wasm/logitkit-simd.mjs';
import { makeLogits } from '../inputs.mjs';
import {
  floorImplementation,
  jsImplementation,
  logitkitImplementation,
  tfjsImplementation,
  timeLoads,
  unavailable,
} from '../implementations.mjs';
import { measureConfig } from '../suite.mjs';

const log = (text) => {
  document.getElementById('log').textContent += `${text}\n`;
};

/** tfjs with the wasm backend, its .wasm files served from /tfjs-backend-wasm/. */
async function setUpTfjs() {
  const tf = globalThis.tf;
  if (!tf?.wasm?.setWasmPaths)
    return unavailable('tf', 'tfjs-wasm', 'the tfjs UMD bundles did not load');
  try {
    tf.wasm.setWasmPaths('/tfjs-backend-wasm/');
    if (!(await tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    const impl = tfjsImplementation(tf);
    impl.info = `@tensorflow/tfjs-backend-wasm ${tf.wasm.version_wasm ?? '?'} with tfjs-core ${tf.version_core ?? '?'} (${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threads' : 'single thread'})`;
    return impl;
  } catch (error) {
    return unavailable(
      'tf',
      'tfjs-wasm',
      `tfjs-backend-wasm did not start: ${error?.message ?? error}`,
    );
  }
}

/** The floor kernel on its own instance of logitkit's SIMD module. */
async function setUpFloor() {
  try {
    const module = await createLogitkitModule({
      locateFile: () => '/dist/wasm/logitkit-simd.wasm',
      print() {},
      printErr() {},
    });
    return floorImplementation(module);
  } catch (error) {
    return unavailable(
      'floor',
      'floor kernel',
      `the floor kernel did not load: ${error?.message ?? error}`,
    );
  }
}

async function setUp() {
  const { simd, baseline, loadMs } = await timeLoads(load);
  const tf = await setUpTfjs();
  const implementations = [
    await setUpFloor(),
    logitkitImplementation(simd, 'simd', 'logitkit SIMD'),
    logitkitImplementation(baseline, 'baseline', 'logitkit baseline'),
    jsImplementation(),
    tf,
  ];
  window.benchRun = (n, kind, timing) => {
    log(`${kind} V=${n}`);
    return measureConfig({
      z: makeLogits(n, kind),
      kind,
      implementations,
      timing,
      onProgress: log,
    });
  };
  log('ready');
  return {
    loadMs,
    tfInfo: tf.info ?? null,
    tfError: tf.unavailable ?? null,
    simdBuild: simd.simd,
    userAgent: navigator.userAgent,
  };
}

window.benchSetup = setUp();
