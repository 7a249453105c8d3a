// The passes over a whole row that the kernels and the sampler share (internal: not part of the
// C++ API), by file. Each is tested on its own at the vector-tile edges
// (tests/cpp/passes_test.cpp).
#pragma once
#include <cstddef>
#include <cstdint>

namespace logitkit {

// ---- softmax.cpp ----

// Writes out[i] = exp((logits[i] - max) * inv_t) with the exact-argument exp (softmax's stored
// probabilities) and returns their sum (block-accumulated in double).
double exact_exp_store_sum(const float* logits, size_t n, float max, double inv_t, float* out);

// ---- sampler_passes.cpp ----

// Sampling weights: out[i] = exp((logits[i] - max) * inv_t) with the rounded-argument exp (good for
// sums and draws, not for stored probabilities; the exact one where 1/T does not fit a float), and
// their block sum.
double weights_store_sum(const float* logits, size_t n, float max, double inv_t, float* out);

// weights_store_sum, and in the same pass *unit_temperature_sum = sum exp(logits[i] - max), the
// normaliser at T = 1 (the rawLogprob's).
double weights_store_sum_and_unit_temperature_sum(const float* logits, size_t n, float max,
                                                  double inv_t, float* out,
                                                  double* unit_temperature_sum);

// Counts entries >= threshold and reports the smallest such entry in *smallest (when the count is
// nonzero). NaN must already be ruled out.
size_t count_at_least(const float* logits, size_t n, float threshold, float* smallest);

// How many entries rank before logits[t] in the order (logit descending, then index ascending):
// those greater, and those equal at a lower index. NaN must already be ruled out; t < n.
size_t count_ranking_before(const float* logits, size_t n, size_t t);

}  // namespace logitkit
