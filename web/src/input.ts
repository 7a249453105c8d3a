import { LogitkitRangeError, LogitkitTypeError } from './errors.js';
import type { Heap } from './heap.js';
import { HalfLogitsBuffer } from './half-logits-buffer.js';
import { LogitsBuffer } from './logits-buffer.js';

/**
 * What every kernel accepts as logits. A Uint16Array holds float16 or bfloat16 words (say which
 * with `{ dtype }`); a HalfLogitsBuffer carries its own dtype.
 */
export type Logits =
  Float32Array | Float64Array | Uint16Array | readonly number[] | LogitsBuffer | HalfLogitsBuffer;

/** Half-precision and float inputs: how a Uint16Array's words are read. */
export type DType = 'float32' | 'float16' | 'bfloat16';

/**
 * @internal Every dtype; a dtype's position is its wire value (cpp/include/logitkit/dtype.h,
 * LOGITKIT_DTYPES; tests/js/tables.test.mjs checks both).
 */
export const DTYPES: readonly DType[] = ['float32', 'float16', 'bfloat16'];

/** A dtype option's value: one of DTYPES. */
export function parseDType(value: unknown, fn: string, what = 'options.dtype'): DType {
  if (!(DTYPES as readonly unknown[]).includes(value)) {
    throw new LogitkitRangeError(
      `${fn}: ${what} must be 'float32', 'float16' or 'bfloat16', got ${describe(value)}`,
      what,
    );
  }
  return value as DType;
}

/** Reads `options.dtype` from an options object without judging the other keys. */
export function dtypeOf(options: unknown, fn: string): DType | undefined {
  if (options === null || typeof options !== 'object') return undefined;
  const dtype = (options as { dtype?: unknown }).dtype;
  return dtype === undefined ? undefined : parseDType(dtype, fn);
}

/** Logits placed in wasm memory: where they are and how many. */
export interface PlacedLogits {
  pointer: number;
  length: number;
}

const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Puts logits where a kernel can read them: a LogitsBuffer of this heap as it is (zero copy),
 * anything else copied into the `slot` scratch region. Throws a typed error naming `fn` for a
 * wrong type, an empty row, a non-number entry, or a finite value that overflows float32.
 * (NaN and +Infinity are found by the kernel's own validating pass, with their index.)
 */
export function placeLogits(
  heap: Heap,
  logits: Logits,
  fn: string,
  slot = 'logits',
  dtype?: DType,
): PlacedLogits {
  if (logits instanceof HalfLogitsBuffer) {
    if (dtype !== undefined && dtype !== logits.dtype) {
      throw new LogitkitTypeError(
        `${fn}: options.dtype is '${dtype}', but logits is a LogitsBuffer of ${logits.dtype} words`,
        'options.dtype',
      );
    }
    if (logits.heap !== heap) {
      throw new LogitkitTypeError(
        `${fn}: logits is a LogitsBuffer from another load() instance`,
        'logits',
      );
    }
    const pointer = heap.region(slot, logits.length * 4);
    heap.module._convertHalf(logits.pointer, logits.length, DTYPES.indexOf(logits.dtype), pointer);
    return { pointer, length: logits.length };
  }
  if (logits instanceof Uint16Array) {
    if (dtype !== 'float16' && dtype !== 'bfloat16') {
      throw new LogitkitTypeError(
        `${fn}: logits is a Uint16Array: pass options.dtype 'float16' or 'bfloat16' to say how to read it`,
        'options.dtype',
      );
    }
    const length = logits.length;
    if (length === 0) throw new LogitkitRangeError(`${fn}: logits is empty`, 'logits');
    if (length > 0x3fffffff / 4)
      throw new LogitkitRangeError(`${fn}: logits has ${length} entries, too many`, 'logits');
    // The raw words go into wasm memory as they are; C++ converts them (exactly) to float32.
    const words = heap.region(`${slot}:half`, length * 2);
    const pointer = heap.region(slot, length * 4);
    new Uint16Array(heap.buffer, words, length).set(logits);
    heap.module._convertHalf(words, length, DTYPES.indexOf(dtype), pointer);
    return { pointer, length };
  }
  if (logits instanceof LogitsBuffer) {
    if (logits.heap !== heap) {
      throw new LogitkitTypeError(
        `${fn}: logits is a LogitsBuffer from another load() instance`,
        'logits',
      );
    }
    if (logits.length === 0) throw new LogitkitRangeError(`${fn}: logits is empty`, 'logits');
    return { pointer: logits.pointer, length: logits.length };
  }
  if (dtype === 'float16' || dtype === 'bfloat16') {
    throw new LogitkitTypeError(
      `${fn}: options.dtype '${dtype}' reads 16-bit words from a Uint16Array, but logits is ${describe(logits)}`,
      'options.dtype',
    );
  }
  const isArray = Array.isArray(logits);
  if (!(logits instanceof Float32Array) && !(logits instanceof Float64Array) && !isArray) {
    throw new LogitkitTypeError(
      `${fn}: logits must be a Float32Array, Float64Array, Uint16Array (with dtype), number[] or LogitsBuffer, got ${describe(logits)}`,
      'logits',
    );
  }
  const length = logits.length;
  if (length === 0) throw new LogitkitRangeError(`${fn}: logits is empty`, 'logits');
  if (length > 0x3fffffff / 4)
    throw new LogitkitRangeError(`${fn}: logits has ${length} entries, too many`, 'logits');
  const pointer = heap.region(slot, length * 4);
  const target = heap.f32(pointer, length);
  if (logits instanceof Float32Array) {
    target.set(logits);
  } else {
    for (let i = 0; i < length; i++) {
      const value = (logits as ArrayLike<unknown>)[i];
      if (typeof value !== 'number') {
        throw new LogitkitTypeError(
          `${fn}: logits[${i}] is ${describe(value)}, not a number`,
          'logits',
        );
      }
      if (Number.isFinite(value) && Math.abs(value) > FLOAT32_MAX) {
        throw new LogitkitRangeError(
          `${fn}: logits[${i}] = ${value} is beyond the float32 range`,
          'logits',
          i,
        );
      }
      target[i] = value;
    }
  }
  return { pointer, length };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value)}`;
  if (value === undefined) return 'undefined';
  return `${typeof value} ${String(value)}`;
}
