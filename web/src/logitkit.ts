import { LogitkitRangeError, LogitkitTypeError, memoryExhausted, throwIfFailed } from './errors.js';
import { Heap } from './heap.js';
import { BatchSampler, type BatchSamplerOptions } from './batch-sampler.js';
import { HalfLogitsBuffer } from './half-logits-buffer.js';
import {
  describe,
  dtypeOf,
  placeLogits,
  type DType,
  type Logits,
  type PlacedLogits,
} from './input.js';
import { LogitsBuffer } from './logits-buffer.js';
import { checkOptionKeys, integerIn, temperatureOf } from './options.js';
import type { RawModule } from './raw-module.js';
import { Sampler, type SampleResult, type TopKResult, type TopLogprobsResult } from './sampler.js';
import { configure, drawWith } from './sampler-wire.js';
import type { SamplingOptions } from './sampling/options.js';
import { parseSamplingOptions } from './sampling/parse.js';
import { clearGrammarMask, setGrammarMask } from './grammar/sampler-mask.js';
import {
  GrammarCompiler,
  type CompiledGrammar,
  type GrammarCompilerOptions,
} from './grammar/compiler.js';
import {
  loadGrammarEngine,
  type GrammarEngine,
  type GrammarLoadOptions,
} from './grammar/engine.js';
import {
  createGrammarMatcher,
  type GrammarMatcher,
  type GrammarMatcherOptions,
} from './grammar/matcher.js';
import {
  createTokenizerInfo,
  deserializeTokenizerInfo,
  TokenizerInfo,
  type TokenizerInfoOptions,
  type TokenizerVocabulary,
} from './grammar/tokenizer-info.js';

/** The keys each kernel's options object may hold. */
const INPUT_KEYS = ['dtype'] as const;
const TEMPERATURE_KEYS = ['temperature', 'dtype'] as const;
const SOFTMAX_KEYS = ['temperature', 'out', 'dtype'] as const;
const ENTROPY_KEYS = ['temperature', 'base', 'dtype'] as const;

/** Options of the kernels that take only a temperature (`logSumExp`, `topLogprobs`). */
export interface TemperatureOptions {
  /** Divides the logits before softmax; finite and >= 0; 0 is greedy. Default 1. */
  temperature?: number;
  /** How a Uint16Array input is read: 'float16' or 'bfloat16'. */
  dtype?: DType;
}

/** Input options for kernels without a temperature. */
export interface InputOptions {
  /** How a Uint16Array input is read: 'float16' or 'bfloat16'. */
  dtype?: DType;
}

/** Options of `softmax` and `logSoftmax`. */
export interface SoftmaxOptions extends TemperatureOptions {
  /**
   * Where to write the result instead of a new Float32Array: a LogitsBuffer of this instance (it
   * may be the input itself, for in place) or a Float32Array with room for every logit. With a
   * LogitsBuffer input and output, the call copies nothing and allocates nothing. A longer `out`
   * receives the result in its first V entries, and the call returns a view of those V.
   */
  out?: LogitsBuffer | Float32Array;
}

/** Options of `entropy`. */
export interface EntropyOptions extends TemperatureOptions {
  /** Logarithm base: e (default, nats) or e.g. 2 for bits. Finite, > 0 and not 1. */
  base?: number;
}

/** The kernels of one loaded wasm module. Create with `await load()`. */
export class Logitkit {
  /** True when the SIMD build runs, false for the baseline build. */
  readonly simd: boolean;
  /** @internal The instance's wasm memory (the runtime adapters place rows in it). */
  readonly heap: Heap;
  private statelessSampler = 0;
  private grammarEngine: Promise<GrammarEngine> | undefined;
  private readonly grammarOptions: GrammarLoadOptions;

  /** @internal Use `load()`. */
  constructor(module: RawModule, simd: boolean, grammarOptions?: Omit<GrammarLoadOptions, 'simd'>) {
    this.heap = new Heap(module);
    this.simd = simd;
    this.grammarOptions = { ...grammarOptions, simd };
  }

  /** @internal The grammar module of this instance, loaded on first use (its own wasm instance). */
  grammarModule(): Promise<GrammarEngine> {
    this.grammarEngine ??= loadGrammarEngine(this.grammarOptions);
    return this.grammarEngine;
  }

  /**
   * A tokenizer's vocabulary for grammar masks, from a Hugging Face tokenizer.json (object or text)
   * or `{ tokens, vocabType, stopTokenIds, specialTokenIds?, vocabSize? }`. Async: the grammar
   * engine's WebAssembly module (logitkit-grammar-*.wasm) is loaded on first use. Without
   * `stopTokenIds`, a tokenizer.json's stop tokens are its special tokens named in
   * `DEFAULT_STOP_TOKENS`. Dispose the result when done.
   */
  async createTokenizerInfo(
    tokenizer: string | object | TokenizerVocabulary,
    options?: TokenizerInfoOptions,
  ): Promise<TokenizerInfo> {
    return createTokenizerInfo(
      await this.grammarModule(),
      tokenizer,
      options,
      'createTokenizerInfo',
    );
  }

  /** Rebuilds a TokenizerInfo from `info.serialize()` bytes. Async, as createTokenizerInfo. */
  async deserializeTokenizerInfo(bytes: Uint8Array): Promise<TokenizerInfo> {
    return deserializeTokenizerInfo(await this.grammarModule(), bytes, 'deserializeTokenizerInfo');
  }

  /** A compiler of grammars for `info`'s vocabulary, with budgets. Async, as createTokenizerInfo. */
  async createGrammarCompiler(
    info: TokenizerInfo,
    options?: GrammarCompilerOptions,
  ): Promise<GrammarCompiler> {
    const engine = await this.grammarModule();
    if (!(info instanceof TokenizerInfo) || info.engine !== engine)
      throw new LogitkitTypeError(
        'createGrammarCompiler: info must be a TokenizerInfo of this load() instance',
        'info',
      );
    info.handle('createGrammarCompiler');
    return new GrammarCompiler(engine, info, options);
  }

  /** A matcher (one generation's grammar state) for a compiled grammar. Async, as createTokenizerInfo. */
  async createGrammarMatcher(
    compiled: CompiledGrammar,
    options?: GrammarMatcherOptions,
  ): Promise<GrammarMatcher> {
    const engine = await this.grammarModule();
    if (compiled?.engine !== engine)
      throw new LogitkitTypeError(
        'createGrammarMatcher: compiled must be a CompiledGrammar of this load() instance',
        'compiled',
      );
    return createGrammarMatcher(engine, compiled, options);
  }

  /** p_i = exp(z_i / T) / sum_j exp(z_j / T), computed stably. T = 0 gives a one-hot at the argmax. */
  softmax(logits: Logits, options?: SoftmaxOptions): Float32Array {
    return this.elementwise('softmax', logits, options, (m, p, t, out) =>
      m._softmax(p.pointer, p.length, t, out),
    );
  }

  /** log p_i = z_i / T - logSumExp(z / T). T = 0 gives 0 at the argmax and -Infinity elsewhere. */
  logSoftmax(logits: Logits, options?: SoftmaxOptions): Float32Array {
    return this.elementwise('logSoftmax', logits, options, (m, p, t, out) =>
      m._logSoftmax(p.pointer, p.length, t, out),
    );
  }

  /** log sum_i exp(z_i / T), for T > 0 (it has no finite limit at T = 0). */
  logSumExp(logits: Logits, options?: TemperatureOptions): number {
    checkOptionKeys(options, 'logSumExp', TEMPERATURE_KEYS);
    const t = temperatureOf(options, 'logSumExp', false);
    return this.scalarResult(
      'logSumExp',
      logits,
      (m, p, out) => m._logSumExp(p.pointer, p.length, t, out),
      options,
    );
  }

  /** Index of the largest logit; the lowest index among ties. */
  argmax(logits: Logits, options?: InputOptions): number {
    checkOptionKeys(options, 'argmax', INPUT_KEYS);
    const placed = placeLogits(this.heap, logits, 'argmax', 'logits', dtypeOf(options, 'argmax'));
    const out = this.heap.region('scalar', 8);
    throwIfFailed(this.heap.module._argmax(placed.pointer, placed.length, out), 'argmax');
    return new Uint32Array(this.heap.buffer, out, 1)[0]!;
  }

  /** The k largest logits, sorted by value descending, ties by lower index first. k > V returns all V. */
  topK(logits: Logits, k: number, options?: InputOptions): TopKResult {
    integerIn(k, 1, 0x7fffffff, 'topK', 'k');
    checkOptionKeys(options, 'topK', INPUT_KEYS);
    const [indices, values] = this.selection('topK', logits, k, options, (m, p, count, i, v) =>
      m._topK(p.pointer, p.length, count, i, v),
    );
    return { indices, values };
  }

  /** The n most probable tokens of softmax(logits / T) and their log-probabilities, most probable first. */
  topLogprobs(logits: Logits, n: number, options?: TemperatureOptions): TopLogprobsResult {
    integerIn(n, 1, 0x7fffffff, 'topLogprobs', 'n');
    checkOptionKeys(options, 'topLogprobs', TEMPERATURE_KEYS);
    const t = temperatureOf(options, 'topLogprobs');
    const [indices, logprobs] = this.selection(
      'topLogprobs',
      logits,
      n,
      options,
      (m, p, count, i, v) => m._topLogprobs(p.pointer, p.length, count, t, i, v),
    );
    return { indices, logprobs };
  }

  /** Shannon entropy of softmax(logits / T): -sum p log p, in nats, or in `base` (2 for bits). */
  entropy(logits: Logits, options?: EntropyOptions): number {
    checkOptionKeys(options, 'entropy', ENTROPY_KEYS);
    const t = temperatureOf(options, 'entropy');
    const base = options?.base;
    if (
      base !== undefined &&
      (typeof base !== 'number' || !Number.isFinite(base) || base <= 0 || base === 1)
    ) {
      throw new LogitkitRangeError(
        `entropy: options.base must be a finite number > 0 and not 1, got ${describe(base)}`,
        'options.base',
      );
    }
    const nats = this.scalarResult(
      'entropy',
      logits,
      (m, p, out) => m._entropy(p.pointer, p.length, t, out),
      options,
    );
    return base === undefined ? nats : nats / Math.log(base);
  }

  /**
   * Draws one token. Without `seed`, a fresh random seed is taken per call; with one, the same seed
   * and logits always give the same token, on every build. For history-aware penalties across
   * steps, use createSampler(). With `grammar`, the draw is among the tokens the matcher allows
   * now; the matcher is not advanced (a sampler's `sample()` does that); logits shorter than the
   * grammar's vocabulary (the TokenizerInfo's vocabSize) are a LogitkitRangeError naming `logits`.
   */
  sample(logits: Logits, options?: SamplingOptions): SampleResult {
    const parsed = parseSamplingOptions(options, 'sample');
    if (this.statelessSampler === 0) {
      this.statelessSampler = this.heap.module._samplerCreate();
      if (this.statelessSampler === 0) throw memoryExhausted('sample');
    }
    configure(this.heap, this.statelessSampler, parsed, 'sample');
    this.heap.module._samplerReset(this.statelessSampler);
    if (parsed.values.grammar !== undefined)
      setGrammarMask(this.heap, this.statelessSampler, parsed.values.grammar, 'sample');
    else clearGrammarMask(this.heap, this.statelessSampler, 'sample');
    return drawWith(
      this.heap,
      this.statelessSampler,
      logits,
      parsed,
      'sample',
      parsed.values.dtype,
    );
  }

  /**
   * Applies a grammar's token bitmask in place (a SIMD kernel): logits[i] becomes -Infinity where
   * bit (i & 31) of bitmask[i >> 5] is clear, and past the mask's bitmask.length * 32 ids; allowed
   * logits are untouched. `bitmask` is what `matcher.fillNextTokenBitmask()` returns (xgrammar's
   * layout). A LogitsBuffer is masked where it lies (no copy); a Float32Array is copied in and out.
   * @throws LogitkitTypeError when logits is not a Float32Array or LogitsBuffer, or bitmask not a
   *   Uint32Array.
   */
  applyBitmask(logits: Float32Array | LogitsBuffer, bitmask: Uint32Array): void {
    const fn = 'applyBitmask';
    if (!(bitmask instanceof Uint32Array))
      throw new LogitkitTypeError(`${fn}: bitmask must be a Uint32Array`, 'bitmask');
    if (!(logits instanceof Float32Array) && !(logits instanceof LogitsBuffer))
      throw new LogitkitTypeError(
        `${fn}: logits must be a Float32Array or a LogitsBuffer (it is masked in place)`,
        'logits',
      );
    if (logits.length === 0) return;
    const placed = placeLogits(this.heap, logits, fn);
    const mask = this.heap.region('bitmask', bitmask.length * 4);
    new Uint32Array(this.heap.buffer, mask, bitmask.length).set(bitmask);
    this.heap.module._applyBitmask(placed.pointer, placed.length, mask, bitmask.length);
    if (logits instanceof Float32Array) logits.set(this.heap.f32(placed.pointer, placed.length));
  }

  /**
   * A stateful sampler chain (history for penalties, DRY, n-grams and bad words; mirostat's mu; a
   * seeded stream). `sampler.order` lists its stages. Dispose it when done.
   */
  createSampler(options?: SamplingOptions): Sampler {
    return new Sampler(this.heap, options);
  }

  /**
   * `rows` samplers with the same options and their own state and seeds, sampled in one call over
   * rows x V logits (flat, row r at r * V, or an array of rows). Dispose it when done.
   */
  createBatchSampler(options: BatchSamplerOptions): BatchSampler {
    return new BatchSampler(this.heap, options);
  }

  /**
   * n logits in wasm memory, for the zero-copy path. Dispose it when done. With
   * `{ dtype: 'float16' | 'bfloat16' }` the buffer holds raw 16-bit words (`array` is a
   * Uint16Array), converted to float32 in C++ by each call.
   */
  allocLogits(n: number): LogitsBuffer;
  allocLogits(n: number, options: { dtype: 'float16' | 'bfloat16' }): HalfLogitsBuffer;
  allocLogits(n: number, options?: { dtype?: DType }): LogitsBuffer | HalfLogitsBuffer;
  allocLogits(n: number, options?: { dtype?: DType }): LogitsBuffer | HalfLogitsBuffer {
    integerIn(n, 1, Math.floor(0x3fffffff / 4), 'allocLogits', 'n');
    checkOptionKeys(options, 'allocLogits', INPUT_KEYS);
    const dtype = dtypeOf(options, 'allocLogits');
    if (dtype === 'float16' || dtype === 'bfloat16')
      return new HalfLogitsBuffer(this.heap, n, dtype);
    return new LogitsBuffer(this.heap, n);
  }

  // A selection kernel's `k` (at most V) indices and values, copied out of wasm memory.
  private selection(
    fn: string,
    logits: Logits,
    k: number,
    options: InputOptions | undefined,
    kernel: (
      m: RawModule,
      placed: PlacedLogits,
      count: number,
      indices: number,
      values: number,
    ) => number,
  ): [Int32Array, Float32Array] {
    const placed = placeLogits(this.heap, logits, fn, 'logits', dtypeOf(options, fn));
    const count = Math.min(k, placed.length);
    const indices = this.heap.region('topIndices', count * 4);
    const values = this.heap.region('topValues', count * 4);
    throwIfFailed(kernel(this.heap.module, placed, count, indices, values), fn);
    return [this.heap.i32(indices, count).slice(), this.heap.f32(values, count).slice()];
  }

  private elementwise(
    fn: string,
    logits: Logits,
    options: SoftmaxOptions | undefined,
    kernel: (m: RawModule, placed: PlacedLogits, t: number, out: number) => number,
  ): Float32Array {
    checkOptionKeys(options, fn, SOFTMAX_KEYS);
    const t = temperatureOf(options, fn);
    const out = options?.out;
    const placed = placeLogits(this.heap, logits, fn, 'logits', dtypeOf(options, fn));
    if (out instanceof LogitsBuffer) {
      if (out.heap !== this.heap)
        throw new LogitkitTypeError(
          `${fn}: options.out is a LogitsBuffer from another load() instance`,
          'options.out',
        );
      if (out.length < placed.length) {
        throw new LogitkitRangeError(
          `${fn}: options.out holds ${out.length} values, logits has ${placed.length}`,
          'options.out',
        );
      }
      throwIfFailed(kernel(this.heap.module, placed, t, out.pointer), fn);
      return out.array.length === placed.length ? out.array : out.array.subarray(0, placed.length);
    }
    if (out !== undefined && !(out instanceof Float32Array)) {
      throw new LogitkitTypeError(
        `${fn}: options.out must be a LogitsBuffer or Float32Array, got ${describe(out)}`,
        'options.out',
      );
    }
    if (out && out.length < placed.length) {
      throw new LogitkitRangeError(
        `${fn}: options.out holds ${out.length} values, logits has ${placed.length}`,
        'options.out',
      );
    }
    const result = this.heap.region('result', placed.length * 4);
    throwIfFailed(kernel(this.heap.module, placed, t, result), fn);
    const values = this.heap.f32(result, placed.length);
    if (out) {
      out.set(values);
      return out.length === placed.length ? out : out.subarray(0, placed.length);
    }
    return values.slice();
  }

  private scalarResult(
    fn: string,
    logits: Logits,
    kernel: (m: RawModule, placed: PlacedLogits, out: number) => number,
    options?: unknown,
  ): number {
    const placed = placeLogits(this.heap, logits, fn, 'logits', dtypeOf(options, fn));
    const out = this.heap.region('scalar', 8);
    throwIfFailed(kernel(this.heap.module, placed, out), fn);
    return this.heap.f64(out, 1)[0]!;
  }
}
