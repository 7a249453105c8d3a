import type { Heap } from './heap.js';
import { WasmBuffer } from './wasm-buffer.js';

/**
 * Half-precision logits in wasm memory (`lk.allocLogits(n, { dtype: 'float16' | 'bfloat16' })`):
 * write the model's raw 16-bit words into `buf.array` (a Uint16Array view), for example straight
 * from a WebGPU readback, and pass `buf` to any kernel. The words are converted to float32 in C++
 * (exactly) into logitkit's scratch, never in JavaScript. Read `array` afresh after logitkit calls
 * (memory growth replaces the buffer). Call `dispose()` when done.
 */
export class HalfLogitsBuffer extends WasmBuffer<Uint16Array> {
  /** How the 16-bit words are read: IEEE binary16 or bfloat16. */
  readonly dtype: 'float16' | 'bfloat16';

  /** @internal Use `lk.allocLogits(n, { dtype })`. */
  constructor(heap: Heap, length: number, dtype: 'float16' | 'bfloat16') {
    super(
      heap,
      length,
      (buffer, address, n) => new Uint16Array(buffer, address, n),
      2,
      'a half-precision LogitsBuffer',
    );
    this.dtype = dtype;
  }
}
