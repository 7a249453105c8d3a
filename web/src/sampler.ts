// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import {
  LogitkitRangeError,
  LogitkitStateError,
  memoryExhausted,
  throwIfFailed,
} from './errors.js';
import type { GrammarMatcher } from './grammar/matcher.js';
import { setGrammarMask } from './grammar/sampler-mask.js';
import type { Heap } from './heap.js';
import { dtypeOf, type DType, type Logits } from './input.js';
import { integerIn } from './options.js';
import { activeStages, configure, drawWith } from './sampler-wire.js';
import type { SamplingOptions } from './sampling/options.js';
import { parseSamplingOptions, type ParsedSampling } from './sampling/parse.js';
import type { StageName } from './sampling/stages.js';
import { undisposed } from './undisposed.js';

/** One draw. */
export interface SampleResult {
  /** The sampled token id (with `n` >= 2: the first of the distinct samples). */
  token: number;
  /** Its log-probability in the final distribution (after every stage of the chain). */
  logprob: number;
  /** Its log-probability in softmax(logits) at T = 1, before any stage. */
  rawLogprob: number;
  /** How many tokens have nonzero probability in the final distribution. */
  kept: number;
  /** Its rank in the final distribution: 1 = most probable; ties go to the lower token id. */
  rank: number;
  /**
   * With `topLogprobs: N`: the N most probable tokens, of the final distribution (-Infinity for
   * filtered ones) or, with `logprobsMode: 'raw'`, of softmax(logits).
   */
  topLogprobs?: { indices: Int32Array; logprobs: Float32Array };
  /** With `n` >= 2: n distinct tokens without replacement (Gumbel top-k), and their final logprobs. */
  samples?: { tokens: Int32Array; logprobs: Float32Array };
}

/**
 * A stateful sampler chain: it keeps the history that penalties, DRY, n-gram blocking and bad
 * words need, mirostat's mu, and a seeded random stream. `sample()` records the token it draws;
 * `accept()` records tokens it did not draw (the prompt, forced tokens); `reset()` clears the
 * history, restarts the stream at the seed and sets mu to 2 tau; `clone()` branches. It owns
 * wasm memory: call `dispose()` (or use `using`) when done.
 */
export class Sampler {
  private handle: number;
  private readonly stages: StageName[];
  // A clone forks the original's matcher and owns the fork (disposed with the clone).
  private ownsGrammar = false;

  /** @internal Use `lk.createSampler(options)`. */
  constructor(
    private readonly heap: Heap,
    options: SamplingOptions | undefined,
    fn = 'createSampler',
    private readonly parsed: ParsedSampling = parseSamplingOptions(options, fn),
    handle = 0,
  ) {
    this.handle = handle !== 0 ? handle : heap.module._samplerCreate();
    if (this.handle === 0) throw memoryExhausted(fn);
    if (handle === 0) {
      try {
        configure(heap, this.handle, this.parsed, fn);
      } catch (error) {
        heap.module._samplerDestroy(this.handle);
        this.handle = 0;
        throw error;
      }
    }
    this.stages = activeStages(heap, this.handle);
    // The grammar stage switches on with the first mask, at the first draw.
    if (this.parsed.values.grammar !== undefined && !this.stages.includes('grammar'))
      this.stages.unshift('grammar');
    undisposed.watch(
      this,
      'logitkit: a Sampler was garbage-collected without dispose(); call sampler.dispose() when done.',
    );
  }

  /** The seed in use (chosen from crypto random when none was given), as a bigint. */
  get seed(): bigint {
    const { low, high } = this.parsed.values.seed;
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** The stages that run, in order (only those the options switch on). */
  get order(): StageName[] {
    return [...this.stages];
  }

  /** Mirostat's current target surprise mu (2 tau after creation or reset). */
  get mirostatMu(): number {
    return this.heap.module._samplerMu(this.handleFor('mirostatMu'));
  }

  /** How many tokens of history the sampler holds (older ones are dropped when no stage needs them). */
  get historyLength(): number {
    return this.heap.module._samplerHistorySize(this.handleFor('historyLength'));
  }

  /** The grammar matcher this sampler constrains its draws with (the `grammar` option), if any. */
  get grammar(): GrammarMatcher | undefined {
    return this.parsed.values.grammar;
  }

  /** @internal */
  get rawHandle(): number {
    return this.handleFor('sample');
  }

  /** @internal */
  get options(): ParsedSampling {
    return this.parsed;
  }

  /**
   * Draws a token from `logits` and records it in the history. `options.dtype` reads a Uint16Array.
   * With a grammar, the draw is among the tokens its matcher allows, and the matcher accepts it.
   * @throws LogitkitStateError when the matcher has terminated; LogitkitRangeError when no allowed
   *   token has a finite logit.
   */
  sample(logits: Logits, options?: { dtype?: DType }): SampleResult {
    const dtype = dtypeOf(options, 'sampler.sample') ?? this.parsed.values.dtype;
    const handle = this.handleFor('sample');
    const grammar = this.parsed.values.grammar;
    if (grammar !== undefined) setGrammarMask(this.heap, handle, grammar, 'sampler.sample');
    const result = drawWith(this.heap, handle, logits, this.parsed, 'sampler.sample', dtype);
    // The drawn token passed the mask, so the matcher takes it.
    if (grammar !== undefined && !grammar.acceptToken(result.token))
      throw new LogitkitStateError(
        `sampler.sample: the grammar matcher refused token ${result.token}, which its mask allowed`,
      );
    return result;
  }

  /**
   * Records a token the sampler did not draw (a prompt token, a forced token); a grammar's matcher
   * accepts it too (LogitkitRangeError, and no change, when the grammar does not allow it).
   */
  accept(token: number): void {
    integerIn(token, 0, 0x7fffffff, 'sampler.accept', 'token');
    const handle = this.handleFor('accept');
    const grammar = this.parsed.values.grammar;
    if (grammar !== undefined && !grammar.acceptToken(token))
      throw new LogitkitRangeError(
        `sampler.accept: token ${token} is not allowed by the grammar here`,
        'token',
      );
    try {
      throwIfFailed(this.heap.module._samplerAccept(handle, token), 'sampler.accept');
    } catch (error) {
      grammar?.rollback(1);
      throw error;
    }
  }

  /** Clears the history, restarts the random stream from the seed and sets mu to 2 tau; resets a grammar's matcher. */
  reset(): void {
    this.heap.module._samplerReset(this.handleFor('reset'));
    this.parsed.values.grammar?.reset();
  }

  /**
   * An independent copy with the same options, history, mu and random-stream position: it draws
   * what this sampler would draw next, and then the two diverge independently (best-of-n, beams).
   * With a grammar, the copy gets a fork of the matcher, which it owns (disposed with it).
   */
  clone(): Sampler {
    const handle = this.heap.module._samplerClone(this.handleFor('clone'));
    if (handle === 0) throw memoryExhausted('sampler.clone');
    const grammar = this.parsed.values.grammar;
    if (grammar === undefined)
      return new Sampler(this.heap, undefined, 'sampler.clone', this.parsed, handle);
    let fork: GrammarMatcher;
    try {
      fork = grammar.fork();
    } catch (error) {
      this.heap.module._samplerDestroy(handle);
      throw error;
    }
    const parsed = { ...this.parsed, values: { ...this.parsed.values, grammar: fork } };
    const copy = new Sampler(this.heap, undefined, 'sampler.clone', parsed, handle);
    copy.ownsGrammar = true;
    return copy;
  }

  /** Whether `dispose()` has been called; a disposed sampler throws LogitkitStateError on use. */
  get disposed(): boolean {
    return this.handle === 0;
  }

  /** Frees the sampler's wasm memory. Safe to call more than once. */
  dispose(): void {
    if (this.handle === 0) return;
    this.heap.module._samplerDestroy(this.handle);
    this.handle = 0;
    if (this.ownsGrammar) this.parsed.values.grammar?.dispose();
    undisposed.forget(this);
  }

  /** Same as `dispose()`, so `using sampler = lk.createSampler(options)` frees it at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  // The wasm handle, for `method`; throws once disposed.
  private handleFor(method: string): number {
    if (this.handle === 0) throw new LogitkitStateError(`sampler.${method}: used after dispose()`);
    return this.handle;
  }
}
