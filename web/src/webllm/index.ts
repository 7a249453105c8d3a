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
 * Type-checked against `@mlc-ai/web-llm` 0.2.86's `LogitProcessor` declaration; this module does
 * not import WebLLM.
 *
 * @packageDocumentation
 */
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import type { Logitkit } from '../logitkit.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import { RowSampler, rowOptions, templateSampler } from '../adapters/row-sampler.js';
import type { Sampler, SampleResult } from '../sampler.js';
import type { SamplingOptions } from '../sampling/options.js';

const FN = 'LogitkitLogitProcessor';

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
 * Owns wasm memory: call `dispose()` when done.
 */
export class LogitkitLogitProcessor {
  /** The sampler's result of the last `processLogits` (logprob, rawLogprob, kept, rank, ...). */
  lastResult: SampleResult | null = null;
  private sampler: RowSampler;
  private buffer: LogitsBuffer | null = null;
  private template: Sampler;
  private disposed = false;

  /**
   * @param lk a loaded logitkit instance (`await load()`).
   * @param samplingOptions logitkit's sampling options (`lk.createSampler`'s), validated here.
   * @throws LogitkitTypeError / LogitkitRangeError for invalid options.
   */
  constructor(
    private readonly lk: Logitkit,
    samplingOptions?: SamplingOptions,
  ) {
    this.template = templateSampler(lk, samplingOptions, 'sample', FN);
    this.sampler = new RowSampler(lk, rowOptions(samplingOptions, this.template, 0, 'sample', FN));
  }

  /** The seed in use (without one in the options: from crypto random, a new one per resetState()). */
  get seed(): bigint {
    return this.sampler.seed;
  }

  /** The tokens recorded so far (accepted prompt tokens, then every sampled token). */
  get history(): readonly number[] {
    return this.sampler.history;
  }

  /**
   * Draws the next token from `logits` (the vocabulary's float32 logits) and rewrites them in
   * place so that only that token can be sampled.
   * @returns `logits`.
   * @throws LogitkitTypeError when `logits` is not a Float32Array; the sampler's errors for invalid
   *   logits (a NaN, a +Infinity, every token masked).
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
    this.buffer.array.set(logits);
    const result = this.sampler.propose(this.buffer);
    logits.fill(-Infinity);
    logits[result.token] = 0;
    this.lastResult = result;
    return logits;
  }

  /**
   * Records the token WebLLM sampled (see the class documentation).
   * @throws LogitkitRangeError when `token` is not a non-negative integer.
   */
  processSampledToken(token: number): void {
    this.live('processSampledToken');
    if (!Number.isInteger(token) || token < 0)
      throw new LogitkitRangeError(
        `${FN}.processSampledToken: token must be a non-negative integer, got ${describe(token)}`,
        'token',
      );
    this.sampler.commit(token);
  }

  /**
   * Clears the history and restarts the random stream (WebLLM's `resetChat()`): at the seed, so a
   * seeded chat repeats; without a seed in the options, at a fresh random one.
   */
  resetState(): void {
    this.live('resetState');
    this.sampler.reset();
    this.lastResult = null;
  }

  /** Adds prompt tokens to the history, for the penalties (WebLLM does not pass the prompt). */
  acceptPrompt(tokens: Iterable<number>): void {
    this.live('acceptPrompt');
    for (const token of tokens) this.processSampledToken(token);
  }

  /** Frees the sampler and buffer. Safe to call more than once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.sampler.dispose();
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
