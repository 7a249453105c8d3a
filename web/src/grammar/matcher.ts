import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import type { CompiledGrammar } from './compiler.js';
import { GrammarObject, type GrammarEngine } from './engine.js';

/** Options of `createGrammarMatcher`. */
export interface GrammarMatcherOptions {
  /**
   * true: the matcher counts as terminated as soon as the grammar can end (no stop token needed),
   * as xgrammar's option of the same name. Default false: it terminates on an accepted stop token.
   */
  terminateWithoutStopToken?: boolean;
}

/**
 * The state of one generation under a grammar. The per-token calls (`fillNextTokenBitmask`,
 * `acceptToken`, `rollback`) are synchronous and copy no logits. Dispose it when done.
 */
export class GrammarMatcher extends GrammarObject {
  /** The mask's length in 32-bit words: ceil(vocabSize / 32). */
  readonly bitmaskWords: number;
  private readonly maskAddress: number;

  /** @internal Use `lk.createGrammarMatcher(compiled, options)` or `matcher.fork()`. */
  constructor(
    engine: GrammarEngine,
    handle: number,
    /** The grammar this matcher follows. */
    readonly compiled: CompiledGrammar,
  ) {
    const words = Math.ceil(compiled.vocabSize / 32);
    const maskAddress = engine.alloc(words * 4, 'createGrammarMatcher');
    super(engine, handle, 'GrammarMatcher', (h) => {
      engine.module._matcherFree(h);
      engine.module._free(maskAddress);
    });
    this.bitmaskWords = words;
    this.maskAddress = maskAddress;
  }

  private check(result: number, fn: string): boolean {
    if (result < 0) this.engine.fail(fn);
    return result === 1;
  }

  /**
   * The allowed next tokens: bit (id & 31) of word (id >> 5) is set when token id is allowed. Writes
   * into `out` (a Uint32Array of at least `bitmaskWords` words, e.g. a view into another wasm
   * memory) or a new array. After termination no bit is set.
   */
  fillNextTokenBitmask(out?: Uint32Array): Uint32Array {
    const fn = 'matcher.fillNextTokenBitmask';
    const h = this.handle('fillNextTokenBitmask');
    if (out !== undefined && (!(out instanceof Uint32Array) || out.length < this.bitmaskWords))
      throw new LogitkitTypeError(
        `${fn}: out must be a Uint32Array of at least ${this.bitmaskWords} words`,
        'out',
      );
    this.check(this.engine.module._matcherFillMask(h, this.maskAddress), fn);
    const view = new Uint32Array(
      this.engine.module.HEAPU8.buffer,
      this.maskAddress,
      this.bitmaskWords,
    );
    if (out === undefined) return view.slice();
    out.set(view);
    return out;
  }

  /**
   * Advances by token `id`; false (and no change) when the grammar does not allow it, an id past
   * the vocabulary included.
   * @throws LogitkitTypeError when `id` is not a number; LogitkitRangeError when it is not an
   *   integer >= 0.
   */
  acceptToken(id: number): boolean {
    const h = this.handle('acceptToken');
    if (typeof id !== 'number')
      throw new LogitkitTypeError(
        `matcher.acceptToken: id must be a number, got ${typeof id}`,
        'id',
      );
    if (!Number.isInteger(id) || id < 0)
      throw new LogitkitRangeError(`matcher.acceptToken: ${String(id)} is not a token id`, 'id');
    // The engine takes a 32-bit id: 2^32 would wrap to token 0 and advance the matcher by it.
    if (id >= this.compiled.vocabSize) return false;
    return this.check(this.engine.module._matcherAcceptToken(h, id), 'matcher.acceptToken');
  }

  /**
   * Advances by text that is not a token (a jump-forward string, a forced prefix), as one history
   * entry that `rollback(1)` undoes. false (and no change) when the grammar does not allow it.
   */
  acceptString(text: string): boolean {
    const h = this.handle('acceptString');
    if (typeof text !== 'string')
      throw new LogitkitTypeError('matcher.acceptString: text must be a string', 'text');
    const bytes = new TextEncoder().encode(text);
    const p = this.engine.place(bytes, 'matcher.acceptString');
    try {
      return this.check(
        this.engine.module._matcherAcceptBytes(h, p, bytes.length),
        'matcher.acceptString',
      );
    } finally {
      this.engine.module._free(p);
    }
  }

  /** The text the grammar forces next ('' when the next character is not determined, or the grammar may end). */
  findJumpForwardString(): string {
    return this.engine.module._matcherJumpForward(this.handle('findJumpForwardString'));
  }

  /** Undoes the last `nTokens` accepted tokens / strings (a RangeError when fewer were accepted). */
  rollback(nTokens: number): void {
    const h = this.handle('rollback');
    if (
      !Number.isInteger(nTokens) ||
      nTokens < 0 ||
      !this.engine.module._matcherRollback(h, nTokens)
    )
      throw new LogitkitRangeError(
        `matcher.rollback: nTokens must be an integer in [0, ${this.engine.module._matcherHistorySize(h)}]`,
        'nTokens',
      );
  }

  /** Back to the start of the grammar. */
  reset(): void {
    this.engine.module._matcherReset(this.handle('reset'));
  }

  /** An independent copy of this state (for beams, best-of-n, a sampler's clone). */
  fork(): GrammarMatcher {
    const h = this.engine.module._matcherFork(this.handle('fork'));
    if (h === 0) this.engine.fail('matcher.fork');
    return new GrammarMatcher(this.engine, h, this.compiled);
  }

  /** A stop token was accepted (or, with terminateWithoutStopToken, the grammar can end here). */
  isTerminated(): boolean {
    return this.engine.module._matcherIsTerminated(this.handle('isTerminated'));
  }

  /** The grammar can end here: a stop token would be accepted. */
  canTerminate(): boolean {
    return this.engine.module._matcherCanEnd(this.handle('canTerminate'));
  }

  /** @internal The mask's address in the grammar module's memory. */
  get maskPointer(): number {
    return this.maskAddress;
  }
}

/** @internal */
export function createGrammarMatcher(
  engine: GrammarEngine,
  compiled: CompiledGrammar,
  options: GrammarMatcherOptions | undefined,
): GrammarMatcher {
  const fn = 'createGrammarMatcher';
  if (options !== undefined && (typeof options !== 'object' || options === null))
    throw new LogitkitTypeError(`${fn}: options must be an object`, 'options');
  checkOptionKeys(options, fn, ['terminateWithoutStopToken']);
  const t = options?.terminateWithoutStopToken ?? false;
  if (typeof t !== 'boolean')
    throw new LogitkitTypeError(
      `${fn}: options.terminateWithoutStopToken must be a boolean`,
      'options.terminateWithoutStopToken',
    );
  const h = engine.module._matcherCreate(compiled.handle(fn), t);
  if (h === 0) engine.fail(fn);
  return new GrammarMatcher(engine, h, compiled);
}
