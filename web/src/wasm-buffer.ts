// The emitted .d.ts declares [Symbol.dispose]: this keeps it valid in apps whose lib lacks ESNext.Disposable.
/// <reference lib="esnext.disposable" preserve="true" />
import { LogitkitStateError } from './errors.js';
import type { Heap } from './heap.js';
import { undisposed } from './undisposed.js';

/**
 * A typed array that lives in wasm memory, owned by one `load()` instance: the base of
 * `LogitsBuffer` (float32) and `HalfLogitsBuffer` (16-bit words).
 *
 * `array` is a getter: read it again after any logitkit call, because growing wasm memory replaces
 * the underlying ArrayBuffer (a view kept from before would be detached). Call `dispose()` when
 * done; a disposed buffer throws LogitkitStateError on use. A FinalizationRegistry warns about a
 * buffer collected undisposed, as a backstop only.
 */
export abstract class WasmBuffer<View extends Float32Array | Uint16Array> {
  /** @internal The heap of the instance that allocated this buffer (kernels check it is theirs). */
  readonly heap: Heap;
  /** Number of elements. */
  readonly length: number;
  private address: number;
  private view: View;

  /** @internal */
  protected constructor(
    heap: Heap,
    length: number,
    private readonly viewOf: (buffer: ArrayBuffer, address: number, length: number) => View,
    bytesPerElement: number,
    description: string,
  ) {
    this.heap = heap;
    this.length = length;
    this.address = heap.alloc(length * bytesPerElement, 'allocLogits');
    this.view = viewOf(heap.buffer, this.address, length);
    undisposed.watch(
      this,
      `logitkit: ${description} of ${length} logits was garbage-collected without dispose(); its ` +
        'WebAssembly memory leaked until then. Call buffer.dispose() when done.',
    );
  }

  /** A view of the buffer in wasm memory (fresh after memory growth). */
  get array(): View {
    const address = this.pointer;
    if (this.view.buffer !== this.heap.buffer)
      this.view = this.viewOf(this.heap.buffer, address, this.length);
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
    undisposed.forget(this);
  }

  /** Same as `dispose()`, so `using buf = lk.allocLogits(n)` frees the buffer at the end of the scope. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}
