// From what callers write to what the wire takes: option names (camelCase, snake_case and the
// aliases of OPTION_TABLE) to canonical ones, values validated and defaulted, then the parameter
// slots, the stage lists and the stage order of a `_samplerConfigure` call.
import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import {
  OPTION_TABLE,
  type OptionRow,
  type ParsedOptions,
  type CanonicalSamplingOptions,
} from './options.js';
import { stageIndex } from './stages.js';
import { checkLateProcessors } from './values.js';
import { withVocabulary } from './vocabulary.js';
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
  const given = withVocabulary(canonicalSamplingOptions(options, fn, extra), fn) as Record<
    string,
    unknown
  >;
  const values: Record<string, unknown> = {};
  for (const r of OPTION_TABLE as readonly OptionRow[])
    values[r.name] = r.parse(given[r.name], fn, `options.${r.name}`);
  const parsed = values as ParsedOptions;
  checkTogether(parsed, fn);
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

// The rules that tie options together: processors after filters (compat), and the stop-token bans,
// which need the stop tokens.
function checkTogether(values: ParsedOptions, fn: string): void {
  checkLateProcessors(values.order, values.compat === 'llama.cpp', fn, 'options.order');
  const ban = values.minNewTokens > 0 || values.minLength > 0 || values.suppressStopTokens;
  if (ban && values.stopTokenIds.length === 0) {
    const by =
      values.minNewTokens > 0
        ? 'minNewTokens'
        : values.minLength > 0
          ? 'minLength'
          : 'suppressStopTokens';
    throw new LogitkitRangeError(
      `${fn}: options.${by} bans the stop tokens, but options.stopTokenIds is not given (the sampler does not know the vocabulary's end-of-sequence tokens)`,
      'options.stopTokenIds',
    );
  }
}
