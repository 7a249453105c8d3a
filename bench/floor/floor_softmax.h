// The benchmark's floor: the least work an exact-argument SIMD128 softmax needs (bench only: it is
// bound into the wasm modules under the internal name `_benchFloorSoftmax`, which the public API
// never calls, and linked into the native benchmark as its twin).
//
// It is the reference line `npm run bench` prints logitkit's kernels against: three passes (max;
// exp, store and sum; scale), no validation, no temperature, nothing logitkit adds for its
// contracts. Its exp is the cheapest one whose argument is never rounded:
// - softmax is shift-invariant, so it shifts by c = k ln 2 with k = round(max log2 e) instead of by
//   the max; exp(z - c) = 2^(m - k) exp(z - m ln 2) with m = round(z log2 e), so the Cody-Waite
//   reduction works on z itself: m ln2_hi is exact (ln2_hi has 15 significant bits and |m| < 2^9)
//   and so is z - m ln2_hi (the two are within a factor of two, or m = 0). No subtraction of the
//   max is rounded;
// - z is clamped from below at c - 88 with one `max` (where 2^(m - k) is already 0), which also
//   maps -Infinity to 0;
// - exp(r) = 1 + r q(r), a degree-5 polynomial on [-ln2/2, ln2/2], times 2^(m - k) built in the
//   exponent field (a magic bias of 1.5 * 2^23 + 127 - k rounds y to m and leaves m - k + 127 in
//   the low bits).
// Sums are accumulated in float within blocks of 256 logits and in double across blocks, as
// logitkit's kernels do, so it meets the same accuracy: relative error <= 5e-7 where p >= 1e-30.
// Valid for finite logits with |max| <= 260 (|m| < 2^9 over the range that matters); n >= 1.
#pragma once
#include <cstddef>

namespace logitkit::bench {

void floor_softmax(const float* logits, size_t n, float* out);

}  // namespace logitkit::bench
