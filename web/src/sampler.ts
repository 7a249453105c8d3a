// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import {
  LogitkitRangeError,
  LogitkitStateError,
  LogitkitTypeError,
  memoryExhausted,
  throwIfFailed,
  unpackStatus,
} from './errors.js';
import type { GrammarMatcher } from './grammar/matcher.js';
import { setGrammarMask } from './grammar/sampler-mask.js';
import type { Heap } from './heap.js';
import { describe, dtypeOf, type DType, type Logits } from './input.js';
import { integerIn } from './options.js';
import { activeStages, configure, drawWith } from './sampler-wire.js';
import type { SamplingOptions } from './sampling/options.js';
import { parseSamplingOptions, type ParsedSampling } from './sampling/parse.js';
import type { StageName } from './sampling/stages.js';
import { undisposed } from './undisposed.js';

/** The k largest logits (`lk.topK`): token ids and their logits, largest first, ties by lower id. */
export interface TopKResult {
  /** Token ids, min(k, V) of them. */
  indices: Int32Array;
  /** Their logits, as given. */
  values: Float32Array;
}

/** The most probable tokens: token ids and their log-probabilities (natural log), most probable first. */
export interface TopLogprobsResult {
  /** Token ids. */
  indices: Int32Array;
  /** Their log-probabilities, in nats (-Infinity for a token of probability 0). */
  logprobs: Float32Array;
}

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
  topLogprobs?: TopLogprobsResult;
  /** With `n` >= 2: n distinct tokens without replacement (Gumbel top-k), and their final logprobs. */
  samples?: { tokens: Int32Array; logprobs: Float32Array };
}

/**
 * A stateful sampler chain: it keeps the history that penalties, DRY, n-gram blocking and bad
 * words need, mirostat's mu, and a seeded random stream. `sample()` records the token it draws;
 * `accept()` records tokens it did not draw (the prompt with `{ prompt: true }`, forced tokens
 * as output); `reset()` clears the history, restarts the stream at the seed and sets mu to 2 tau;
 * `clone()` branches. It owns wasm memory: call `dispose()` (or use `using`) when done.
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
   *   token has a finite logit, or naming `logits` when it is shorter than the grammar's vocabulary
   *   (the TokenizerInfo's vocabSize).
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
   * Records tokens the sampler did not draw: a token id or an array of them, oldest first. With
   * `{ prompt: true }` they are prompt tokens, otherwise output tokens (forced ones). The output is
   * every token drawn or accepted since the last prompt token: prompt tokens after output start a
   * new generation, and the output so far counts as prompt from then on. The penalties read the
   * history as `compat` says (vLLM / OpenAI: presence and frequency count the output only), the
   * stop-token bans and `beginSuppressTokens` the output's length. A grammar's matcher accepts the
   * output tokens (it constrains the output only; prompt tokens never reach it).
   * @throws LogitkitTypeError / LogitkitRangeError naming `tokens[i]` or `options.prompt`, and
   *   LogitkitRangeError naming `tokens[i]` when the grammar does not allow that output token or
   *   the id is not below the length of the logits of the last `sample()` (before the first
   *   draw any id >= 0 is taken: a later draw over fewer logits, with a stage that reads the
   *   history, throws a LogitkitRangeError naming `history`, until `reset()`); no token is
   *   recorded then and the matcher is as it was.
   */
  accept(tokens: number | ArrayLike<number>, options?: { prompt?: boolean }): void {
    const fn = 'sampler.accept';
    const handle = this.handleFor('accept');
    const prompt = options?.prompt ?? false;
    if (typeof prompt !== 'boolean') {
      throw new LogitkitTypeError(
        `${fn}: options.prompt must be a boolean, got ${describe(prompt)}`,
        'options.prompt',
      );
    }
    const single = typeof tokens === 'number';
    const list = single ? [integerIn(tokens, 0, 0x7fffffff, fn, 'tokens')] : tokenArray(tokens, fn);
    const grammar = prompt ? undefined : this.parsed.values.grammar;
    let accepted = 0;
    try {
      for (const token of grammar === undefined ? [] : list) {
        if (!grammar?.acceptToken(token)) {
          const name = single ? 'tokens' : `tokens[${accepted}]`;
          throw new LogitkitRangeError(
            `${fn}: ${name} = ${token} is not allowed by the grammar here`,
            name,
          );
        }
        ++accepted;
      }
      const address = this.heap.region('acceptTokens', list.length * 4);
      this.heap.i32(address, list.length).set(list);
      const status = this.heap.module._samplerAccept(handle, address, list.length, prompt ? 1 : 0);
      const { name: code, index } = unpackStatus(status);
      if (code === 'badHistoryToken') {
        const name = single ? 'tokens' : `tokens[${index}]`;
        throw new LogitkitRangeError(
          `${fn}: ${name} = ${list[index]} is outside the vocabulary of the logits this sampler last drew from (${list[index]} >= their length); no token was recorded`,
          name,
        );
      }
      throwIfFailed(status, fn);
    } catch (error) {
      if (accepted > 0) grammar?.rollback(accepted);
      throw error;
    }
  }

  /** How many tokens were drawn or accepted as output since the last prompt token (or reset). */
  get outputLength(): number {
    return this.heap.module._samplerOutputLength(this.handleFor('outputLength'));
  }

  /**
   * Clears the history, restarts the random stream from the seed and sets mu to 2 tau; resets a
   * grammar's matcher.
   */
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

// Token ids from an array(-like), each checked (its path: tokens[i]).
function tokenArray(tokens: unknown, fn: string): Int32Array {
  if (
    typeof tokens !== 'object' ||
    tokens === null ||
    typeof (tokens as ArrayLike<unknown>).length !== 'number'
  ) {
    throw new LogitkitTypeError(
      `${fn}: tokens must be a token id or an array of token ids, got ${describe(tokens)}`,
      'tokens',
    );
  }
  return Int32Array.from(tokens as ArrayLike<unknown>, (t, i) =>
    integerIn(t, 0, 0x7fffffff, fn, `tokens[${i}]`),
  );
}
