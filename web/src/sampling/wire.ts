// The sampler's wire format, derived from the tables: the parameter slots of `_samplerConfigure`
// (OPTION_TABLE's slot rows, in order), the stage lists of `_samplerSetList`, and the result row
// of `_samplerSample` / `_sampleRows` (the C++ side: LOGITKIT_SAMPLING_PARAMS and
// LOGITKIT_SAMPLE_RESULT_FIELDS in cpp/include/logitkit/sampler_tables.h; tests/js/tables.test.mjs
// checks that both sides agree).
import { OPTION_TABLE, type OptionRow, type ParsedOptions, type WireList } from './options.js';
import { stageIndex } from './stages.js';
import type { Seed } from './values.js';

const SLOT_ROWS = (OPTION_TABLE as readonly OptionRow[]).filter((r) => r.slot !== undefined);

/** @internal The options with parameter slots, in slot order (for the tables test). */
export const SLOT_OPTIONS: readonly OptionRow[] = SLOT_ROWS;

/** The parameter slots of `_samplerConfigure` for these options. */
export function paramSlots(values: ParsedOptions): Float64Array {
  const slots: number[] = [];
  for (const r of SLOT_ROWS) slots.push(...r.slot!(values[r.name as keyof ParsedOptions]));
  return Float64Array.from(slots);
}

// Where the seed's two slots start.
const SEED_SLOT = SLOT_ROWS.slice(
  0,
  SLOT_ROWS.findIndex((r) => r.name === 'seed'),
).reduce((at, r) => at + (r.slotCount ?? 1), 0);

/** The same slots with another seed (a batch row's). */
export function slotsWithSeed(slots: Float64Array, seed: Seed): Float64Array {
  const copy = slots.slice();
  copy[SEED_SLOT] = seed.low;
  copy[SEED_SLOT + 1] = seed.high;
  return copy;
}

/** A stage's list as `_samplerSetList` takes it. */
export interface StageList extends WireList {
  /** The stage's wire value. */
  stage: number;
}

/** Every list-taking option's list (empty when the option is not given: that clears it). */
export function listsOf(values: ParsedOptions): StageList[] {
  return (OPTION_TABLE as readonly OptionRow[])
    .filter((r) => r.list !== undefined)
    .map((r) => ({
      stage: stageIndex(r.list!.stage),
      ...r.list!.encode(values[r.name as keyof ParsedOptions]),
    }));
}

/** The fields of one result row, one double each, in order. */
export const RESULT_FIELDS = ['token', 'logprob', 'rawLogprob', 'kept', 'rank', 'samples'] as const;
/** Bytes per result row. */
export const RESULT_ROW_BYTES = RESULT_FIELDS.length * 8;

/** Each result field's position in a row. */
export const RESULT_AT = Object.fromEntries(RESULT_FIELDS.map((field, i) => [field, i])) as Record<
  (typeof RESULT_FIELDS)[number],
  number
>;
