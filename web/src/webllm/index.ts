/**
 * logitkit/webllm: logitkit's seeded sampler chain as a WebLLM `LogitProcessor`.
 *
 * ```ts
 * import { CreateMLCEngine } from '@mlc-ai/web-llm';
 * import { load } from 'logitkit';
 * import { LogitkitLogitProcessor } from 'logitkit/webllm';
 *
 * const lk = await load();
 * const processor = new LogitkitLogitProcessor(lk, { temperature: 0.8, topK: 40, minP: 0.05, seed: 7 });
 * const engine = await CreateMLCEngine(modelId, {
 *   logitProcessorRegistry: new Map([[modelId, processor]]),
 * });
 * ```
 *
 * With a grammar (`{ grammar: matcher }`, a GrammarMatcher from `lk.createGrammarMatcher`), each
 * token is drawn among the tokens the grammar allows, so the reply parses.
 *
 * Type-checked against `@mlc-ai/web-llm` 0.2.86's `LogitProcessor` declaration; this module does
 * not import WebLLM.
 *
 * @packageDocumentation
 */
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../errors.js';
import { GrammarMatcher } from '../grammar/matcher.js';
import { describe } from '../input.js';
import type { Logitkit } from '../logitkit.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import { ConstrainedRow } from '../adapters/constrained-row.js';
import { RowSampler, readsHistory, rowOptions, templateSampler } from '../adapters/row-sampler.js';
import type { Sampler, SampleResult } from '../sampler.js';
import type { SamplingOptions } from '../sampling/options.js';
import { expectLogitkit } from '../adapters/logitkit-instance.js';
import { checkOptionsObject } from '../options.js';

const FN = 'LogitkitLogitProcessor';

/** Options of `LogitkitLogitProcessor`. */
export interface LogitkitLogitProcessorOptions {
  /**
   * A grammar to constrain the reply to: a matcher (`await lk.createGrammarMatcher(compiled)`)
   * compiled for the model's tokenizer. The processor forks it (the fork is its own; yours
   * stays as it is) and starts each chat at the grammar's start.
   */
  grammar?: GrammarMatcher;
}

/**
 * WebLLM's `LogitProcessor` (`processLogits`, `processSampledToken`, `resetState`) backed by
 * logitkit's sampler chain, for one conversation (WebLLM runs one sequence per engine).
 *
 * **Protocol.** For each token WebLLM copies the logits to the CPU and calls
 * `processLogits(logits)`; logitkit draws the token with its seeded chain and returns the array
 * rewritten in place: 0 at the drawn token, -Infinity everywhere else. WebLLM then applies its
 * own `logit_bias`, penalties, temperature and top_p on the GPU and samples, which leaves that
 * single token, and calls `processSampledToken(token)`: the token enters the sampler's history
 * (for the penalties, DRY, n-gram and bad-word stages). If WebLLM reports another token than
 * logitkit drew, that token is recorded (as `sampler.accept` records a forced token) and logitkit's
 * draw does not count. `resetState()` (WebLLM's `resetChat()`) clears the history and restarts
 * the stream at the seed (without a seed in the options, at a fresh random one).
 *
 * **Settings.** Set temperature, top-k/p, min-p, penalties and logit bias here, in logitkit's
 * options, not in WebLLM's request: WebLLM's run after the draw and cannot change it, except that a
 * WebLLM `logit_bias` of -Infinity on the drawn token leaves nothing to sample. WebLLM does not pass
 * the prompt to a processor, so the history starts at the first generated token;
 * `acceptPrompt(tokens)` adds prompt tokens for the penalties to see.
 *
 * **Grammar.** With `options.grammar`, `processLogits` draws among the tokens the grammar allows
 * next (exact masks: a token is allowed if and only if its bytes can continue the reply toward a
 * string of the language; stop tokens exactly where it may end): the reply is a string of the
 * language once a stop token is drawn. When the chain reads no history (no penalty, DRY, n-gram
 * blocking or bad words) the sampler masks in its own grammar stage, in the sampling pass; else the
 * tokens the grammar does not allow are set to -Infinity first, then it draws (a grammar sampler
 * could not record `acceptPrompt`'s tokens for the penalties). Both draw the same tokens. The token WebLLM reports in
 * `processSampledToken` is what the grammar accepts (a token the grammar does not allow there is a
 * LogitkitStateError); after the stop token only that token is allowed; `resetState()` returns to
 * the grammar's start; prompt tokens (`acceptPrompt`) are not given to the grammar. Do not also set
 * WebLLM's own `response_format` (its xgrammar constraint would apply a second grammar).
 *
 * Owns wasm memory: call `dispose()` when done.
 */
export class LogitkitLogitProcessor {
  /** The sampler's result of the last `processLogits` (logprob, rawLogprob, kept, rank, ...). */
  lastResult: SampleResult | null = null;
  private row: ConstrainedRow;
  private buffer: LogitsBuffer | null = null;
  private template: Sampler;
  private disposed = false;

  /**
   * @param lk a loaded logitkit instance (`await load()`).
   * @param samplingOptions logitkit's sampling options (`lk.createSampler`'s), validated here.
   * @param options `{ grammar? }`.
   * @throws LogitkitTypeError / LogitkitRangeError for invalid options, a `grammar` that is not a
   *   live GrammarMatcher.
   */
  constructor(
    private readonly lk: Logitkit,
    samplingOptions?: SamplingOptions,
    options: LogitkitLogitProcessorOptions = {},
  ) {
    expectLogitkit(lk, FN);
    checkOptionsObject(options, FN, ['grammar']);
    const grammar = options.grammar;
    if (grammar !== undefined && (!(grammar instanceof GrammarMatcher) || grammar.disposed))
      throw new LogitkitTypeError(
        `${FN}: options.grammar must be a GrammarMatcher (await lk.createGrammarMatcher(compiled)) not yet disposed, got ${describe(grammar)}`,
        'options.grammar',
      );
    this.template = templateSampler(lk, samplingOptions, 'sample', FN);
    const matcher = grammar?.fork() ?? null;
    matcher?.reset();
    // The sampler's grammar stage constrains the draw when the chain reads no history.
    const sampler = new RowSampler(
      lk,
      rowOptions(samplingOptions, this.template, 0, 'sample', FN),
      matcher !== null && !readsHistory(this.template) ? matcher.fork() : null,
    );
    this.row = new ConstrainedRow(matcher, sampler, FN);
  }

  /** The seed in use (without one in the options: from crypto random, a new one per resetState()). */
  get seed(): bigint {
    return this.row.seed;
  }

  /** The tokens recorded so far (accepted prompt tokens, then every sampled token). */
  get history(): readonly number[] {
    return this.row.history;
  }

  /** With a grammar: whether the reply has ended (a stop token was sampled where it may end). */
  get terminated(): boolean {
    return this.row.terminated;
  }

  /**
   * Draws the next token from `logits` (the vocabulary's float32 logits), among the tokens the
   * grammar allows when there is one, and rewrites them in place so that only that token can be
   * sampled.
   * @returns `logits`.
   * @throws LogitkitTypeError when `logits` is not a Float32Array; LogitkitRangeError when they are
   *   fewer than the grammar's vocabulary; LogitkitStateError when the grammar allows no token; the
   *   sampler's errors for invalid logits (a NaN, a +Infinity, every token masked).
   */
  processLogits(logits: Float32Array): Float32Array {
    this.live('processLogits');
    if (!(logits instanceof Float32Array) || logits.length === 0)
      throw new LogitkitTypeError(
        `${FN}.processLogits: logits must be a non-empty Float32Array, got ${describe(logits)}`,
        'logits',
      );
    if (this.buffer === null || this.buffer.length !== logits.length) {
      this.buffer?.dispose();
      this.buffer = this.lk.allocLogits(logits.length);
    }
    this.lastResult = this.row.draw(logits, this.buffer).result;
    return logits;
  }

  /**
   * Records the token WebLLM sampled (see the class documentation); the grammar accepts it.
   * @throws LogitkitRangeError when `token` is not a non-negative integer; LogitkitStateError when
   *   the grammar does not allow it.
   */
  processSampledToken(token: number): void {
    this.live('processSampledToken');
    this.row.commit(checkToken(token, 'processSampledToken'));
  }

  /**
   * Clears the history and restarts the random stream (WebLLM's `resetChat()`): at the seed, so a
   * seeded chat repeats; without a seed in the options, at a fresh random one. The grammar returns
   * to its start.
   */
  resetState(): void {
    this.live('resetState');
    this.row.restart([]);
    this.lastResult = null;
  }

  /**
   * Adds prompt tokens to the history, for the penalties (WebLLM does not pass the prompt). The
   * grammar does not see them: it constrains the reply.
   * @throws LogitkitRangeError when a token is not a non-negative integer.
   */
  acceptPrompt(tokens: Iterable<number>): void {
    this.live('acceptPrompt');
    for (const token of tokens) this.row.acceptContext(checkToken(token, 'acceptPrompt'));
  }

  /** Frees the sampler and buffer. Safe to call more than once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.row.dispose();
    this.template.dispose();
    this.buffer?.dispose();
    this.buffer = null;
  }

  /** Same as `dispose()`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  private live(method: string): void {
    if (this.disposed) throw new LogitkitStateError(`${FN}.${method}: used after dispose()`);
  }
}

function checkToken(token: number, method: string): number {
  if (!Number.isInteger(token) || token < 0)
    throw new LogitkitRangeError(
      `${FN}.${method}: token must be a non-negative integer, got ${describe(token)}`,
      'token',
    );
  return token;
}
