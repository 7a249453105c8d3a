// The adapters take the logitkit instance as an argument from code that also handles the runtime's
// objects, so a wrong argument there (the runtime's own object, a module namespace, a Promise from
// a forgotten `await load()`) must be a typed error naming it, not a TypeError from deep inside.
import { LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import type { Logitkit } from '../logitkit.js';

/**
 * Asserts that `lk` is a loaded logitkit instance (what `await load()` returns).
 * @throws LogitkitTypeError naming `what`, and saying when `lk` is the Promise of `load()`.
 */
export function expectLogitkit(lk: unknown, fn: string, what = 'lk'): asserts lk is Logitkit {
  const value = lk as Partial<Logitkit> | null | undefined;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof value.createSampler === 'function' &&
    typeof value.allocLogits === 'function'
  )
    return;
  const pending = typeof (value as { then?: unknown } | null)?.then === 'function';
  throw new LogitkitTypeError(
    `${fn}: ${what} must be a loaded logitkit instance (await load()), got ${
      pending ? 'a Promise: await it first' : describe(lk)
    }`,
    what,
  );
}
