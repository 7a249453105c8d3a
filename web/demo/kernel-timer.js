// Measures lk.softmax per call with performance.now(). It uses the zero-copy path (LogitsBuffer
// in and out), so the figure is the kernel, not the copy. Batches double until one batch takes
// at least `budgetMs`: browsers coarsen performance.now() (to 0.1 ms or more), so single calls
// of a few microseconds cannot be timed one by one.

export function timeSoftmax(lk, logits, temperature, budgetMs = 40) {
  const input = lk.allocLogits(logits.length);
  const output = lk.allocLogits(logits.length);
  try {
    input.array.set(logits);
    const options = { temperature, out: output };
    for (let i = 0; i < 3; i++) lk.softmax(input, options); // warm-up
    for (let calls = 1; ; calls *= 2) {
      const start = performance.now();
      for (let i = 0; i < calls; i++) lk.softmax(input, options);
      const elapsed = performance.now() - start;
      if (elapsed >= budgetMs || calls >= 1 << 22)
        return { microseconds: (elapsed * 1000) / calls, calls };
    }
  } finally {
    input.dispose();
    output.dispose();
  }
}
