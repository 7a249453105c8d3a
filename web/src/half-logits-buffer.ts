// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import { LogitkitStateError } from './errors.js';
import type { Heap } from './heap.js';

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((n) => {
        console.warn(`logitkit: a half-precision LogitsBuffer of ${n} logits was garbage-collected without dispose(); ` +
          'call buffer.dispose() when done.');
      })
    : undefined;

/**
 * Half-precision logits in wasm memory (`lk.allocLogits(n, { dtype: 'float16' | 'bfloat16' })`):
 * write the model's raw 16-bit words into `buf.array` (a Uint16Array view), for example straight
 * from a WebGPU readback, and pass `buf` to any kernel. The words are converted to float32 in C++
 * (exactly) into logitkit's scratch, never in JavaScript. Read `array` afresh after logitkit calls
 * (memory growth replaces the buffer). Call `dispose()` when done.
 */
export class HalfLogitsBuffer {
  /** @internal The heap of the instance that allocated this buffer (kernels check it is theirs). */
  readonly heap: Heap;
  /** Number of logits. */
  readonly length: number;
  /** How the 16-bit words are read: IEEE binary16 or bfloat16. */
  readonly dtype: 'float16' | 'bfloat16';
  private address: number;
  private view: Uint16Array;

  /** @internal Use `lk.allocLogits(n, { dtype })`. */
  constructor(heap: Heap, length: number, dtype: 'float16' | 'bfloat16') {
    this.heap = heap;
    this.length = length;
    this.dtype = dtype;
    this.address = heap.alloc(length * 2, 'allocLogits');
    this.view = new Uint16Array(heap.buffer, this.address, length);
    registry?.register(this, length, this);
  }

  /** A Uint16Array view of the raw words in wasm memory (fresh after memory growth). */
  get array(): Uint16Array {
    if (this.address === 0) throw new LogitkitStateError('LogitsBuffer: used after dispose()');
    if (this.view.buffer !== this.heap.buffer) this.view = new Uint16Array(this.heap.buffer, this.address, this.length);
    return this.view;
  }

  /** @internal The wasm address. */
  get pointer(): number {
    if (this.address === 0) throw new LogitkitStateError('LogitsBuffer: used after dispose()');
    return this.address;
  }

  /** Whether `dispose()` has been called; a disposed buffer throws LogitkitStateError on use. */
  get disposed(): boolean {
    return this.address === 0;
  }

  /** Frees the wasm memory. Safe to call more than once. */
  dispose(): void {
    if (this.address === 0) return;
    this.heap.free(this.address);
    this.address = 0;
    registry?.unregister(this);
  }

  /** Same as `dispose()`, so `using buf = lk.allocLogits(n, { dtype })` frees it at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
