import { Logitkit } from './logitkit.js';
import type { RawModule } from './raw-module.js';
import {
  instantiateBuild,
  type LoadOptions as BuildLoadOptions,
  type WasmBuild,
} from './wasm-build.js';

export { simdSupported } from './wasm-build.js';

/**
 * Options of `load()`. All are optional: `await load()` picks the build and finds the .wasm files
 * itself. The kernels' options are `instantiateBuild()`'s; the grammar engine's module is loaded on
 * first grammar use, from `grammarWasmUrl` / `grammarWasmBinary` when given.
 */
export interface LoadOptions extends BuildLoadOptions {
  /** Where to fetch the grammar engine's .wasm (loaded on first grammar use). Default: beside this module. */
  grammarWasmUrl?: string | URL;
  /** The grammar engine's .wasm bytes (matching the chosen build). */
  grammarWasmBinary?: ArrayBuffer | Uint8Array;
}

/** The package's kernels: the glue and .wasm of both flavours, beside this module in dist/wasm/. */
const KERNELS: WasmBuild<RawModule> = {
  // Literal specifiers and URLs, so bundlers (Vite, webpack 5) see and copy every file.
  glue: async (simd) =>
    simd
      ? (await import('./wasm/logitkit-simd.mjs')).default
      : (await import('./wasm/logitkit-baseline.mjs')).default,
  defaultWasmUrl: (simd) =>
    simd
      ? new URL('./wasm/logitkit-simd.wasm', import.meta.url)
      : new URL('./wasm/logitkit-baseline.wasm', import.meta.url),
};

/**
 * Loads the kernels. In browsers and bundlers the .wasm is fetched from beside this module (found
 * through `new URL(..., import.meta.url)`); in Node it is read from disk. `options.wasmUrl` or
 * `options.wasmBinary` override that, in any bundle format (ESM, iife, CommonJS). Each call
 * instantiates a separate module with its own memory (one per worker, for example).
 * @throws LogitkitTypeError for a malformed option; LogitkitStateError when the .wasm cannot be
 *   found, fetched or instantiated, with what to do in the message.
 */
export async function load(options: LoadOptions = {}): Promise<Logitkit> {
  const { module, simd } = await instantiateBuild(KERNELS, options, 'load');
  const grammar: { grammarWasmUrl?: string | URL; grammarWasmBinary?: ArrayBuffer | Uint8Array } =
    {};
  if (options.grammarWasmUrl !== undefined) grammar.grammarWasmUrl = options.grammarWasmUrl;
  if (options.grammarWasmBinary !== undefined)
    grammar.grammarWasmBinary = options.grammarWasmBinary;
  return new Logitkit(module, simd, grammar);
}
