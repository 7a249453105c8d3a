import { LogitkitGrammarError, LogitkitStateError } from '../errors.js';
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

  /** Throws the typed error of the last failed module call. */
  fail(fn: string): never {
    const m = this.module;
    const code = m._lastErrorCode() || 'invalid-grammar';
    const position = m._lastErrorPosition();
    const pointer = m._lastErrorPointer();
    const message = m._lastError();
    // The front ends already name the pointer and position in their messages.
    const where = position >= 0 && pointer === '' ? ` (at ${position})` : '';
    const at = pointer !== '' && !message.includes(pointer) ? ` at ${pointer}` : '';
    throw new LogitkitGrammarError(
      `${fn}: ${message}${where}${at}`,
      code,
      position >= 0 ? position : undefined,
      pointer !== '' ? pointer : undefined,
    );
  }
}

/** Loads the grammar module (logitkit-grammar-*.wasm) beside this file, or as the options say. */
export async function loadGrammarEngine(options: GrammarLoadOptions): Promise<GrammarEngine> {
  const factory: GrammarModuleFactory = options.simd
    ? (await import('../wasm/logitkit-grammar-simd.mjs')).default
    : (await import('../wasm/logitkit-grammar-baseline.mjs')).default;
  const defaultUrl = options.simd
    ? new URL('../wasm/logitkit-grammar-simd.wasm', import.meta.url)
    : new URL('../wasm/logitkit-grammar-baseline.wasm', import.meta.url);
  const url =
    options.grammarWasmUrl === undefined
      ? defaultUrl
      : new URL(String(options.grammarWasmUrl), defaultUrl);
  let wasmBinary = options.grammarWasmBinary;
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (
    wasmBinary === undefined &&
    url.protocol === 'file:' &&
    typeof p?.versions?.node === 'string'
  ) {
    const specifier = 'node:fs/promises';
    const fs = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as {
      readFile(path: URL): Promise<Uint8Array>;
    };
    wasmBinary = await fs.readFile(url);
  }
  try {
    const quiet = { print: () => {}, printErr: () => {} };
    const module = await factory(
      wasmBinary !== undefined
        ? { ...quiet, wasmBinary }
        : { ...quiet, locateFile: () => url.href },
    );
    return new GrammarEngine(module);
  } catch (cause) {
    throw new LogitkitStateError(
      `cannot instantiate the grammar WebAssembly module from ${url.href}: ${String(cause)}. ` +
        'Check that this URL serves the .wasm file itself, or pass load({ grammarWasmUrl | grammarWasmBinary }).',
      { cause },
    );
  }
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
