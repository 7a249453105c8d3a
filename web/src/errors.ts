import { STAGES, stageRow } from './sampling/stages.js';

/**
 * Typed errors. Every failure logitkit reports is one of these, with a message that names the
 * function, the argument and, where there is one, the index at fault. They extend the built-in
 * RangeError / TypeError / Error, so code that checks `instanceof RangeError` (or the others)
 * catches them too.
 */

/** A value out of its valid range: a NaN or +Infinity logit, a bad temperature, k < 1, ... */
export class LogitkitRangeError extends RangeError {
  override name = 'LogitkitRangeError';
  /** The argument at fault, e.g. `"logits"` or `"options.topP"`. */
  readonly argument: string;
  /** The offending position within the argument, when there is one. */
  readonly index: number | undefined;
  constructor(message: string, argument: string, index?: number) {
    super(message);
    this.argument = argument;
    this.index = index;
  }
}

/** A value of the wrong type, or an unknown option name. */
export class LogitkitTypeError extends TypeError {
  override name = 'LogitkitTypeError';
  /** The argument at fault, e.g. `"logits"` or `"options.seed"`. */
  readonly argument: string;
  constructor(message: string, argument: string) {
    super(message);
    this.argument = argument;
  }
}

/** Use of a LogitsBuffer or Sampler after dispose(), or wasm memory exhausted. */
export class LogitkitStateError extends Error {
  override name = 'LogitkitStateError';
}

/**
 * A grammar, schema, regex or tokenizer that cannot be used, or a grammar budget exceeded.
 * `code` is one of: 'syntax' (GBNF; `position` is the byte offset), 'empty-language',
 * 'too-many-states' (maxStates), 'timeout' (timeoutMs), 'invalid-grammar', 'invalid-tokenizer',
 * and the front ends' 'invalid-json', 'invalid-schema', 'unsupported-keyword',
 * 'unsupported-feature', 'unsatisfiable', 'regex-syntax', 'budget-exceeded'.
 */
export class LogitkitGrammarError extends Error {
  override name = 'LogitkitGrammarError';
  /** What went wrong, as a stable lower-case name (see the class description). */
  readonly code: string;
  /** Offset of the fault in the grammar text (GBNF: bytes; regex: UTF-16 units), when known. */
  readonly position: number | undefined;
  /** JSON pointer into the schema, for schema errors. */
  readonly pointer: string | undefined;
  constructor(message: string, code: string, position?: number, pointer?: string) {
    super(message);
    this.code = code;
    this.position = position;
    this.pointer = pointer;
  }
}

/** Thrown when wasm memory runs out (the kernels' outOfMemory status, a failed allocation). */
export function memoryExhausted(fn: string): LogitkitStateError {
  return new LogitkitStateError(`${fn}: WebAssembly memory is exhausted`);
}

/**
 * The kernels' status codes, one row per code in code order (cpp/include/logitkit/status.h,
 * LOGITKIT_STATUS_CODES; tests/js/tables.test.mjs checks the names), each with the typed error it
 * becomes. `index` is the position the code names.
 */
export const STATUS_TABLE: readonly {
  name: string;
  error?: (fn: string, index: number) => Error;
}[] = [
  { name: 'ok' },
  {
    name: 'nan',
    error: (fn, index) => new LogitkitRangeError(`${fn}: logits[${index}] is NaN`, 'logits', index),
  },
  {
    name: 'positiveInf',
    error: (fn, index) =>
      new LogitkitRangeError(
        `${fn}: logits[${index}] is +Infinity (only -Infinity, a masked token, is allowed)`,
        'logits',
        index,
      ),
  },
  {
    name: 'allNegativeInf',
    error: (fn) =>
      new LogitkitRangeError(
        `${fn}: every entry of logits is -Infinity, so there is no distribution`,
        'logits',
      ),
  },
  {
    name: 'allBanned',
    error: (fn) =>
      new LogitkitRangeError(
        `${fn}: options.logitBias, the penalties and the bans (allowedTokenIds, badWordsIds, noRepeatNgramSize, suppressTokens, beginSuppressTokens, the stop tokens, the grammar's mask over the ids logits has) leave no token with a finite logit`,
        'options.logitBias',
      ),
  },
  {
    name: 'badToken',
    error: (fn, index) =>
      new LogitkitRangeError(
        `${fn}: token id ${index} (a key of options.logitBias) is outside the vocabulary (ids below logits.length)`,
        'options.logitBias',
        index,
      ),
  },
  { name: 'outOfMemory', error: (fn) => memoryExhausted(fn) },
  {
    name: 'badOption',
    error: (fn, index) =>
      new LogitkitRangeError(
        `${fn}: invalid sampler configuration (item ${index})`,
        'options',
        index,
      ),
  },
  {
    name: 'badListToken',
    error: (fn, index) =>
      new LogitkitRangeError(
        `${fn}: token id ${index} (from options.allowedTokenIds, badWordsIds, drySequenceBreakers, stopTokenIds, suppressTokens, beginSuppressTokens or sequenceBias) is outside the vocabulary`,
        'options',
        index,
      ),
  },
  {
    name: 'stageNotInOrder',
    error: (fn, index) => {
      const stage = STAGES[index];
      return new LogitkitRangeError(
        `${fn}: options.order lacks "${stage}", which options.${stage && stageRow(stage).switchedOnBy} switches on`,
        'options.order',
      );
    },
  },
  {
    name: 'badHistoryToken',
    error: (fn, index) =>
      new LogitkitRangeError(
        `${fn}: token id ${index} in the sampler's history (recorded by sampler.accept()) is outside the vocabulary (ids below logits.length); sampler.reset() clears the history`,
        'history',
        index,
      ),
  },
];

/** A packed kernel status is code * STATUS_RADIX + index (0 is ok). */
export const STATUS_RADIX = 2 ** 32;

/** A packed kernel status's code name (a STATUS_TABLE name; 'ok' for 0) and index. */
export function unpackStatus(packed: number): { name: string | undefined; index: number } {
  return {
    name: STATUS_TABLE[Math.floor(packed / STATUS_RADIX)]?.name,
    index: packed % STATUS_RADIX,
  };
}

/** Throws the typed error for a packed kernel status; returns on success. */
export function throwIfFailed(packed: number, fn: string): void {
  if (packed === 0) return;
  const code = Math.floor(packed / STATUS_RADIX);
  const index = packed % STATUS_RADIX;
  const error = STATUS_TABLE[code]?.error;
  throw error !== undefined
    ? error(fn, index)
    : new LogitkitStateError(`${fn}: unexpected kernel status ${packed}`);
}
