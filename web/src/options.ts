import { LogitkitRangeError, LogitkitTypeError } from './errors.js';
import { describe } from './input.js';

/**
 * Option parsing: one place that turns what callers write into validated values, with errors that
 * name the function and the option.
 */

/**
 * Refuses a key of a kernel's options object that the kernel does not read (a typo such as
 * `{ temp: 0.5 }` would otherwise run at the default), as the sampling options do. `null` /
 * `undefined` options are fine; a non-object is left to the option readers' own errors.
 */
export function checkOptionKeys(options: unknown, fn: string, keys: readonly string[]): void {
  if (options === undefined || options === null || typeof options !== 'object') return;
  for (const key of Object.keys(options)) {
    if (!keys.includes(key)) {
      throw new LogitkitTypeError(
        `${fn}: unknown option ${JSON.stringify(key)}. Valid options: ${keys.join(', ')}`,
        `options.${key}`,
      );
    }
  }
}

/**
 * An adapter's options object: a LogitkitTypeError naming `options` when it is not an object
 * (null included), then checkOptionKeys.
 */
export function checkOptionsObject(options: unknown, fn: string, keys: readonly string[]): void {
  if (typeof options !== 'object' || options === null)
    throw new LogitkitTypeError(
      `${fn}: options must be an object, got ${describe(options)}`,
      'options',
    );
  checkOptionKeys(options, fn, keys);
}

export function temperatureOf(
  options: { temperature?: number } | undefined,
  fn: string,
  allowZero = true,
): number {
  if (options === undefined || options === null) return 1;
  if (typeof options !== 'object')
    throw new LogitkitTypeError(
      `${fn}: options must be an object, got ${describe(options)}`,
      'options',
    );
  const t = options.temperature;
  if (t === undefined) return 1;
  if (typeof t !== 'number') {
    throw new LogitkitTypeError(
      `${fn}: options.temperature must be a number, got ${describe(t)}`,
      'options.temperature',
    );
  }
  if (!Number.isFinite(t) || t < 0 || (!allowZero && t === 0)) {
    const need = allowZero ? 'a finite number >= 0 (0 means greedy)' : 'a finite number > 0';
    throw new LogitkitRangeError(
      `${fn}: options.temperature must be ${need}, got ${t}`,
      'options.temperature',
    );
  }
  return t;
}

/** An integer within [min, max]; `what` is how the message names it. */
export function integerIn(
  value: unknown,
  min: number,
  max: number,
  fn: string,
  what: string,
): number {
  if (typeof value !== 'number')
    throw new LogitkitTypeError(`${fn}: ${what} must be a number, got ${describe(value)}`, what);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new LogitkitRangeError(
      `${fn}: ${what} must be an integer in [${min}, ${max}], got ${value}`,
      what,
    );
  }
  return value;
}

/** A finite number within [min, max] (each bound inclusive unless said otherwise). */
export function numberIn(
  value: unknown,
  min: number,
  max: number,
  fn: string,
  what: string,
  { minExclusive = false } = {},
): number {
  if (typeof value !== 'number')
    throw new LogitkitTypeError(`${fn}: ${what} must be a number, got ${describe(value)}`, what);
  if (!Number.isFinite(value) || value > max || value < min || (minExclusive && value === min)) {
    const range = `${minExclusive ? '(' : '['}${min}, ${max}]`;
    throw new LogitkitRangeError(`${fn}: ${what} must be in ${range}, got ${value}`, what);
  }
  return value;
}
