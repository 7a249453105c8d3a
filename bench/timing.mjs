// Wall-clock timing for the benchmarks, in Node and in browsers (uses only `performance.now()`).
//
// Contract of measure(fn, options): calls fn in batches. A batch is as many back-to-back calls as
// it takes to last at least `minSampleMs`, so a coarse clock (Chromium rounds performance.now()
// to 100 µs on pages that are not cross-origin isolated) still resolves a 10 µs call. Each batch
// gives one sample, its time per call. Sampling stops when there are at least `minSamples`
// samples and `budgetMs` has passed, or at `maxSamples`. The result is the median sample.
// Slow calls (a JS sort over 1M entries) therefore take about (warm-up + minSamples) calls.

export const DEFAULT_TIMING = Object.freeze({
  budgetMs: 150,
  minSamples: 5,
  maxSamples: 400,
  minSampleMs: 1,
});

/** Median of a non-empty array of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Milliseconds taken by `calls` back-to-back calls of fn. */
function timeBatch(fn, calls) {
  const t0 = performance.now();
  for (let i = 0; i < calls; i++) fn();
  return performance.now() - t0;
}

/**
 * Times fn (see the contract above). Returns { us, samples, batch }: the median microseconds per
 * call, the number of samples and the calls per sample. Exceptions from fn propagate.
 */
export function measure(fn, options = {}) {
  const { budgetMs, minSamples, maxSamples, minSampleMs } = { ...DEFAULT_TIMING, ...options };
  // Warm-up (JIT, caches, lazily grown memory), then find the batch size by doubling.
  let batch = 1;
  let elapsed = timeBatch(fn, 1);
  while (elapsed < minSampleMs && batch < 1 << 20) {
    batch *= 2;
    elapsed = timeBatch(fn, batch);
  }
  const perCall = [];
  const start = performance.now();
  while (
    perCall.length < maxSamples &&
    (perCall.length < minSamples || performance.now() - start < budgetMs)
  ) {
    perCall.push((timeBatch(fn, batch) * 1000) / batch);
  }
  return { us: median(perCall), samples: perCall.length, batch };
}
