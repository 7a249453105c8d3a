import { LogitkitGrammarError, LogitkitStateError } from '../errors.js';
import { instantiateBuild, type LoadOptions, type WasmBuild } from '../wasm-build.js';
import type { GrammarModuleFactory, RawGrammarModule } from './raw.js';

/** Where the grammar module comes from (the `grammar*` options of `load()`). */
export interface GrammarLoadOptions {
  simd: boolean;
  /** Where to fetch logitkit-grammar-{simd,baseline}.wasm from. Default: beside this module. */
  grammarWasmUrl?: string | URL;
  /** The grammar .wasm bytes themselves (matching `simd`); skips any fetch. */
  grammarWasmBinary?: ArrayBuffer | Uint8Array;
}

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<string>((what) => {
        console.warn(
          `logitkit: a ${what} was garbage-collected without dispose(); its WebAssembly memory leaked until then.`,
        );
      })
    : undefined;

/** One instance of the grammar module, shared by every grammar object of one `load()`. */
export class GrammarEngine {
  constructor(readonly module: RawGrammarModule) {}

  get heap(): Uint8Array {
    return this.module.HEAPU8;
  }

  alloc(bytes: number, fn: string): number {
    const p = this.module._malloc(Math.max(bytes, 8));
    if (p === 0) throw new LogitkitStateError(`${fn}: WebAssembly memory is exhausted`);
    return p;
  }

  /** Copies bytes into fresh wasm memory; the caller frees the address. */
  place(bytes: Uint8Array, fn: string): number {
    const p = this.alloc(bytes.length, fn);
    this.module.HEAPU8.set(bytes, p);
    return p;
  }

  /**
   * Writes `text` as UTF-8 straight into fresh wasm memory (no intermediate copy: a 9 MB
   * tokenizer.json encoded by `TextEncoder.encode` and then copied cost 2-7x the direct write).
   * Returns the address (the caller frees it) and the byte length. The first guess of the size is
   * the text's length plus an eighth; if the text needs more, the buffer grows once to the exact
   * worst case of the rest (3 bytes per UTF-16 unit).
   */
  placeText(text: string, fn: string): { ptr: number; length: number } {
    const encoder = new TextEncoder();
    let capacity = text.length + (text.length >> 3) + 16;
    let p = this.alloc(capacity, fn);
    let { read, written } = encoder.encodeInto(text, this.module.HEAPU8.subarray(p, p + capacity));
    if (read < text.length) {
      const grown = written + 3 * (text.length - read);
      let q: number;
      try {
        q = this.alloc(grown, fn);
      } catch (e) {
        this.module._free(p);
        throw e;
      }
      const heap = this.module.HEAPU8;
      heap.copyWithin(q, p, p + written);
      this.module._free(p);
      p = q;
      capacity = grown;
      const rest = encoder.encodeInto(
        text.slice(read),
        this.module.HEAPU8.subarray(p + written, p + capacity),
      );
      written += rest.written;
      read += rest.read;
    }
    return { ptr: p, length: written };
  }

  /** Throws the typed error of the last failed module call (its message names any position). */
  fail(fn: string): never {
    const m = this.module;
    const code = m._lastErrorCode() || 'invalid-grammar';
    const position = m._lastErrorPosition();
    const pointer = m._lastErrorPointer();
    const message = m._lastError();
    const at = pointer !== '' && !message.includes(pointer) ? ` at ${pointer}` : '';
    throw new LogitkitGrammarError(
      `${fn}: ${message}${at}`,
      code,
      position >= 0 ? position : undefined,
      pointer !== '' ? pointer : undefined,
    );
  }
}

/** The grammar module's build: the glue and .wasm of both flavours, beside the kernels in dist/wasm/. */
const GRAMMAR_BUILD: WasmBuild<RawGrammarModule> = {
  // Literal specifiers and URLs, so bundlers see and copy every file.
  glue: async (simd) =>
    (simd
      ? (await import('../wasm/logitkit-grammar-simd.mjs')).default
      : (await import('../wasm/logitkit-grammar-baseline.mjs')).default) as GrammarModuleFactory,
  defaultWasmUrl: (simd) =>
    simd
      ? new URL('../wasm/logitkit-grammar-simd.wasm', import.meta.url)
      : new URL('../wasm/logitkit-grammar-baseline.wasm', import.meta.url),
};

/**
 * Loads the grammar module (logitkit-grammar-*.wasm) beside this file, or as the options say, with
 * `load()`'s rules (instantiateBuild); `caller` names the public function in errors.
 */
export async function loadGrammarEngine(
  options: GrammarLoadOptions,
  caller = 'load grammar engine',
): Promise<GrammarEngine> {
  const build: LoadOptions = { simd: options.simd };
  if (options.grammarWasmUrl !== undefined) build.wasmUrl = options.grammarWasmUrl;
  if (options.grammarWasmBinary !== undefined) build.wasmBinary = options.grammarWasmBinary;
  const { module } = await instantiateBuild(GRAMMAR_BUILD, build, caller);
  return new GrammarEngine(module);
}

/** A wasm object owned by a JS wrapper: freed by dispose(), warned about when collected undisposed. */
export abstract class GrammarObject {
  private handleValue: number;

  protected constructor(
    readonly engine: GrammarEngine,
    handle: number,
    private readonly what: string,
    private readonly free: (handle: number) => void,
  ) {
    this.handleValue = handle;
    registry?.register(this, what, this);
  }

  /** @internal The wasm handle; throws after dispose(). */
  handle(method: string): number {
    if (this.handleValue === 0)
      throw new LogitkitStateError(`${this.what}.${method}: used after dispose()`);
    return this.handleValue;
  }

  /** Whether dispose() has been called. */
  get disposed(): boolean {
    return this.handleValue === 0;
  }

  /** Frees the WebAssembly memory. Safe to call more than once. */
  dispose(): void {
    if (this.handleValue === 0) return;
    this.free(this.handleValue);
    this.handleValue = 0;
    registry?.unregister(this);
  }

  /** Same as dispose(), for `using`. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
