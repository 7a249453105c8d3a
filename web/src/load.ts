import { LogitkitStateError, LogitkitTypeError } from './errors.js';
import { Logitkit } from './logitkit.js';
import type { ModuleFactory } from './raw-module.js';

/** Options of `load()`. All are optional: `await load()` picks the build and finds the .wasm itself. */
export interface LoadOptions {
  /** Force the SIMD build (true) or the baseline build (false). Default: SIMD when the engine validates it. */
  simd?: boolean;
  /** Where to fetch the .wasm from (for CDNs or custom asset pipelines). Default: beside this module. */
  wasmUrl?: string | URL;
  /** The .wasm bytes themselves; skips any fetch. Must match the chosen build (see `simd`). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /** Where to fetch the grammar engine's .wasm (loaded on first grammar use). Default: beside this module. */
  grammarWasmUrl?: string | URL;
  /** The grammar engine's .wasm bytes (matching the chosen build). */
  grammarWasmBinary?: ArrayBuffer | Uint8Array;
}

// A module using i32x4.splat and f64x2.promote_low_f32x4 (an op from the final SIMD128 spec): engines
// that validate it run the SIMD build. Safari < 16.4 cannot even compile a module containing SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 17,
  253, 95, 11,
]);

/** Whether this engine runs WebAssembly SIMD128. */
export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

async function readFileBytes(url: URL): Promise<Uint8Array> {
  // A variable specifier keeps bundlers from trying to resolve a Node built-in for the browser.
  const specifier = 'node:fs/promises';
  const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as {
    readFile(path: URL): Promise<Uint8Array>;
  };
  return fs.readFile(url);
}

/**
 * Loads the kernels. In browsers and bundlers the .wasm is fetched from beside this module (found
 * through `new URL(..., import.meta.url)`); in Node it is read from disk. Each call instantiates a
 * separate module with its own memory (one per worker, for example).
 */
export async function load(options: LoadOptions = {}): Promise<Logitkit> {
  if (typeof options !== 'object' || options === null) {
    throw new LogitkitTypeError('load: options must be an object', 'options');
  }
  const simd = options.simd ?? simdSupported();
  if (typeof simd !== 'boolean')
    throw new LogitkitTypeError('load: options.simd must be a boolean', 'options.simd');
  // Literal URLs, so bundlers (Vite, webpack 5, esbuild) see and copy both files.
  const factory: ModuleFactory = simd
    ? (await import('./wasm/logitkit-simd.mjs')).default
    : (await import('./wasm/logitkit-baseline.mjs')).default;
  const defaultUrl = simd
    ? new URL('./wasm/logitkit-simd.wasm', import.meta.url)
    : new URL('./wasm/logitkit-baseline.wasm', import.meta.url);
  const url =
    options.wasmUrl === undefined ? defaultUrl : new URL(String(options.wasmUrl), defaultUrl);

  let wasmBinary = options.wasmBinary;
  if (wasmBinary === undefined && url.protocol === 'file:' && isNode())
    wasmBinary = await readFileBytes(url);
  let module;
  try {
    // The kernels never print; Emscripten's own abort chatter is replaced by the error below.
    const quiet = { print: () => {}, printErr: () => {} };
    module = await factory(
      wasmBinary !== undefined
        ? { ...quiet, wasmBinary }
        : { ...quiet, locateFile: () => url.href },
    );
  } catch (cause) {
    // The usual cause: a server or bundler answered the .wasm URL with an HTML page
    // ("expected magic word 00 61 73 6d, found 3c 21 64 6f").
    const source = options.wasmBinary !== undefined ? 'options.wasmBinary' : url.href;
    throw new LogitkitStateError(
      `load: cannot instantiate the ${simd ? 'SIMD' : 'baseline'} WebAssembly module from ${source}: ${String(cause)}. ` +
        'Check that this URL serves the .wasm file itself (Content-Type application/wasm), or pass options.wasmUrl / options.wasmBinary.',
      { cause },
    );
  }
  const grammar: { grammarWasmUrl?: string | URL; grammarWasmBinary?: ArrayBuffer | Uint8Array } =
    {};
  if (options.grammarWasmUrl !== undefined) grammar.grammarWasmUrl = options.grammarWasmUrl;
  if (options.grammarWasmBinary !== undefined)
    grammar.grammarWasmBinary = options.grammarWasmBinary;
  return new Logitkit(module, simd, grammar);
}
