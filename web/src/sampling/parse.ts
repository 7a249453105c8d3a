// From what callers write to what the wire takes: option names (camelCase, snake_case and the
// aliases of OPTION_TABLE) to canonical ones, values validated and defaulted, then the parameter
// slots, the stage lists and the stage order of a `_samplerConfigure` call.
import { LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import {
  OPTION_TABLE,
  type OptionRow,
  type ParsedOptions,
  type CanonicalSamplingOptions,
} from './options.js';
import { stageIndex } from './stages.js';
import { listsOf, paramSlots, type StageList } from './wire.js';

/** The validated options and their wire form. */
export interface ParsedSampling {
  /** Every option, validated, defaults filled in. */
  values: ParsedOptions;
  /** The parameter slots of `_samplerConfigure`. */
  slots: Float64Array;
  /** The stage lists to set (each list-taking option's, empty when not given). */
  lists: readonly StageList[];
  /** The full stage order, as stage wire values. */
  order: Uint8Array;
}

const snakeCase = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

// Every accepted spelling -> its row.
const ROW_BY_NAME = new Map<string, OptionRow>(
  (OPTION_TABLE as readonly OptionRow[]).flatMap((r) =>
    [r.name, snakeCase(r.name), ...(r.aliases ?? [])].map((name) => [name, r] as const),
  ),
);
const VALID_OPTIONS = OPTION_TABLE.map((r) => r.name);

/** Maps aliases to canonical names; rejects unknown keys (listing the valid ones) and duplicates. */
export function canonicalSamplingOptions(
  options: unknown,
  fn: string,
  extra: readonly string[] = [],
): CanonicalSamplingOptions {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new LogitkitTypeError(
      `${fn}: options must be an object, got ${describe(options)}`,
      'options',
    );
  }
  const out: Record<string, unknown> = {};
  const from: Record<string, string> = {};
  for (const [key, value] of Object.entries(options)) {
    if (extra.includes(key)) continue;
    const name = ROW_BY_NAME.get(key)?.name;
    if (name === undefined) {
      const valid = [...VALID_OPTIONS, ...extra].join(', ');
      throw new LogitkitTypeError(
        `${fn}: unknown option "${key}". Valid options: ${valid} (snake_case aliases accepted)`,
        `options.${key}`,
      );
    }
    if (value === undefined) continue;
    if (name in out) {
      throw new LogitkitTypeError(
        `${fn}: options.${key} and options.${from[name]} are the same option; give one`,
        `options.${key}`,
      );
    }
    out[name] = value;
    from[name] = key;
  }
  return out as CanonicalSamplingOptions;
}

/** Validates sampling options; `fn` names the calling function in messages. */
export function parseSamplingOptions(
  options: unknown,
  fn: string,
  extra: readonly string[] = [],
): ParsedSampling {
  const given = canonicalSamplingOptions(options, fn, extra) as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const r of OPTION_TABLE as readonly OptionRow[])
    values[r.name] = r.parse(given[r.name], fn, `options.${r.name}`);
  const parsed = values as ParsedOptions;
  // The grammar's mask runs first whatever order was given: no other stage may see a token it
  // disallows.
  if (parsed.grammar !== undefined && !parsed.order.includes('grammar'))
    parsed.order = ['grammar', ...parsed.order];
  return {
    values: parsed,
    slots: paramSlots(parsed),
    lists: listsOf(parsed),
    order: Uint8Array.from(parsed.order, stageIndex),
  };
}
