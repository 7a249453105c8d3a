// The calls that carry a sampler across the wasm boundary: configuring one (its stage lists, then
// its parameter slots and stage order), reading its active stages, one draw, and the result rows
// of `_samplerSample` / `_sampleRows` with their top lists and samples.
import { LogitkitRangeError, throwIfFailed } from './errors.js';
import type { Heap } from './heap.js';
import { placeLogits, type DType, type Logits } from './input.js';
import type { SampleResult } from './sampler.js';
import type { OutputArgs } from './raw-module.js';
import type { ParsedOptions } from './sampling/options.js';
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

/** Where the results of one draw (or one batch of `rows` draws) go, and how many of each. */
export interface Outputs {
  result: number;
  topIndices: number;
  topLogprobs: number;
  /** Top-list entries per row. */
  topN: number;
  sampleTokens: number;
  sampleLogprobs: number;
  /** Distinct samples per row (0: none). */
  samples: number;
}

/** The scratch regions for `rows` draws over `n` logits with these options. */
export function outputsFor(heap: Heap, rows: number, p: ParsedOptions, n: number): Outputs {
  const topN = Math.min(p.topLogprobs, n);
  const samples = p.n >= 2 ? Math.min(p.n, n) : 0;
  return {
    result: heap.region('sampleResult', rows * RESULT_ROW_BYTES),
    topIndices: heap.region('topIndices', rows * topN * 4),
    topLogprobs: heap.region('topLogprobs', rows * topN * 4),
    topN,
    sampleTokens: heap.region('sampleTokens', rows * samples * 4),
    sampleLogprobs: heap.region('sampleLogprobs', rows * samples * 4),
    samples,
  };
}

/** The outputs as the wire's trailing arguments. */
export function outputArgs(o: Outputs): OutputArgs {
  return [
    o.result,
    o.topIndices,
    o.topLogprobs,
    o.topN,
    o.sampleTokens,
    o.sampleLogprobs,
    o.samples,
  ];
}

/** Reads row `row` of the results written by `_samplerSample` / `_sampleRows`. */
export function readResult(heap: Heap, o: Outputs, row: number): SampleResult {
  const r = heap.f64(o.result + row * RESULT_ROW_BYTES, RESULT_ROW_BYTES / 8);
  const out: SampleResult = {
    token: r[RESULT_AT.token]!,
    logprob: r[RESULT_AT.logprob]!,
    rawLogprob: r[RESULT_AT.rawLogprob]!,
    kept: r[RESULT_AT.kept]!,
    rank: r[RESULT_AT.rank]!,
  };
  if (o.topN > 0) {
    out.topLogprobs = {
      indices: heap.i32(o.topIndices + row * o.topN * 4, o.topN).slice(),
      logprobs: heap.f32(o.topLogprobs + row * o.topN * 4, o.topN).slice(),
    };
  }
  if (o.samples >= 2) {
    const count = r[RESULT_AT.samples]!;
    out.samples = {
      tokens: heap.i32(o.sampleTokens + row * o.samples * 4, count).slice(),
      logprobs: heap.f32(o.sampleLogprobs + row * o.samples * 4, count).slice(),
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
  // A grammar's vocabulary is the logits' length (createTokenizerInfo's vocabSize): shorter logits
  // would hide the tokens past their end from the mask, stop tokens included, without a word.
  const grammarVocabSize = p.values.grammar?.compiled.vocabSize;
  if (grammarVocabSize !== undefined && placed.length < grammarVocabSize)
    throw new LogitkitRangeError(
      `${fn}: logits has ${placed.length} entries, fewer than the grammar's vocabulary of ${grammarVocabSize} (the TokenizerInfo's vocabSize, which is the logits' length)`,
      'logits',
    );
  const outputs = outputsFor(heap, 1, p.values, placed.length);
  throwIfFailed(
    heap.module._samplerSample(handle, placed.pointer, placed.length, ...outputArgs(outputs)),
    fn,
  );
  return readResult(heap, outputs, 0);
}
