import { LogitkitStateError } from './errors.js';
import type { RawModule } from './raw-module.js';

/**
 * Owns wasm memory for one module instance: reusable scratch regions for copies in and out, and
 * the allocations behind LogitsBuffers and Samplers.
 *
 * Memory growth detaches every typed-array view of the old buffer (emscripten #6747), so views
 * are made fresh from `module.HEAPU8.buffer` after the allocations of a call, never cached.
 */
export class Heap {
  private readonly scratch = new Map<string, { address: number; bytes: number }>();

  constructor(readonly module: RawModule) {}

  get buffer(): ArrayBuffer {
    return this.module.HEAPU8.buffer as ArrayBuffer;
  }

  f32(address: number, length: number): Float32Array {
    return new Float32Array(this.buffer, address, length);
  }
  f64(address: number, length: number): Float64Array {
    return new Float64Array(this.buffer, address, length);
  }
  i32(address: number, length: number): Int32Array {
    return new Int32Array(this.buffer, address, length);
  }

  /** Allocates `bytes` (8-byte aligned). Throws LogitkitStateError when memory is exhausted. */
  alloc(bytes: number, what: string): number {
    const address = this.module._malloc(Math.max(bytes, 8));
    if (address === 0)
      throw new LogitkitStateError(`${what}: cannot allocate ${bytes} bytes of WebAssembly memory`);
    return address;
  }

  free(address: number): void {
    this.module._free(address);
  }

  /**
   * A scratch region named `slot`, at least `bytes` long, reused across calls (grown on demand).
   * Its contents are only valid until the next call that uses the same slot.
   */
  region(slot: string, bytes: number): number {
    const current = this.scratch.get(slot);
    if (current && current.bytes >= bytes) return current.address;
    if (current) this.free(current.address);
    this.scratch.delete(slot);
    const grown = Math.max(bytes, current ? current.bytes * 2 : 0, 64);
    const address = this.alloc(grown, 'logitkit');
    this.scratch.set(slot, { address, bytes: grown });
    return address;
  }
}
