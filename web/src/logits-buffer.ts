import type { Heap } from './heap.js';
import { WasmBuffer } from './wasm-buffer.js';

/**
 * Logits that live in wasm memory: the zero-copy path. Write into `buf.array` (a Float32Array
 * view) and pass `buf` to any kernel; it reads the values in place, with no copy and no
 * allocation. Read `array` afresh after logitkit calls; call `dispose()` when done.
 */
export class LogitsBuffer extends WasmBuffer<Float32Array> {
  /** @internal Use `lk.allocLogits(n)`. */
  constructor(heap: Heap, length: number) {
    super(
      heap,
      length,
      (buffer, address, n) => new Float32Array(buffer, address, n),
      4,
      'a LogitsBuffer',
    );
  }
}
