/**
 * logitkit/onnxruntime: the next-token logits of an onnxruntime-web or onnxruntime-node output
 * tensor, moved into logitkit's wasm memory without copying the tensor.
 *
 * ```ts
 * import { load } from 'logitkit';
 * import { lastPositionLogits } from 'logitkit/onnxruntime';
 * const { logits } = await session.run(feeds);          // [batch, seq, vocab], float32 or float16
 * const buf = lastPositionLogits(lk, logits, { row: 0 }); // LogitsBuffer | HalfLogitsBuffer
 * const { token } = sampler.sample(buf);
 * buf.dispose();                                        // or pass { out } to reuse one buffer
 * ```
 *
 * onnxruntime is not imported: any object with ort.Tensor's `type`, `dims`, `data` (and
 * `location`) works, so the function serves onnxruntime-web, onnxruntime-node and
 * transformers.js's Tensor alike (tested with onnxruntime-node 1.30.0 and onnxruntime-web
 * 1.31.0-dev).
 *
 * @packageDocumentation
 */
import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { HalfLogitsBuffer } from '../half-logits-buffer.js';
import { describe } from '../input.js';
import { expectLogitkit } from '../adapters/logitkit-instance.js';
import type { Logitkit } from '../logitkit.js';
import { checkOptionsObject } from '../options.js';
import { LogitsBuffer } from '../logits-buffer.js';

/**
 * The part of onnxruntime's `Tensor` (onnxruntime-common) this module reads. A tensor whose data
 * lives on a GPU (`location` 'gpu-buffer', 'ml-tensor', 'texture') has no `data` to read in place.
 */
export interface OrtTensorLike {
  /** Element type: 'float32' and 'float16' are read; anything else is a LogitkitTypeError. */
  readonly type: string;
  /** Shape, `[batch, seq, vocab]`. */
  readonly dims: readonly number[];
  /**
   * The elements, row-major: a Float32Array for float32; for float16 the raw binary16 words as a
   * Uint16Array (onnxruntime's representation), or a Float16Array where the engine has one.
   */
  readonly data: unknown;
  /** Where the data lives: 'cpu' or 'cpu-pinned' are read; absent means 'cpu'. */
  readonly location?: string;
}

/** Options of `lastPositionLogits`. */
export interface LastPositionOptions {
  /** Which batch row to read: an integer in [0, batch). Default 0. */
  row?: number;
  /**
   * A buffer of this `lk` instance to write into instead of allocating a new one: a LogitsBuffer
   * for float32 tensors, a HalfLogitsBuffer with dtype 'float16' for float16 ones, of exactly
   * `vocab` elements. Reusing one buffer makes each step allocation-free.
   */
  out?: LogitsBuffer | HalfLogitsBuffer;
}

const FN = 'lastPositionLogits';

/**
 * Copies the logits of the last sequence position of batch row `row` from `tensor`
 * (`[batch, seq, vocab]`, float32 or float16) into wasm memory: exactly `vocab` elements are
 * copied, never the whole tensor, and float16 words are copied as they are (the kernels convert
 * them exactly in C++). The tensor is only read.
 *
 * @returns a `LogitsBuffer` (float32) or a `HalfLogitsBuffer` with dtype 'float16', owned by the
 *   caller (dispose it), or `options.out` when given. Pass it to any kernel or sampler of `lk`.
 * @throws LogitkitTypeError when `tensor` is not a tensor, its `type` is not float32 / float16, its
 *   data is not on the CPU, its data array has the wrong type, or `options.out` is of another
 *   `lk` instance or dtype.
 * @throws LogitkitRangeError when `dims` is not `[batch >= 1, seq >= 1, vocab >= 1]`, the data
 *   length is not the product of `dims`, `options.row` is not an integer in [0, batch), or
 *   `options.out` does not hold exactly `vocab` elements.
 */
export function lastPositionLogits(
  lk: Logitkit,
  tensor: OrtTensorLike,
  options: LastPositionOptions = {},
): LogitsBuffer | HalfLogitsBuffer {
  expectLogitkit(lk, FN);
  checkOptionsObject(options, FN, ['row', 'out']);
  if (typeof tensor !== 'object' || tensor === null || !Array.isArray(tensor.dims)) {
    throw new LogitkitTypeError(
      `${FN}: tensor must be an onnxruntime Tensor ({ type, dims, data }), got ${describe(tensor)}`,
      'tensor',
    );
  }
  const { type, dims } = tensor;
  if (type !== 'float32' && type !== 'float16') {
    throw new LogitkitTypeError(
      `${FN}: tensor.type must be 'float32' or 'float16', got ${describe(type)}`,
      'tensor.type',
    );
  }
  const location = tensor.location ?? 'cpu';
  if (location !== 'cpu' && location !== 'cpu-pinned') {
    throw new LogitkitTypeError(
      `${FN}: tensor.location is '${String(location)}': its data is not in CPU memory. ` +
        "Create the session with preferredOutputLocation: 'cpu' for this output, or read it with " +
        'await tensor.getData() and pass the result as a CPU tensor',
      'tensor.location',
    );
  }
  if (dims.length !== 3 || !dims.every((d) => Number.isInteger(d) && d >= 1 && d <= 0x7fffffff)) {
    throw new LogitkitRangeError(
      `${FN}: tensor.dims must be [batch, seq, vocab] with every size >= 1, got [${dims.join(', ')}]`,
      'tensor.dims',
    );
  }
  const [batch, seq, vocab] = dims as [number, number, number];
  const row = options.row ?? 0;
  if (!Number.isInteger(row) || row < 0 || row >= batch) {
    throw new LogitkitRangeError(
      `${FN}: options.row must be an integer in [0, ${batch}), got ${describe(row)}`,
      'options.row',
    );
  }
  const words = elementsOf(tensor.data, type);
  if (words.length !== batch * seq * vocab) {
    throw new LogitkitRangeError(
      `${FN}: tensor.data holds ${words.length} elements, tensor.dims [${dims.join(', ')}] need ${batch * seq * vocab}`,
      'tensor.data',
    );
  }
  const start = (row * seq + seq - 1) * vocab;
  const last = words.subarray(start, start + vocab);
  const out = options.out ?? lk.allocLogits(vocab, { dtype: type });
  checkOut(lk, out, type, vocab);
  out.array.set(last as Float32Array & Uint16Array);
  return out;
}

/** The tensor's elements as the array the kernels take (a view, never a copy). */
function elementsOf(data: unknown, type: 'float32' | 'float16'): Float32Array | Uint16Array {
  if (type === 'float32') {
    if (data instanceof Float32Array) return data;
  } else {
    if (data instanceof Uint16Array) return data;
    // Float16Array (where the engine has it): the same binary16 words, reinterpreted in place.
    if (ArrayBuffer.isView(data) && data.constructor?.name === 'Float16Array') {
      const view = data as unknown as { buffer: ArrayBuffer; byteOffset: number; length: number };
      return new Uint16Array(view.buffer, view.byteOffset, view.length);
    }
  }
  throw new LogitkitTypeError(
    `${FN}: tensor.data of a ${type} tensor must be a ${type === 'float32' ? 'Float32Array' : 'Uint16Array or Float16Array'}, got ${describe(data)}`,
    'tensor.data',
  );
}

function checkOut(
  lk: Logitkit,
  out: LogitsBuffer | HalfLogitsBuffer,
  type: 'float32' | 'float16',
  vocab: number,
): void {
  const expected =
    type === 'float32' ? 'a LogitsBuffer' : "a HalfLogitsBuffer with dtype 'float16'";
  const matches =
    type === 'float32'
      ? out instanceof LogitsBuffer
      : out instanceof HalfLogitsBuffer && out.dtype === 'float16';
  if (!matches)
    throw new LogitkitTypeError(
      `${FN}: options.out must be ${expected} for a ${type} tensor, got ${describe(out)}`,
      'options.out',
    );
  if (out.heap !== lk.heap)
    throw new LogitkitTypeError(
      `${FN}: options.out is a buffer of another load() instance`,
      'options.out',
    );
  if (out.length !== vocab)
    throw new LogitkitRangeError(
      `${FN}: options.out holds ${out.length} elements, the tensor's vocab is ${vocab}`,
      'options.out',
    );
}
