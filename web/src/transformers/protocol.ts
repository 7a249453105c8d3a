// transformers.js's logits-processor protocol as both processors of logitkit/transformers meet it:
// the tensor they read and rewrite, the shape checks, and the callable object transformers.js
// expects (its `Callable`: an instance that is a function running `_call`).
import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';

/** The part of transformers.js's `Tensor` the processors read and write: `[batch, vocab]` float32. */
export interface TransformersTensorLike {
  /** `[batch, vocab]`: one row of next-token logits per sequence. */
  readonly dims: readonly number[];
  /** The logits, row-major, rewritten in place by the processor. */
  readonly data: unknown;
}

/** Every sequence's token ids so far, prompt included, as transformers.js passes them (`bigint[][]`). */
export type InputIds = readonly (readonly (bigint | number)[])[];

/** The checked view of one step's logits. */
export interface StepLogits {
  batch: number;
  vocab: number;
  data: Float32Array;
}

/** Checks `logits` is a `[batch, vocab]` float32 tensor with one `inputIds` row per batch row. */
export function checkLogits(
  logits: TransformersTensorLike,
  inputIds: InputIds,
  fn: string,
): StepLogits {
  if (typeof logits !== 'object' || logits === null || !Array.isArray(logits.dims))
    throw new LogitkitTypeError(
      `${fn}: logits must be a Tensor, got ${describe(logits)}`,
      'logits',
    );
  const dims = logits.dims;
  if (dims.length !== 2 || !dims.every((d) => Number.isInteger(d) && d >= 1))
    throw new LogitkitRangeError(
      `${fn}: logits.dims must be [batch, vocab], got [${dims.join(', ')}]`,
      'logits.dims',
    );
  const [batch, vocab] = dims as [number, number];
  const data = logits.data;
  if (!(data instanceof Float32Array))
    throw new LogitkitTypeError(
      `${fn}: logits.data must be a Float32Array (a float32 tensor), got ${describe(data)}`,
      'logits.data',
    );
  if (data.length !== batch * vocab)
    throw new LogitkitRangeError(
      `${fn}: logits.data holds ${data.length} values, dims [${batch}, ${vocab}] need ${batch * vocab}`,
      'logits.data',
    );
  if (!Array.isArray(inputIds) || inputIds.length !== batch)
    throw new LogitkitRangeError(
      `${fn}: input_ids must have one row per logits row (${batch}), got ${describe(inputIds)}`,
      'input_ids',
    );
  return { batch, vocab, data };
}

/** Row `b` of `inputIds` as numbers, checked to be token ids. */
export function rowIds(inputIds: InputIds, b: number, fn: string): number[] {
  const ids = inputIds[b];
  if (!Array.isArray(ids))
    throw new LogitkitTypeError(
      `${fn}: input_ids[${b}] must be an array of token ids`,
      'input_ids',
    );
  return ids.map((id, i) => {
    const token = Number(id);
    if (!Number.isInteger(token) || token < 0)
      throw new LogitkitRangeError(`${fn}: input_ids[${b}][${i}] is not a token id`, 'input_ids');
    return token;
  });
}

/** Whether `ids` starts with `history` (every token of it, in order). */
export function continues(ids: readonly number[], history: readonly number[]): boolean {
  if (ids.length < history.length) return false;
  for (let i = 0; i < history.length; i++) if (ids[i] !== history[i]) return false;
  return true;
}

/**
 * Makes `instance` callable as transformers.js's `Callable` subclasses are: returns a function
 * that runs `instance._call(...)`, with the prototype of `proto` (the constructor's `new.target`
 * prototype) and `instance`'s own fields. Return it from the constructor.
 */
export function callable<
  T extends { _call(ids: InputIds, logits: TransformersTensorLike): unknown },
>(instance: T, proto: object): T {
  const fn = ((ids: InputIds, logits: TransformersTensorLike) =>
    fn._call(ids, logits)) as unknown as T;
  Object.setPrototypeOf(fn, proto);
  Object.assign(fn, instance);
  return fn;
}
