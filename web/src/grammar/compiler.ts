import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { GrammarObject, type GrammarEngine } from './engine.js';
import type { TokenizerInfo } from './tokenizer-info.js';

/** Budgets of a `GrammarCompiler`: compilation fails with a LogitkitGrammarError past them. */
export interface GrammarCompilerOptions {
  /** Wall-clock limit of one compilation, in ms. Default 10000. */
  timeoutMs?: number;
  /**
   * Automaton states a grammar may use: NFA states at compilation, and DFA states as masks build
   * them lazily (past it, the matcher call fails with code 'too-many-states'). Default 2,000,000.
   */
  maxStates?: number;
}

/**
 * JSON whitespace between tokens: 'flexible' (default; runs of up to 32 whitespace characters, room
 * for pretty-printing while a model looping on whitespace is stopped), 'compact' (none), or
 * `{ maxRun }` (runs of at most maxRun).
 */
export type JsonWhitespace = 'flexible' | 'compact' | { maxRun: number };

/** Options of `compileJSONSchema`. */
export interface JsonSchemaOptions {
  /** Whitespace allowed between tokens of the JSON text (see `JsonWhitespace`). */
  whitespace?: JsonWhitespace;
  /**
   * true (default): a validation keyword the engine cannot enforce is a LogitkitGrammarError
   * naming it and its JSON pointer. false: it is ignored and listed in `compiled.warnings`.
   */
  strict?: boolean;
}

/** A note about a compiled schema: a keyword that was ignored, and why. */
export interface GrammarWarning {
  /** 'annotation', 'vendor-extension', 'unknown-format', 'ignored-validation' or 'no-effect'. */
  kind: string;
  /** The keyword, as the schema spells it. */
  keyword: string;
  /** JSON pointer of the schema object holding the keyword. */
  pointer: string;
  /** What was ignored and why, in words. */
  message: string;
}

/** A grammar compiled for one vocabulary; create matchers from it. Dispose it when done. */
export class CompiledGrammar extends GrammarObject {
  /** Keywords the JSON Schema front end ignored (empty for GBNF). */
  readonly warnings: readonly GrammarWarning[];
  /** The vocabulary size of its TokenizerInfo (the mask covers this many ids). */
  readonly vocabSize: number;

  /** @internal */
  constructor(engine: GrammarEngine, handle: number, vocabSize: number) {
    super(engine, handle, 'CompiledGrammar', (h) => engine.module._compiledFree(h));
    this.vocabSize = vocabSize;
    const warnings: GrammarWarning[] = [];
    for (let i = 0; i < engine.module._compiledWarningCount(handle); ++i) {
      const [kind = '', keyword = '', pointer = '', message = ''] = engine.module
        ._compiledWarning(handle, i)
        .split('\t');
      warnings.push({ kind, keyword, pointer, message });
    }
    this.warnings = Object.freeze(warnings);
  }

  /** Bytes of WebAssembly memory its automata and mask caches hold now (they grow lazily). */
  get memoryBytes(): number {
    return this.engine.module._compiledMemory(this.handle('memoryBytes'));
  }
}

/**
 * A schema's JSON text: a string as it is, a value through JSON.stringify. A value JSON cannot
 * hold (a cycle, a BigInt, a function or undefined at the top) is a TypeError naming `schema`, and
 * so is one JSON.stringify would silently turn into `null` (NaN, ±Infinity, and undefined, a
 * function or a symbol as an array element: `{ enum: [NaN] }` must not become `{ enum: [null] }`,
 * whose grammar allows `null`), named by its JSON pointer. Members whose value is undefined are left
 * out, as JSON.stringify leaves them out (an absent keyword).
 */
function schemaText(schema: unknown, fn: string): string {
  if (typeof schema === 'string') return schema;
  const pointers = new WeakMap<object, string>();
  const check = function (this: unknown, key: string, value: unknown): unknown {
    const holder = pointers.get(this as object);
    const pointer = holder === undefined ? '' : `${holder}/${escapeKey(key)}`;
    const nulled =
      typeof value === 'number'
        ? !Number.isFinite(value) && String(value)
        : Array.isArray(this) &&
          (value === undefined || typeof value === 'function' || typeof value === 'symbol') &&
          (typeof value === 'function' ? 'a function' : String(value));
    if (nulled)
      throw new LogitkitTypeError(
        `${fn}: schema must be JSON: ${nulled} at '${pointer}' has no JSON form ` +
          '(JSON.stringify would write null)',
        'schema',
      );
    if (typeof value === 'object' && value !== null) pointers.set(value, pointer);
    return value;
  };
  let text: unknown;
  try {
    text = JSON.stringify(schema, check);
  } catch (error) {
    if (error instanceof LogitkitTypeError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new LogitkitTypeError(`${fn}: schema must be JSON: ${reason}`, 'schema');
  }
  if (typeof text !== 'string')
    throw new LogitkitTypeError(`${fn}: schema must be JSON, got ${typeof schema}`, 'schema');
  return text;
}

/** A member name as a JSON pointer token (RFC 6901: ~ as ~0, / as ~1). */
function escapeKey(key: string): string {
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

function maxRunOf(ws: JsonWhitespace | undefined, fn: string): number {
  if (ws === undefined || ws === 'flexible') return 32;
  if (ws === 'compact') return 0;
  if (
    typeof ws === 'object' &&
    ws !== null &&
    Number.isInteger(ws.maxRun) &&
    ws.maxRun >= 0 &&
    ws.maxRun <= 1000
  )
    return ws.maxRun;
  throw new LogitkitRangeError(
    `${fn}: options.whitespace must be 'flexible', 'compact' or { maxRun: 0..1000 }`,
    'options.whitespace',
  );
}

/**
 * Compiles grammars for one vocabulary. Every compile method returns a Promise (the engine's module
 * is loaded on first use) of a CompiledGrammar, or rejects with a LogitkitGrammarError.
 */
export class GrammarCompiler {
  private readonly timeoutMs: number;
  private readonly maxStates: number;

  /** @internal Use `lk.createGrammarCompiler(info, options)`. */
  constructor(
    private readonly engine: GrammarEngine,
    /** The vocabulary this compiler compiles for. */
    readonly tokenizerInfo: TokenizerInfo,
    options: GrammarCompilerOptions | undefined,
  ) {
    const fn = 'createGrammarCompiler';
    if (options !== undefined && (typeof options !== 'object' || options === null))
      throw new LogitkitTypeError(`${fn}: options must be an object`, 'options');
    checkOptionKeys(options, fn, ['timeoutMs', 'maxStates']);
    const t = options?.timeoutMs ?? 10000;
    const s = options?.maxStates ?? 2000000;
    if (typeof t !== 'number' || !(t > 0))
      throw new LogitkitRangeError(
        `${fn}: options.timeoutMs must be a number > 0`,
        'options.timeoutMs',
      );
    if (!Number.isInteger(s) || s < 16 || s > 0x7fffffff)
      throw new LogitkitRangeError(
        `${fn}: options.maxStates must be an integer in [16, 2^31)`,
        'options.maxStates',
      );
    this.timeoutMs = t;
    this.maxStates = s;
  }

  private finish(handle: number, fn: string): CompiledGrammar {
    if (handle === 0) this.engine.fail(fn);
    return new CompiledGrammar(this.engine, handle, this.tokenizerInfo.vocabSize);
  }

  /** A grammar in llama.cpp's GBNF syntax; `root` names the start rule (default 'root'). */
  async compileGrammar(gbnf: string, options?: { root?: string }): Promise<CompiledGrammar> {
    const fn = 'compileGrammar';
    if (typeof gbnf !== 'string')
      throw new LogitkitTypeError(`${fn}: gbnf must be a string`, 'gbnf');
    checkOptionKeys(options, fn, ['root']);
    const root = options?.root ?? 'root';
    if (typeof root !== 'string')
      throw new LogitkitTypeError(`${fn}: options.root must be a string`, 'options.root');
    const vocab = this.tokenizerInfo.handle(fn);
    return this.finish(
      this.engine.module._compileGbnf(vocab, gbnf, root, this.timeoutMs, this.maxStates),
      fn,
    );
  }

  /** A JSON Schema (object or JSON text): the grammar of its instances. */
  async compileJSONSchema(schema: unknown, options?: JsonSchemaOptions): Promise<CompiledGrammar> {
    const fn = 'compileJSONSchema';
    const text = schemaText(schema, fn);
    checkOptionKeys(options, fn, ['whitespace', 'strict']);
    const strict = options?.strict ?? true;
    if (typeof strict !== 'boolean')
      throw new LogitkitTypeError(`${fn}: options.strict must be a boolean`, 'options.strict');
    const vocab = this.tokenizerInfo.handle(fn);
    return this.finish(
      this.engine.module._compileJsonSchema(
        vocab,
        text,
        maxRunOf(options?.whitespace, fn),
        strict,
        this.timeoutMs,
        this.maxStates,
      ),
      fn,
    );
  }

  /** Any JSON value (OpenAI's json_object mode). */
  async compileBuiltinJSONGrammar(options?: {
    whitespace?: JsonWhitespace;
  }): Promise<CompiledGrammar> {
    const fn = 'compileBuiltinJSONGrammar';
    checkOptionKeys(options, fn, ['whitespace']);
    const vocab = this.tokenizerInfo.handle(fn);
    return this.finish(
      this.engine.module._compileBuiltinJson(
        vocab,
        maxRunOf(options?.whitespace, fn),
        this.timeoutMs,
        this.maxStates,
      ),
      fn,
    );
  }

  /** An ECMAScript regular expression (no backreferences or lookaround): strings matching ^(?:pattern)$. */
  async compileRegex(pattern: string): Promise<CompiledGrammar> {
    const fn = 'compileRegex';
    if (typeof pattern !== 'string')
      throw new LogitkitTypeError(`${fn}: pattern must be a string`, 'pattern');
    const vocab = this.tokenizerInfo.handle(fn);
    return this.finish(
      this.engine.module._compileRegex(vocab, pattern, this.timeoutMs, this.maxStates),
      fn,
    );
  }
}
