// Building blocks shared by the kernels and the sampler (internal: not part of the C++ API).
#pragma once
#include <cstddef>

namespace logitkit {

// Writes out[i] = exp((logits[i] - max) * inv_t) and returns their sum (block-accumulated in
// double).
double exp_store_sum(const float* logits, size_t n, float max, double inv_t, float* out);

// Sampling weights: exp_store_sum with the cheaper exp (simd.h, fast_exp_of_difference), good for
// sums and draws but not for softmax's stored probabilities.
double weights_store_sum(const float* logits, size_t n, float max, double inv_t, float* out);

// weights_store_sum, and in the same pass *raw_sum = sum exp(logits[i] - max) (temperature 1).
double weights_store_sum_and_raw(const float* logits, size_t n, float max, double inv_t, float* out,
                                 double* raw_sum);

// Counts entries >= threshold and reports the smallest such entry (when the count is nonzero).
size_t count_at_least(const float* logits, size_t n, float threshold, float* smallest);

}  // namespace logitkit
