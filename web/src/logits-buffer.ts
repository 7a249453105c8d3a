// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import { LogitkitStateError } from './errors.js';
import type { Heap } from './heap.js';

const registry =
  typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((n) => {
        console.warn(`logitkit: a LogitsBuffer of ${n} logits was garbage-collected without dispose(); ` +
          'its WebAssembly memory leaked until then. Call buffer.dispose() when done.');
      })
    : undefined;

/**
 * Logits that live in wasm memory: the zero-copy path. Write into `buf.array` and pass `buf`
 * to any kernel; it reads the values in place, with no copy and no allocation.
 *
 * `array` is a getter: read it again after any logitkit call, because growing wasm memory
 * replaces the underlying ArrayBuffer (a Float32Array kept from before would be detached).
 * Call `dispose()` when done; a disposed buffer throws LogitkitStateError on use.
 */
export class LogitsBuffer {
  /** @internal The heap of the instance that allocated this buffer (kernels check it is theirs). */
  readonly heap: Heap;
  /** Number of logits. */
  readonly length: number;
  private address: number;
  private view: Float32Array;

  /** @internal Use `lk.allocLogits(n)`. */
  constructor(heap: Heap, length: number) {
    this.heap = heap;
    this.length = length;
    this.address = heap.alloc(length * 4, 'allocLogits');
    this.view = heap.f32(this.address, length);
    registry?.register(this, length, this);
  }

  /** A Float32Array view of the logits in wasm memory (fresh after memory growth). */
  get array(): Float32Array {
    if (this.address === 0) throw new LogitkitStateError('LogitsBuffer: used after dispose()');
    if (this.view.buffer !== this.heap.buffer) this.view = this.heap.f32(this.address, this.length);
    return this.view;
  }

  /** @internal The wasm address, for kernels. */
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

  /** Same as `dispose()`, so `using buf = lk.allocLogits(n)` frees the buffer at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
