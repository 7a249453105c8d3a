// The calls that carry a sampler across the wasm boundary: configuring one (its stage lists, then
// its parameter slots and stage order), reading its active stages, one draw, and the result rows
// of `_samplerSample` / `_sampleRows` with their top lists and samples.
import { throwIfFailed } from './errors.js';
import type { Heap } from './heap.js';
import { placeLogits, type DType, type Logits } from './input.js';
import type { SampleResult } from './sampler.js';
import type { ParsedSampling } from './sampling/parse.js';
import { STAGES, type StageName } from './sampling/stages.js';
import { RESULT_AT, RESULT_ROW_BYTES } from './sampling/wire.js';

/** Writes the options into a C++ sampler: the lists first, so that configure checks the order against them. */
export function configure(heap: Heap, handle: number, p: ParsedSampling, fn: string): void {
  for (const list of p.lists) {
    const count = list.lengths?.length ?? list.tokens.length;
    const tokens = heap.region('listTokens', list.tokens.length * 4);
    heap.i32(tokens, list.tokens.length).set(list.tokens);
    let lengths = 0;
    if (list.lengths !== undefined) {
      lengths = heap.region('listLengths', count * 4);
      new Uint32Array(heap.buffer, lengths, count).set(list.lengths);
    }
    let values = 0;
    if (list.values !== undefined) {
      values = heap.region('listValues', count * 4);
      heap.f32(values, count).set(list.values);
    }
    throwIfFailed(
      heap.module._samplerSetList(handle, list.stage, tokens, lengths, values, count),
      fn,
    );
  }
  const slots = heap.region('samplerSlots', p.slots.length * 8);
  const order = heap.region('samplerOrder', p.order.length);
  heap.f64(slots, p.slots.length).set(p.slots);
  new Uint8Array(heap.buffer, order, p.order.length).set(p.order);
  throwIfFailed(heap.module._samplerConfigure(handle, slots, order, p.order.length), fn);
}

/** The stages a configured sampler runs, in order. */
export function activeStages(heap: Heap, handle: number): StageName[] {
  const out = heap.region('activeStages', STAGES.length);
  const count = heap.module._samplerActiveStages(handle, out);
  return Array.from(new Uint8Array(heap.buffer, out, count), (stage) => STAGES[stage]!);
}

/** The scratch regions of one draw (or one batch of `rows` draws). */
export function outputRegions(heap: Heap, rows: number, topN: number, samples: number) {
  return {
    result: heap.region('sampleResult', rows * RESULT_ROW_BYTES),
    topIndices: heap.region('topIndices', rows * topN * 4),
    topLogprobs: heap.region('topLogprobs', rows * topN * 4),
    sampleTokens: heap.region('sampleTokens', rows * samples * 4),
    sampleLogprobs: heap.region('sampleLogprobs', rows * samples * 4),
  };
}

/** Reads row `row` of the results written by `_samplerSample` / `_sampleRows`. */
export function readResult(
  heap: Heap,
  regions: ReturnType<typeof outputRegions>,
  row: number,
  topN: number,
  sampleCapacity: number,
): SampleResult {
  const r = heap.f64(regions.result + row * RESULT_ROW_BYTES, RESULT_ROW_BYTES / 8);
  const out: SampleResult = {
    token: r[RESULT_AT.token]!,
    logprob: r[RESULT_AT.logprob]!,
    rawLogprob: r[RESULT_AT.rawLogprob]!,
    kept: r[RESULT_AT.kept]!,
    rank: r[RESULT_AT.rank]!,
  };
  if (topN > 0) {
    out.topLogprobs = {
      indices: heap.i32(regions.topIndices + row * topN * 4, topN).slice(),
      logprobs: heap.f32(regions.topLogprobs + row * topN * 4, topN).slice(),
    };
  }
  if (sampleCapacity >= 2) {
    const count = r[RESULT_AT.samples]!;
    out.samples = {
      tokens: heap.i32(regions.sampleTokens + row * sampleCapacity * 4, count).slice(),
      logprobs: heap.f32(regions.sampleLogprobs + row * sampleCapacity * 4, count).slice(),
    };
  }
  return out;
}

/** One draw with a configured C++ sampler; the top list and samples are copied out when asked for. */
export function drawWith(
  heap: Heap,
  handle: number,
  logits: Logits,
  p: ParsedSampling,
  fn: string,
  dtype?: DType,
): SampleResult {
  const placed = placeLogits(heap, logits, fn, 'logits', dtype);
  const topN = Math.min(p.values.topLogprobs, placed.length);
  const samples = p.values.n >= 2 ? Math.min(p.values.n, placed.length) : 0;
  const regions = outputRegions(heap, 1, topN, samples);
  throwIfFailed(
    heap.module._samplerSample(
      handle,
      placed.pointer,
      placed.length,
      regions.result,
      regions.topIndices,
      regions.topLogprobs,
      topN,
      regions.sampleTokens,
      regions.sampleLogprobs,
      samples,
    ),
    fn,
  );
  return readResult(heap, regions, 0, topN, samples);
}
