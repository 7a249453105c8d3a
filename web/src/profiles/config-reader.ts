import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';

/** Number bounds for `ConfigReader.number`; each bound is inclusive unless marked exclusive. */
export interface Bounds {
  min?: number;
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads one pasted config (a JSON object) for a profile function. Every getter names the value by
 * its JSON path (`params.top_k`) in errors; `null` reads as absent, as it does in every reference
 * (Python's None, nlohmann's type-mismatch fallback). `finish()` rejects keys no getter read and
 * returns the ones the profile ignores on purpose.
 */
export class ConfigReader {
  private readonly config: Record<string, unknown>;
  private readonly read = new Set<string>();
  private readonly ignoredKeys: string[] = [];

  /**
   * @param fn the profile function, for messages (`fromVllm`).
   * @param root the argument's name, the start of every JSON path (`samplingParams`).
   */
  constructor(
    readonly fn: string,
    readonly root: string,
    config: unknown,
  ) {
    if (!isPlainObject(config)) {
      throw new LogitkitTypeError(
        `${fn}: ${root} must be an object (the parsed JSON config), got ${describe(config)}`,
        root,
      );
    }
    this.config = config;
  }

  /** The JSON path of a key. */
  path(key: string): string {
    return /^[A-Za-z_$][\w$]*$/.test(key)
      ? `${this.root}.${key}`
      : `${this.root}[${JSON.stringify(key)}]`;
  }

  /** Whether the config gives the key a value other than null. */
  has(key: string): boolean {
    const value = this.config[key];
    return value !== undefined && value !== null;
  }

  /** The key's value, or undefined when absent or null; marks the key as read. */
  raw(key: string): unknown {
    this.read.add(key);
    const value = this.config[key];
    return value === null ? undefined : value;
  }

  /** A finite number within bounds, or `fallback` when absent. */
  number(key: string, fallback: number, bounds?: Bounds): number;
  number(key: string, fallback?: undefined, bounds?: Bounds): number | undefined;
  number(key: string, fallback?: number, bounds: Bounds = {}): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    return this.checkNumber(value, this.path(key), bounds);
  }

  /** An integer within bounds, or `fallback` when absent. */
  integer(key: string, fallback: number, bounds?: Bounds): number;
  integer(key: string, fallback?: undefined, bounds?: Bounds): number | undefined;
  integer(key: string, fallback?: number, bounds: Bounds = {}): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    const n = this.checkNumber(value, this.path(key), bounds);
    if (!Number.isInteger(n)) this.rangeError(key, `must be an integer, got ${n}`);
    return n;
  }

  /** A boolean, or `fallback` when absent. */
  boolean(key: string, fallback: boolean): boolean {
    const value = this.raw(key);
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean')
      this.typeError(key, `must be true or false, got ${describe(value)}`);
    return value;
  }

  /** A string, or undefined when absent. */
  string(key: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'string') this.typeError(key, `must be a string, got ${describe(value)}`);
    return value;
  }

  /** Token ids given as one id or an array of ids (as HF's `eos_token_id`); undefined when absent. */
  tokenIds(key: string): number[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const list = Array.isArray(value) ? value : [value];
    return list.map((id, i) =>
      this.tokenId(id, Array.isArray(value) ? `${this.path(key)}[${i}]` : this.path(key)),
    );
  }

  /** An array of token-id arrays (`bad_words_ids`); undefined when absent. */
  tokenSequences(key: string): number[][] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (!Array.isArray(value))
      this.typeError(key, `must be an array of token-id arrays, got ${describe(value)}`);
    return value.map((seq: unknown, i) => {
      const where = `${this.path(key)}[${i}]`;
      if (!Array.isArray(seq) || seq.length === 0) {
        throw new LogitkitTypeError(
          `${this.fn}: ${where} must be a non-empty array of token ids, got ${describe(seq)}`,
          where,
        );
      }
      return seq.map((id: unknown, j) => this.tokenId(id, `${where}[${j}]`));
    });
  }

  /** An object { "token id": bias } (OpenAI / vLLM `logit_bias`), biases within bounds; undefined when absent. */
  tokenBiases(key: string, bounds: Bounds = {}): Record<number, number> | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || Array.isArray(value))
      this.typeError(key, `must be an object { "token id": bias }, got ${describe(value)}`);
    const out: Record<number, number> = {};
    for (const [id, bias] of Object.entries(value as object)) {
      const where = `${this.path(key)}[${JSON.stringify(id)}]`;
      out[this.tokenId(/^\d+$/.test(id) ? Number(id) : id, where)] = this.checkNumber(
        bias,
        where,
        bounds,
      );
    }
    return out;
  }

  /** A token id (an integer >= 0) at a JSON path. */
  tokenId(value: unknown, where: string): number {
    if (typeof value !== 'number')
      throw new LogitkitTypeError(
        `${this.fn}: ${where} must be a token id, got ${describe(value)}`,
        where,
      );
    if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
      throw new LogitkitRangeError(
        `${this.fn}: ${where} must be a token id (an integer >= 0), got ${value}`,
        where,
      );
    }
    return value;
  }

  /** A finite number within bounds at a JSON path. */
  checkNumber(value: unknown, where: string, bounds: Bounds = {}): number {
    if (typeof value !== 'number')
      throw new LogitkitTypeError(
        `${this.fn}: ${where} must be a number, got ${describe(value)}`,
        where,
      );
    const { min = -Infinity, max = Infinity, minExclusive = false, maxExclusive = false } = bounds;
    const below = minExclusive ? value <= min : value < min;
    const above = maxExclusive ? value >= max : value > max;
    if (!Number.isFinite(value) || below || above) {
      const range = `${minExclusive ? '(' : '['}${min}, ${max}${maxExclusive ? ')' : ']'}`;
      throw new LogitkitRangeError(`${this.fn}: ${where} must be in ${range}, got ${value}`, where);
    }
    return value;
  }

  /** Marks keys the profile ignores on purpose (they do not change the sampler): listed in `ignored`. */
  ignore(...keys: string[]): void {
    for (const key of keys) {
      this.read.add(key);
      if (this.has(key) && !this.ignoredKeys.includes(key)) this.ignoredKeys.push(key);
    }
  }

  /** Records an element of a value that the profile drops as the reference does (e.g. `samplers[3]`). */
  ignorePath(path: string): void {
    this.ignoredKeys.push(path);
  }

  /**
   * A key the profile cannot reproduce: ignored while it holds its reference's no-op value, a
   * `LogitkitRangeError` saying why otherwise.
   */
  unsupported(key: string, isNoOp: (value: unknown) => boolean, why: string): void {
    const value = this.raw(key);
    if (value === undefined) return;
    if (!isNoOp(value)) this.rangeError(key, `= ${JSON.stringify(value)} ${why}`);
    this.ignoredKeys.push(key);
  }

  /** Throws a `LogitkitRangeError` naming the key. */
  rangeError(key: string, message: string): never {
    throw new LogitkitRangeError(`${this.fn}: ${this.path(key)} ${message}`, this.path(key));
  }

  /** Throws a `LogitkitTypeError` naming the key. */
  typeError(key: string, message: string): never {
    throw new LogitkitTypeError(`${this.fn}: ${this.path(key)} ${message}`, this.path(key));
  }

  /** Rejects keys no getter read (listing the known ones) and returns the ignored keys, in order. */
  finish(): string[] {
    const unknown = Object.keys(this.config).filter((key) => !this.read.has(key));
    if (unknown.length > 0) {
      const key = unknown[0]!;
      throw new LogitkitTypeError(
        `${this.fn}: unknown key ${JSON.stringify(key)} in ${this.root}. Known keys: ${[...this.read].sort().join(', ')}`,
        this.path(key),
      );
    }
    return [...this.ignoredKeys];
  }
}
