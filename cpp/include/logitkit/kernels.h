// The stateless kernels over one row of logits.
//
// Contracts common to every function here:
// - `logits` holds n >= 1 float32 values. -Infinity is a masked token (probability 0). NaN,
//   +Infinity, or every entry being -Infinity is reported through Status (never UB, never a trap).
// - `temperature` is finite and >= 0 (checked by the caller). T = 0 is greedy: a one-hot
//   distribution at the argmax, ties resolved to the lowest index.
// - Outputs have room for n floats (k for selections); out may alias logits for in-place use.
// - Accuracy (vs float64 on the same float32 inputs, at any temperature): the contracts are the
//   constants of logitkit/accuracy.h (softmax relative error, its sum, log-softmax, logSumExp,
//   entropy). softmax's stored probabilities and entropy take the exp whose argument (z - max) / T
//   is never rounded; the normalising sums (log-softmax, logSumExp, topLogprobs) and the sampler's
//   weights take the cheaper exp whose argument is rounded once, which a sum tolerates because it
//   is dominated by its large terms (cpp/src/exp.h). Sums are blocked: float within 256 logits,
//   double across blocks.
// - Results are bit-identical in the wasm SIMD, wasm baseline and native builds: every kernel is
//   one source over 4-lane vectors, with a fixed reduction order and no FMA contraction.
#pragma once
#include <cstddef>
#include <cstdint>

#include "logitkit/status.h"

namespace logitkit {

// Validates the row and finds its maximum in one pass.
struct Scan {
  Status status;
  float max = 0;  // valid when status.ok()
};
Scan scan_logits(const float* logits, size_t n);

// Index of the first entry equal to `max` (the row's maximum from scan_logits).
uint32_t first_index_of(const float* logits, size_t n, float max);

// Sum of exp((logits[i] - max) * inv_temperature), accumulated in blocks and in double, with the
// rounded-argument exp (relative error of the sum ~3e-7: it is dominated by its large terms).
double sum_exp(const float* logits, size_t n, float max, double inv_temperature);

// 1/T as used by every kernel: clamped to 1e300 so that a denormal T never produces 0 * inf.
double inverse_temperature(double temperature);

Status softmax(const float* logits, size_t n, double temperature, float* out);
Status log_softmax(const float* logits, size_t n, double temperature, float* out);
// log sum_i exp(logits[i] / T), for T > 0.
Status log_sum_exp(const float* logits, size_t n, double temperature, double* out);
// Shannon entropy in nats of softmax(logits / T). T = 0 gives 0.
Status entropy(const float* logits, size_t n, double temperature, double* out);
Status argmax(const float* logits, size_t n, uint32_t* out);

// The k largest entries, sorted by value descending, ties by lower index first.
// 1 <= k <= n. O(n) for typical inputs (a vector compare rejects most entries), O(n log k) worst.
// NaN must already be ruled out (scan_logits).
void top_k_unchecked(const float* logits, size_t n, size_t k, int32_t* out_indices,
                     float* out_values);
Status top_k(const float* logits, size_t n, size_t k, int32_t* out_indices, float* out_values);

// The k most probable tokens of softmax(logits / T) with their log-probabilities.
Status top_logprobs(const float* logits, size_t n, size_t k, double temperature,
                    int32_t* out_indices, float* out_logprobs);

// A grammar's token bitmask (xgrammar's and llguidance's layout): bit (i & 31) of bitmask[i >> 5]
// set when token i is allowed. Disallowed logits, and those past the mask's words * 32 ids, become
// -Infinity in place; allowed ones are untouched. `words` may be 0 (every token masked). Never
// fails: the row is not validated.
void apply_bitmask(float* logits, size_t n, const uint32_t* bitmask, size_t words);

}  // namespace logitkit
