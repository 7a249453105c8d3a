// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import { LogitkitStateError, throwIfFailed } from './errors.js';
import type { Heap } from './heap.js';
import { integerIn } from './options.js';
import { placeLogits, type Logits } from './input.js';
import { parseSamplingOptions, type ParsedSampling, type SamplingOptions } from './sampling-options.js';

/** One draw. */
export interface SampleResult {
  /** The sampled token id. */
  token: number;
  /** Its log-probability in the final distribution (after bias, penalties, temperature and filters). */
  logprob: number;
  /** Its log-probability in softmax(logits) at T = 1, before bias, penalties and filters. */
  rawLogprob: number;
  /** How many tokens have nonzero probability in the final distribution. */
  kept: number;
  /** With `topLogprobs: N`: the N most probable tokens of the final distribution (-Infinity if filtered out). */
  topLogprobs?: { indices: Int32Array; logprobs: Float32Array };
}

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<string>(() => {
        console.warn('logitkit: a Sampler was garbage-collected without dispose(); call sampler.dispose() when done.');
      })
    : undefined;

/**
 * A stateful sampler: it keeps the history that penalties need and a seeded random stream.
 * `sample()` records the token it draws; `accept()` records tokens it did not draw (the prompt,
 * forced tokens); `reset()` clears the history and restarts the stream at the seed. It owns wasm
 * memory: call `dispose()` (or use `using`) when done.
 */
export class Sampler {
  private handle: number;
  private readonly parsed: ParsedSampling;

  /** @internal Use `lk.createSampler(options)`. */
  constructor(private readonly heap: Heap, options: SamplingOptions | undefined, fn = 'createSampler') {
    this.parsed = parseSamplingOptions(options, fn);
    this.handle = heap.module._samplerCreate();
    if (this.handle === 0) throw new LogitkitStateError(`${fn}: WebAssembly memory is exhausted`);
    try {
      configure(heap, this.handle, this.parsed, fn);
    } catch (error) {
      heap.module._samplerDestroy(this.handle);
      this.handle = 0;
      throw error;
    }
    registry?.register(this, '', this);
  }

  /** The seed in use (chosen from crypto random when none was given), as a bigint. */
  get seed(): bigint {
    return (BigInt(this.parsed.seedHigh) << 32n) | BigInt(this.parsed.seedLow);
  }

  /** Draws a token from `logits` and records it in the history. */
  sample(logits: Logits): SampleResult {
    return drawWith(this.heap, this.live('sample'), logits, this.parsed.topLogprobs, 'sampler.sample');
  }

  /** Records a token the sampler did not draw (a prompt token, a forced token). */
  accept(token: number): void {
    integerIn(token, 0, 0x7fffffff, 'sampler.accept', 'token');
    throwIfFailed(this.heap.module._samplerAccept(this.live('accept'), token), 'sampler.accept');
  }

  /** Clears the history and restarts the random stream from the seed. */
  reset(): void {
    this.heap.module._samplerReset(this.live('reset'));
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
    registry?.unregister(this);
  }

  /** Same as `dispose()`, so `using sampler = lk.createSampler(options)` frees it at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  private live(method: string): number {
    if (this.handle === 0) throw new LogitkitStateError(`sampler.${method}: used after dispose()`);
    return this.handle;
  }
}

/** Writes parsed options (and the bias list) into a C++ sampler. */
export function configure(heap: Heap, handle: number, p: ParsedSampling, fn: string): void {
  heap.module._samplerConfigure(handle, p.temperature, p.topK, p.topP, p.minP, p.minTokensToKeep,
    p.repetitionPenalty, p.presencePenalty, p.frequencyPenalty, p.penaltyLastN, p.seedLow, p.seedHigh);
  const count = p.biasTokens.length;
  const tokens = heap.region('biasTokens', count * 4);
  const values = heap.region('biasValues', count * 4);
  heap.i32(tokens, count).set(p.biasTokens);
  heap.f32(values, count).set(p.biasValues);
  throwIfFailed(heap.module._samplerSetBias(handle, tokens, values, count), fn);
}

/** One draw with a configured C++ sampler; the top list is copied out when asked for. */
export function drawWith(heap: Heap, handle: number, logits: Logits, topN: number, fn: string): SampleResult {
  const placed = placeLogits(heap, logits, fn);
  const n = Math.min(topN, placed.length);
  const result = heap.region('sampleResult', 32);
  const topIndices = heap.region('topIndices', n * 4);
  const topLogprobs = heap.region('topLogprobs', n * 4);
  throwIfFailed(heap.module._samplerSample(handle, placed.pointer, placed.length, result, topIndices, topLogprobs, n), fn);
  const r = heap.f64(result, 4);
  const out: SampleResult = { token: r[0]!, logprob: r[1]!, rawLogprob: r[2]!, kept: r[3]! };
  if (topN > 0) out.topLogprobs = { indices: heap.i32(topIndices, n).slice(), logprobs: heap.f32(topLogprobs, n).slice() };
  return out;
}
