// One benchmark configuration (a vocabulary size and an input kind) over a list of
// implementations (see implementations.mjs). Runs in browsers and Node.
//
// The machine may be shared: a burst of load during one implementation's measurement would skew
// its ratio to the others. So every operation is measured in `rounds` rounds that cycle through
// all implementations, and the reported time is the median of the per-round medians.
import { median, measure } from './timing.mjs';

export const ROUNDS = 3;

/** Timing options for one round, by vocabulary size: 1M entries take fewer samples (JS sorts take ~0.6 s). */
export function timingFor(n, base = {}) {
  return n > 300_000
    ? { budgetMs: 100, minSamples: 2, ...base }
    : { budgetMs: 150, minSamples: 5, ...base };
}

const reason = (error) => String(error?.message ?? error).split('\n')[0];

/**
 * Times every operation of every implementation on logits z. Returns
 *   { V, kind, times: { [key]: { [op]: microseconds } }, errors: { [key or key.op]: reason } }.
 * A failure (a library that did not load, or an operation that threw) becomes an entry in
 * `errors` and never stops the other measurements. `onProgress(text)` is told what runs next.
 */
export async function measureConfig({
  z,
  kind,
  implementations,
  timing = {},
  rounds = ROUNDS,
  onProgress = () => {},
}) {
  const result = { V: z.length, kind, times: {}, errors: {} };
  const prepared = [];
  for (const impl of implementations) {
    if (impl.unavailable) {
      result.errors[impl.key] = impl.unavailable;
      continue;
    }
    try {
      prepared.push({ impl, ...impl.setup(z), perRound: {} });
    } catch (error) {
      result.errors[impl.key] = `setup failed: ${reason(error)}`;
    }
  }
  const options = timingFor(z.length, timing);
  for (let round = 0; round < rounds; round++) {
    for (const p of prepared) {
      for (const [op, fn] of Object.entries(p.ops)) {
        if (result.errors[`${p.impl.key}.${op}`]) continue;
        onProgress(`round ${round + 1}/${rounds}: ${kind} V=${z.length} ${p.impl.label} ${op}`);
        // Yield between measurements so a browser page stays responsive and timers/GC can run.
        await new Promise((resolve) => setTimeout(resolve, 0));
        try {
          (p.perRound[op] ??= []).push(measure(fn, options).us);
        } catch (error) {
          result.errors[`${p.impl.key}.${op}`] = reason(error);
        }
      }
    }
  }
  for (const p of prepared) {
    result.times[p.impl.key] = {};
    for (const [op, values] of Object.entries(p.perRound)) {
      if (!result.errors[`${p.impl.key}.${op}`]) result.times[p.impl.key][op] = median(values);
    }
    p.dispose();
  }
  return result;
}
