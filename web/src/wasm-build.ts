import { LogitkitStateError, LogitkitTypeError } from './errors.js';

// Instantiating an Emscripten build of logitkit's bindings: one loader for the package's own
// kernels (`load()`) and for builds that link the same bindings with more code (the in-page model
// of `examples/model` does). It owns every rule of `load()`'s options:
//
// - nothing touches `import.meta.url` before the options are read, so `wasmUrl` and `wasmBinary`
//   work in any bundle format (ESM, iife, CommonJS), where bundlers leave `import.meta` empty;
// - a relative `wasmUrl` resolves as a browser resolves it: against `document.baseURI` in a page,
//   `location.href` in a worker, and the current directory in Node;
// - the module is instantiated here (Emscripten's `instantiateWasm` hook), so the glue never builds
//   a URL or fetches anything itself (3.1.6 is tested; 4.x calls the same hook, per its preamble);
// - every failure to find, fetch or instantiate the .wasm is a LogitkitStateError that says what to
//   do; a malformed option is a LogitkitTypeError naming it.

/** Options of `load()` (and of `instantiateBuild()`). All are optional: `await load()` picks the build and finds the .wasm itself. */
export interface LoadOptions {
  /** Force the SIMD build (true) or the baseline build (false). Default: SIMD when the engine validates it. */
  simd?: boolean;
  /**
   * Where to fetch the .wasm from (a CDN, or the URL your bundler gave the file). A relative URL
   * resolves against the page (`document.baseURI`), as a browser resolves any URL; in a worker
   * against its `location`, in Node against the current directory. Must match the chosen build
   * (see `simd`). Default: beside the module, through `new URL(..., import.meta.url)`.
   */
  wasmUrl?: string | URL;
  /** The .wasm bytes themselves; skips any fetch. Must match the chosen build (see `simd`). */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

/**
 * A WebAssembly build of logitkit's bindings in two flavours (SIMD128 and baseline), as
 * `instantiateBuild()` takes it. Both functions are called only for the flavour chosen, and
 * `defaultWasmUrl` only when the caller passed neither `wasmUrl` nor `wasmBinary`: build it with
 * `new URL()` from a string literal and `import.meta.url`, which bundlers recognise and copy.
 */
export interface WasmBuild<Module> {
  /** Imports the Emscripten glue (`-sMODULARIZE -sEXPORT_ES6`) of one flavour. */
  glue(simd: boolean): Promise<EmscriptenFactory<Module>>;
  /** The default location of one flavour's .wasm. May throw where `import.meta.url` is empty. */
  defaultWasmUrl(simd: boolean): URL;
}

/**
 * The default export of an Emscripten glue module built with `-sMODULARIZE=1 -sEXPORT_ES6=1` and
 * `-sINCOMING_MODULE_JS_API` listing at least locateFile, instantiateWasm, print and printErr.
 */
export type EmscriptenFactory<Module> = (moduleArg: EmscriptenModuleArg) => Promise<Module>;

/** What `instantiateBuild()` passes to an Emscripten factory. */
export interface EmscriptenModuleArg {
  /** Replaces the glue's own stdout line printer. */
  print(line: string): void;
  /** Replaces the glue's own stderr line printer. */
  printErr(line: string): void;
  /** Answers the glue's file lookup without building a URL. */
  locateFile(path: string): string;
  /**
   * Instantiates the module for the glue, which then never fetches: `imports` are the glue's
   * WebAssembly imports, `receiveInstance(instance, module)` takes the WebAssembly.Instance and
   * WebAssembly.Module. (Typed as `object` so the declarations need no DOM or WebAssembly lib.)
   */
  instantiateWasm(
    imports: object,
    receiveInstance: (instance: object, module: object) => void,
  ): object;
}

// A module using i32x4.splat and f64x2.promote_low_f32x4 (an op from the final SIMD128 spec): engines
// that validate it run the SIMD build. Safari < 16.4 cannot even compile a module containing SIMD.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 17,
  253, 95, 11,
]);

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Whether this engine runs WebAssembly SIMD128. */
export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

const RECIPE =
  'See the README, "Install": copy logitkit/dist/wasm/ beside your bundle, or import the .wasm files ' +
  'with your bundler (e.g. esbuild --loader:.wasm=file) and pass load({ simd, wasmUrl }), or pass ' +
  'load({ wasmBinary }) with the bytes.';

/**
 * For custom Emscripten builds that link logitkit's bindings with more code (as the in-page model
 * of `examples/model` does): instantiates one flavour of `build` with `load()`'s rules for
 * `options` (see `LoadOptions`) and returns the Emscripten module with the flavour that runs, for
 * a `Logitkit` over it. `caller` names the public function in errors. `load()` is this with the
 * package's own kernels.
 * @throws LogitkitTypeError for a malformed option, LogitkitStateError when the .wasm cannot be
 *   found, fetched or instantiated (the message says what to do).
 */
export async function instantiateBuild<Module>(
  build: WasmBuild<Module>,
  options: LoadOptions,
  caller: string,
): Promise<{ module: Module; simd: boolean }> {
  if (typeof options !== 'object' || options === null)
    throw new LogitkitTypeError(`${caller}: options must be an object`, 'options');
  const simd = options.simd ?? simdSupported();
  if (typeof simd !== 'boolean')
    throw new LogitkitTypeError(`${caller}: options.simd must be a boolean`, 'options.simd');
  const flavour = simd ? 'SIMD' : 'baseline';
  const binary = bytesOf(options.wasmBinary, caller);
  const url = binary === undefined ? await locate(build, options.wasmUrl, simd, caller) : undefined;

  const factory = await build.glue(simd);
  const source = binary !== undefined ? 'options.wasmBinary' : String(url);
  let reject: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, fail) => (reject = fail));
  const instantiateWasm: EmscriptenModuleArg['instantiateWasm'] = (imports, receiveInstance) => {
    compile(binary ?? (url as URL), imports)
      .then(({ instance, module }) => receiveInstance(instance, module))
      .catch(reject);
    return {}; // the exports arrive through receiveInstance
  };
  try {
    const module = await Promise.race([
      factory({
        // The kernels never print; Emscripten's own chatter is replaced by the errors below.
        print: () => {},
        printErr: () => {},
        // Emscripten 3.1.6 computes the .wasm's URL on start-up, from import.meta.url unless
        // locateFile is given; the name it returns here is never fetched (instantiateWasm is).
        locateFile: (path) => path,
        instantiateWasm,
      }),
      failed,
    ]);
    return { module, simd };
  } catch (cause) {
    const reason = cause instanceof SourceProblem ? cause.message : String(cause);
    const advice =
      cause instanceof SourceProblem
        ? cause.advice
        : 'Check that it is the .wasm of this version of logitkit and of the chosen build (options.simd).';
    throw new LogitkitStateError(
      `${caller}: cannot instantiate the ${flavour} WebAssembly module from ${source}: ${reason}. ${advice}`,
      { cause: cause instanceof SourceProblem ? cause.cause : cause },
    );
  }
}

/** Why the .wasm could not be had, with what to do about it (joined into one LogitkitStateError). */
class SourceProblem extends Error {
  constructor(
    reason: string,
    readonly advice: string,
    cause?: unknown,
  ) {
    super(reason, { cause });
  }
}

function bytesOf(value: unknown, caller: string): Uint8Array | undefined {
  if (value === undefined) return undefined;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new LogitkitTypeError(
    `${caller}: options.wasmBinary must be an ArrayBuffer or a Uint8Array of the .wasm file's bytes`,
    'options.wasmBinary',
  );
}

/** The absolute URL of the .wasm: options.wasmUrl resolved as a browser would, else the default. */
async function locate<Module>(
  build: WasmBuild<Module>,
  wasmUrl: unknown,
  simd: boolean,
  caller: string,
): Promise<URL> {
  if (wasmUrl === undefined) {
    try {
      return build.defaultWasmUrl(simd);
    } catch (cause) {
      // new URL(..., import.meta.url) throws "Invalid URL" where a bundler left import.meta empty.
      throw new LogitkitStateError(
        `${caller}: cannot find the .wasm file, because this copy of logitkit has no module URL ` +
          '(import.meta.url is empty: it was bundled as an iife or CommonJS script). ' +
          RECIPE,
        { cause },
      );
    }
  }
  if (typeof wasmUrl !== 'string' && !(wasmUrl instanceof URL))
    throw new LogitkitTypeError(
      `${caller}: options.wasmUrl must be a string or a URL`,
      'options.wasmUrl',
    );
  const text = String(wasmUrl);
  const base = await documentBase();
  try {
    return base === undefined ? new URL(text) : new URL(text, base);
  } catch {
    throw new LogitkitTypeError(
      base === undefined
        ? `${caller}: options.wasmUrl "${text}" is relative, and there is no page or directory to resolve it against: pass an absolute URL`
        : `${caller}: options.wasmUrl "${text}" is not a valid URL`,
      'options.wasmUrl',
    );
  }
}

/** What a relative URL means here: the page's base URL, a worker's location, or Node's directory. */
async function documentBase(): Promise<string | undefined> {
  const scope = globalThis as {
    document?: { baseURI?: string };
    location?: { href?: string };
  };
  if (typeof scope.document?.baseURI === 'string') return scope.document.baseURI;
  if (typeof scope.location?.href === 'string') return scope.location.href;
  const node = nodeProcess();
  if (node !== undefined) {
    const url = (await importNode('node:url')) as { pathToFileURL(path: string): URL };
    return url.pathToFileURL(`${node.cwd()}/`).href;
  }
  return undefined;
}

interface NodeProcess {
  versions: { node?: string };
  cwd(): string;
}

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: Partial<NodeProcess> }).process;
  return typeof p?.versions?.node === 'string' ? (p as NodeProcess) : undefined;
}

function isNode(): boolean {
  return nodeProcess() !== undefined;
}

/** A Node built-in, through a variable specifier so bundlers do not try to resolve it for browsers. */
function importNode(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
}

/** Fetches (or reads, for a file: URL in Node) and instantiates the module. */
async function compile(
  source: Uint8Array | URL,
  imports: object,
): Promise<WebAssembly.WebAssemblyInstantiatedSource> {
  const bytes = source instanceof URL ? await download(source) : source;
  if (!WASM_MAGIC.every((byte, i) => bytes[i] === byte)) {
    const head = Array.from(bytes.subarray(0, 16), (b) => String.fromCharCode(b)).join('');
    throw new SourceProblem(
      `it is not a WebAssembly file (it starts with ${JSON.stringify(head)}` +
        `${/^\s*</.test(head) ? ', an HTML page: the server or bundler answered the .wasm URL with a page' : ''})`,
      RECIPE,
    );
  }
  return WebAssembly.instantiate(bytes as Uint8Array<ArrayBuffer>, imports as WebAssembly.Imports);
}

async function download(url: URL): Promise<Uint8Array> {
  if (url.protocol === 'file:' && isNode()) {
    const fs = (await importNode('node:fs/promises')) as {
      readFile(path: URL): Promise<Uint8Array>;
    };
    try {
      return await fs.readFile(url);
    } catch (cause) {
      throw new SourceProblem(
        `cannot read the file (${String(cause)})`,
        'Pass options.wasmUrl (where the .wasm is) or options.wasmBinary (its bytes).',
        cause,
      );
    }
  }
  let response: Response;
  try {
    response = await fetch(url, { credentials: 'same-origin' });
  } catch (cause) {
    throw new SourceProblem(`the fetch failed (${String(cause)})`, RECIPE, cause);
  }
  if (!response.ok)
    throw new SourceProblem(
      `the server answered HTTP ${response.status}, so the .wasm file is not served at that URL`,
      RECIPE,
    );
  return new Uint8Array(await response.arrayBuffer());
}
