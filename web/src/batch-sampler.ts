// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import {
  LogitkitRangeError,
  LogitkitStateError,
  LogitkitTypeError,
  throwIfFailed,
} from './errors.js';
import { HalfLogitsBuffer } from './half-logits-buffer.js';
import type { Heap } from './heap.js';
import { describe, dtypeOf, placeLogits, type DType, type Logits } from './input.js';
import { LogitsBuffer } from './logits-buffer.js';
import { integerIn } from './options.js';
import { Sampler, type SampleResult } from './sampler.js';
import { outputArgs, outputsFor, readResult } from './sampler-wire.js';
import type { SamplingOptions } from './sampling/options.js';
import { parseSamplingOptions } from './sampling/parse.js';
import type { StageName } from './sampling/stages.js';
import { parseSeed, type Seed } from './sampling/values.js';
import { slotsWithSeed } from './sampling/wire.js';
import { undisposed } from './undisposed.js';

/** Options of `lk.createBatchSampler`: sampling options plus the row count and per-row seeds. */
export interface BatchSamplerOptions extends SamplingOptions {
  /** How many rows (sequences) each call samples. */
  rows: number;
  /** One seed per row. Default: row r uses (seed + r) mod 2^64, with `seed` given or random. */
  seeds?: readonly (number | bigint)[];
}

const LEAK_WARNING =
  'logitkit: a BatchSampler was garbage-collected without dispose(); call dispose() when done.';

/**
 * `rows` independent samplers with the same options, sampled in one call over rows x V logits:
 * a flat Float32Array / Float64Array / Uint16Array / LogitsBuffer of rows * V values (row r at
 * r * V), or an array of rows. Row r has its own history, mirostat mu and seed (`seeds[r]`, or
 * seed + r), so it draws exactly what `samplers[r].sample(row r)` would. Dispose it when done.
 */
export class BatchSampler {
  /** How many rows each call samples. */
  readonly rows: number;
  /** The per-row samplers (accept / reset / clone them individually). Owned by the batch. */
  readonly samplers: readonly Sampler[];
  private disposedFlag = false;

  /** @internal Use `lk.createBatchSampler(options)`. */
  constructor(
    private readonly heap: Heap,
    options: BatchSamplerOptions,
    fn = 'createBatchSampler',
    samplers?: Sampler[],
  ) {
    if (samplers !== undefined) {
      this.rows = samplers.length;
      this.samplers = samplers;
      undisposed.watch(this, LEAK_WARNING);
      return;
    }
    if (typeof options !== 'object' || options === null) {
      throw new LogitkitTypeError(
        `${fn}: options must be an object with rows, got ${describe(options)}`,
        'options',
      );
    }
    const rows = integerIn(options.rows, 1, 0x7fffffff, fn, 'options.rows');
    const base = parseSamplingOptions(options, fn, ['rows', 'seeds']);
    if (base.values.grammar !== undefined) {
      throw new LogitkitTypeError(
        `${fn}: options.grammar is one generation's state; give each row its own sampler (lk.createSampler({ grammar }))`,
        'options.grammar',
      );
    }
    let seeds: Seed[];
    if (options.seeds !== undefined) {
      if (!Array.isArray(options.seeds) || options.seeds.length !== rows) {
        throw new LogitkitRangeError(
          `${fn}: options.seeds must be an array of ${rows} seeds, got ${describe(options.seeds)}`,
          'options.seeds',
        );
      }
      seeds = options.seeds.map((s, r) => parseSeed(s, fn, `options.seeds[${r}]`));
    } else {
      const start = (BigInt(base.values.seed.high) << 32n) | BigInt(base.values.seed.low);
      seeds = Array.from({ length: rows }, (_, r) => {
        const s = (start + BigInt(r)) & ((1n << 64n) - 1n);
        return { low: Number(s & 0xffffffffn), high: Number(s >> 32n), seeded: true };
      });
    }
    const made: Sampler[] = [];
    try {
      for (let r = 0; r < rows; r++) {
        const seed = seeds[r]!;
        made.push(
          new Sampler(heap, undefined, fn, {
            ...base,
            values: { ...base.values, seed },
            slots: slotsWithSeed(base.slots, seed),
          }),
        );
      }
    } catch (error) {
      for (const s of made) s.dispose();
      throw error;
    }
    this.rows = rows;
    this.samplers = made;
    undisposed.watch(this, LEAK_WARNING);
  }

  /** The stages that run, in order. */
  get order(): StageName[] {
    return this.samplers[0]!.order;
  }

  /**
   * Samples every row in one call and records each row's token in its history. Returns one
   * result per row. `options.dtype` reads Uint16Array input as float16 / bfloat16.
   */
  sample(logits: Logits | readonly Logits[], options?: { dtype?: DType }): SampleResult[] {
    const fn = 'batchSampler.sample';
    this.live(fn);
    const p = this.samplers[0]!.options.values;
    const dtype = dtypeOf(options, fn) ?? p.dtype;
    const { pointer, n } = this.place(logits, dtype, fn);
    const handles = this.heap.region('batchHandles', this.rows * 4);
    const outputs = outputsFor(this.heap, this.rows, p, n);
    const failed = this.heap.region('batchFailed', 4);
    new Uint32Array(this.heap.buffer, handles, this.rows).set(
      this.samplers.map((s) => s.rawHandle),
    );
    const status = this.heap.module._sampleRows(
      handles,
      this.rows,
      pointer,
      n,
      ...outputArgs(outputs),
      failed,
    );
    if (status !== 0) {
      const row = new Uint32Array(this.heap.buffer, failed, 1)[0]!;
      throwIfFailed(status, `${fn} (row ${row})`);
    }
    return Array.from({ length: this.rows }, (_, r) => readResult(this.heap, outputs, r));
  }

  /** Records one token per row (tokens.length === rows). */
  accept(tokens: ArrayLike<number>): void {
    this.live('batchSampler.accept');
    if (tokens === null || typeof tokens !== 'object' || tokens.length !== this.rows) {
      throw new LogitkitRangeError(
        `batchSampler.accept: tokens must hold ${this.rows} token ids, one per row`,
        'tokens',
      );
    }
    for (let r = 0; r < this.rows; r++) this.samplers[r]!.accept(tokens[r]!);
  }

  /** Resets every row (history, stream, mu). */
  reset(): void {
    this.live('batchSampler.reset');
    for (const s of this.samplers) s.reset();
  }

  /** An independent copy of every row's state. */
  clone(): BatchSampler {
    this.live('batchSampler.clone');
    const copies: Sampler[] = [];
    try {
      for (const s of this.samplers) copies.push(s.clone());
    } catch (error) {
      for (const s of copies) s.dispose();
      throw error;
    }
    return new BatchSampler(this.heap, { rows: copies.length }, 'batchSampler.clone', copies);
  }

  /** Whether `dispose()` has been called; a disposed batch throws LogitkitStateError on use. */
  get disposed(): boolean {
    return this.disposedFlag;
  }

  /** Frees every row's sampler. Safe to call more than once. */
  dispose(): void {
    if (this.disposedFlag) return;
    for (const s of this.samplers) s.dispose();
    this.disposedFlag = true;
    undisposed.forget(this);
  }

  /** Same as `dispose()`, so `using batch = lk.createBatchSampler(options)` frees it at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  private live(fn: string): void {
    if (this.disposedFlag) throw new LogitkitStateError(`${fn}: used after dispose()`);
  }

  // Places all rows contiguously in wasm memory (a flat input in one go).
  private place(logits: Logits | readonly Logits[], dtype: DType | undefined, fn: string) {
    const isRowArray = Array.isArray(logits) && logits.length > 0 && typeof logits[0] !== 'number';
    if (!isRowArray) {
      const placed = placeLogits(this.heap, logits as Logits, fn, 'logits', dtype);
      if (placed.length % this.rows !== 0) {
        throw new LogitkitRangeError(
          `${fn}: logits holds ${placed.length} values, not a multiple of rows = ${this.rows}`,
          'logits',
        );
      }
      return { pointer: placed.pointer, n: placed.length / this.rows };
    }
    const rows = logits as readonly Logits[];
    if (rows.length !== this.rows) {
      throw new LogitkitRangeError(
        `${fn}: logits has ${rows.length} rows, the sampler ${this.rows}`,
        'logits',
      );
    }
    let n = -1;
    let combined = 0;
    for (let r = 0; r < this.rows; r++) {
      const row = rows[r]!;
      if (
        !(row instanceof LogitsBuffer) &&
        !(row instanceof HalfLogitsBuffer) &&
        !ArrayBuffer.isView(row) &&
        !Array.isArray(row)
      ) {
        throw new LogitkitTypeError(
          `${fn}: logits[${r}] is ${describe(row)}, not a row of logits`,
          `logits[${r}]`,
        );
      }
      const placed = placeLogits(this.heap, row, `${fn}: logits[${r}]`, 'batchRow', dtype);
      if (n < 0) {
        n = placed.length;
        combined = this.heap.region('batchLogits', this.rows * n * 4);
      } else if (placed.length !== n) {
        throw new LogitkitRangeError(
          `${fn}: logits[${r}] has ${placed.length} values, logits[0] has ${n}`,
          `logits[${r}]`,
        );
      }
      // Growing memory never moves existing allocations, so placed.pointer stays valid.
      new Uint8Array(this.heap.buffer).copyWithin(
        combined + r * n * 4,
        placed.pointer,
        placed.pointer + n * 4,
      );
    }
    return { pointer: combined, n };
  }
}
