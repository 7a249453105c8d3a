/**
 * The one error type that parsing raises.
 *
 * Contract: every problem with the *input data* (bad JSON, a wrong type, a number that cannot be
 * a logprob, an unknown shape) surfaces as a `LogprobsParseError`. Its `path` names the value at
 * fault in the provider's response, for example `choices[0].logprobs.content[3].logprob`; for a
 * stream the path starts with the chunk number (`[2].choices[0]...`), and `$` is the whole input.
 * Bad *arguments* (an unknown provider name, a threshold of 2) are programming errors and raise
 * the standard `TypeError` / `RangeError` instead, naming the argument.
 */
export class LogprobsParseError extends Error {
  override readonly name = 'LogprobsParseError';
  /** JSON path of the offending value (`$` for the whole input). */
  readonly path: string;
  /** The problem without the path prefix, e.g. `expected a number, got a string`. */
  readonly problem: string;

  constructor(path: { toString(): string }, problem: string) {
    const where = String(path);
    super(`${where}: ${problem}`);
    this.path = where;
    this.problem = problem;
  }
}

/** Short human description of a JSON-ish value for error messages ("a string", "NaN", ...). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing (the field is missing)';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'number':
      return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
    case 'string':
      return value.length > 40
        ? `a string ("${value.slice(0, 40)}...")`
        : `a string (${JSON.stringify(value)})`;
    case 'object':
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
