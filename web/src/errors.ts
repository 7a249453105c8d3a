/**
 * Typed errors. Every failure logitkit reports is one of these, with a message that names the
 * function, the argument and, where there is one, the index at fault. They extend the built-in
 * RangeError / TypeError / Error, so `instanceof RangeError` works as the spec promises.
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

/** Status codes returned by the C++ kernels (cpp/include/logitkit/status.h). */
export const enum KernelCode {
  Ok = 0,
  NaN = 1,
  PositiveInf = 2,
  AllNegativeInf = 3,
  AllBanned = 4,
  BadToken = 5,
  OutOfMemory = 6,
  BadOption = 7,
  BadListToken = 8,
}

/** Throws the typed error for a packed kernel status (code * 2^32 + index); returns on success. */
export function throwIfFailed(packed: number, fn: string): void {
  if (packed === 0) return;
  const code = Math.floor(packed / 4294967296) as KernelCode;
  const index = packed % 4294967296;
  switch (code) {
    case KernelCode.NaN:
      throw new LogitkitRangeError(`${fn}: logits[${index}] is NaN`, 'logits', index);
    case KernelCode.PositiveInf:
      throw new LogitkitRangeError(
        `${fn}: logits[${index}] is +Infinity (only -Infinity, a masked token, is allowed)`,
        'logits',
        index,
      );
    case KernelCode.AllNegativeInf:
      throw new LogitkitRangeError(
        `${fn}: every entry of logits is -Infinity, so there is no distribution`,
        'logits',
      );
    case KernelCode.AllBanned:
      throw new LogitkitRangeError(
        `${fn}: options.logitBias, the penalties and the bans (allowedTokenIds, badWordsIds, noRepeatNgramSize) leave no token with a finite logit`,
        'options.logitBias',
      );
    case KernelCode.BadToken:
      throw new LogitkitRangeError(
        `${fn}: token id ${index} (from options.logitBias or the sampler's history) is outside the vocabulary`,
        'options.logitBias',
        index,
      );
    case KernelCode.BadOption:
      throw new LogitkitRangeError(
        `${fn}: invalid sampler configuration (item ${index})`,
        'options',
        index,
      );
    case KernelCode.BadListToken:
      throw new LogitkitRangeError(
        `${fn}: token id ${index} (from options.allowedTokenIds, options.badWordsIds or options.drySequenceBreakers) is outside the vocabulary`,
        'options',
        index,
      );
    case KernelCode.OutOfMemory:
      throw new LogitkitStateError(`${fn}: WebAssembly memory is exhausted`);
    default:
      throw new LogitkitStateError(`${fn}: unexpected kernel status ${packed}`);
  }
}
