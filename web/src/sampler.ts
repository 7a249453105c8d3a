// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import { LogitkitStateError, throwIfFailed } from './errors.js';
import type { Heap } from './heap.js';
import { integerIn } from './options.js';
import { dtypeOf, placeLogits, type Logits } from './input.js';
import {
  canonicalSamplingOptions,
  paramSlots,
  parseSamplingOptions,
  type ParsedSampling,
  type SamplingOptions,
  type StageName,
} from './sampling-options.js';

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

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<string>(() => {
        console.warn(
          'logitkit: a Sampler was garbage-collected without dispose(); call sampler.dispose() when done.',
        );
      })
    : undefined;

/**
 * A stateful sampler chain: it keeps the history that penalties, DRY, n-gram blocking and bad
 * words need, mirostat's mu, and a seeded random stream. `sample()` records the token it draws;
 * `accept()` records tokens it did not draw (the prompt, forced tokens); `reset()` clears the
 * history, restarts the stream at the seed and sets mu to 2 tau; `clone()` branches. It owns
 * wasm memory: call `dispose()` (or use `using`) when done.
 */
export class Sampler {
  private handle: number;

  /** @internal Use `lk.createSampler(options)`. */
  constructor(
    private readonly heap: Heap,
    options: SamplingOptions | undefined,
    fn = 'createSampler',
    private readonly parsed: ParsedSampling = parseSamplingOptions(options, fn),
    handle = 0,
  ) {
    this.handle = handle !== 0 ? handle : heap.module._samplerCreate();
    if (this.handle === 0) throw new LogitkitStateError(`${fn}: WebAssembly memory is exhausted`);
    if (handle === 0) {
      try {
        configure(heap, this.handle, this.parsed, fn);
      } catch (error) {
        heap.module._samplerDestroy(this.handle);
        this.handle = 0;
        throw error;
      }
    }
    registry?.register(this, '', this);
  }

  /** The seed in use (chosen from crypto random when none was given), as a bigint. */
  get seed(): bigint {
    return (BigInt(this.parsed.seedHigh) << 32n) | BigInt(this.parsed.seedLow);
  }

  /** The stages that run, in order (only those the options switch on). */
  get order(): StageName[] {
    return [...this.parsed.order];
  }

  /** Mirostat's current target surprise mu (2 tau after creation or reset). */
  get mirostatMu(): number {
    return this.heap.module._samplerMu(this.live('mirostatMu'));
  }

  /** How many tokens of history the sampler holds (older ones are dropped when no stage needs them). */
  get historyLength(): number {
    return this.heap.module._samplerHistorySize(this.live('historyLength'));
  }

  /** @internal */
  get rawHandle(): number {
    return this.live('sample');
  }

  /** @internal */
  get options(): ParsedSampling {
    return this.parsed;
  }

  /** Draws a token from `logits` and records it in the history. `options.dtype` reads a Uint16Array. */
  sample(logits: Logits, options?: { dtype?: 'float32' | 'float16' | 'bfloat16' }): SampleResult {
    const dtype = dtypeOf(options, 'sampler.sample') ?? this.parsed.dtype;
    return drawWith(this.heap, this.live('sample'), logits, this.parsed, 'sampler.sample', dtype);
  }

  /** Records a token the sampler did not draw (a prompt token, a forced token). */
  accept(token: number): void {
    integerIn(token, 0, 0x7fffffff, 'sampler.accept', 'token');
    throwIfFailed(this.heap.module._samplerAccept(this.live('accept'), token), 'sampler.accept');
  }

  /** Clears the history, restarts the random stream from the seed and sets mu to 2 tau. */
  reset(): void {
    this.heap.module._samplerReset(this.live('reset'));
  }

  /**
   * An independent copy with the same options, history, mu and random-stream position: it draws
   * what this sampler would draw next, and then the two diverge independently (best-of-n, beams).
   */
  clone(): Sampler {
    const handle = this.heap.module._samplerClone(this.live('clone'));
    if (handle === 0)
      throw new LogitkitStateError('sampler.clone: WebAssembly memory is exhausted');
    return new Sampler(this.heap, undefined, 'sampler.clone', this.parsed, handle);
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

/** Writes parsed options and the token lists into a C++ sampler. */
export function configure(heap: Heap, handle: number, p: ParsedSampling, fn: string): void {
  const slots = paramSlots(p);
  const slotAddress = heap.region('samplerSlots', slots.length * 8);
  const orderAddress = heap.region('samplerOrder', p.orderIndices.length);
  heap.f64(slotAddress, slots.length).set(slots);
  new Uint8Array(heap.buffer, orderAddress, p.orderIndices.length).set(p.orderIndices);
  throwIfFailed(
    heap.module._samplerConfigure(handle, slotAddress, orderAddress, p.orderIndices.length),
    fn,
  );

  const count = p.biasTokens.length;
  const tokens = heap.region('biasTokens', count * 4);
  const values = heap.region('biasValues', count * 4);
  heap.i32(tokens, count).set(p.biasTokens);
  heap.f32(values, count).set(p.biasValues);
  throwIfFailed(heap.module._samplerSetBias(handle, tokens, values, count), fn);

  const allowed = heap.region('listTokens', p.allowedTokens.length * 4);
  heap.i32(allowed, p.allowedTokens.length).set(p.allowedTokens);
  throwIfFailed(heap.module._samplerSetAllowed(handle, allowed, p.allowedTokens.length), fn);

  for (const [kind, seq] of [
    [0, p.badWords],
    [1, p.dryBreakers],
  ] as const) {
    const flat = heap.region('listTokens', seq.tokens.length * 4);
    const lengths = heap.region('listLengths', seq.lengths.length * 4);
    heap.i32(flat, seq.tokens.length).set(seq.tokens);
    new Uint32Array(heap.buffer, lengths, seq.lengths.length).set(seq.lengths);
    throwIfFailed(
      heap.module._samplerSetSequences(handle, kind, flat, lengths, seq.lengths.length),
      fn,
    );
  }
}

/** The scratch regions of one draw (or one batch of `rows` draws). */
export function outputRegions(heap: Heap, rows: number, topN: number, samples: number) {
  return {
    result: heap.region('sampleResult', rows * 48),
    topIndices: heap.region('topIndices', rows * topN * 4),
    topLogprobs: heap.region('topLogprobs', rows * topN * 4),
    sampleTokens: heap.region('sampleTokens', rows * samples * 4),
    sampleLogprobs: heap.region('sampleLogprobs', rows * samples * 4),
  };
}

/** Reads row `row` of the results written by `_samplerSample` / `_sampleRows`. */
export function readResult(
  heap: Heap,
  regions: ReturnType<typeof outputRegions>,
  row: number,
  topN: number,
  sampleCapacity: number,
): SampleResult {
  const r = heap.f64(regions.result + row * 48, 6);
  const out: SampleResult = {
    token: r[0]!,
    logprob: r[1]!,
    rawLogprob: r[2]!,
    kept: r[3]!,
    rank: r[4]!,
  };
  if (topN > 0) {
    out.topLogprobs = {
      indices: heap.i32(regions.topIndices + row * topN * 4, topN).slice(),
      logprobs: heap.f32(regions.topLogprobs + row * topN * 4, topN).slice(),
    };
  }
  if (sampleCapacity >= 2) {
    const count = r[5]!;
    out.samples = {
      tokens: heap.i32(regions.sampleTokens + row * sampleCapacity * 4, count).slice(),
      logprobs: heap.f32(regions.sampleLogprobs + row * sampleCapacity * 4, count).slice(),
    };
  }
  return out;
}

/** One draw with a configured C++ sampler; the top list and samples are copied out when asked for. */
export function drawWith(
  heap: Heap,
  handle: number,
  logits: Logits,
  p: ParsedSampling,
  fn: string,
  dtype?: 'float32' | 'float16' | 'bfloat16',
): SampleResult {
  const placed = placeLogits(heap, logits, fn, 'logits', dtype);
  const topN = Math.min(p.topLogprobs, placed.length);
  const samples = p.n >= 2 ? Math.min(p.n, placed.length) : 0;
  const regions = outputRegions(heap, 1, topN, samples);
  throwIfFailed(
    heap.module._samplerSample(
      handle,
      placed.pointer,
      placed.length,
      regions.result,
      regions.topIndices,
      regions.topLogprobs,
      topN,
      regions.sampleTokens,
      regions.sampleLogprobs,
      samples,
    ),
    fn,
  );
  return readResult(heap, regions, 0, topN, samples);
}

export { canonicalSamplingOptions };
