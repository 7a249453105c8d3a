// The passes over a whole row that the kernels and the sampler share (internal: not part of the
// C++ API), by file. Each is tested on its own at the vector-tile edges
// (tests/cpp/passes_test.cpp).
#pragma once
#include <cstddef>
#include <cstdint>

#include "logitkit/kernels.h"

namespace logitkit {

// ---- reduce.cpp ----

// The row's maximum without looking for NaN (pmax skips it): the kernels whose exp pass sums every
// logit find a NaN through that sum, which it turns into NaN, and name it with locate_invalid on
// that rare path. +Infinity, every entry -Infinity, or n == 0 are reported here (status, with the
// first NaN or +Infinity index when there is one). One `max` per vector, against scan_logits's
// three operations.
Scan scan_max(const float* logits, size_t n);

// The first NaN or +Infinity in the row (kAllNegativeInf when there is neither).
Status locate_invalid(const float* logits, size_t n);

// ---- softmax.cpp ----

// Writes out[i] = exp((logits[i] - max) * inv_t) (cpp/src/exp.h) and returns their sum
// (block-accumulated in double). NaN in, NaN sum. softmax's stored probabilities, and the
// sampler's weights.
double exact_exp_store_sum(const float* logits, size_t n, float max, double inv_t, float* out);

// ---- sampler_passes.cpp ----

// sum exp(logits[i] - max) at T = 1 by normaliser_exp (cpp/src/exp.h): rawLogprob's normaliser,
// within kNormaliserExpRelativeError. NaN in, NaN sum.
double normaliser_sum(const float* logits, size_t n, float max);

// The sampler's weights out[i] = exp((logits[i] - max) * inv_t) and their sum, and in the same
// pass *unit_temperature_sum = normaliser_sum(logits, n, max), each sum bit-identical to the one
// its own pass (exact_exp_store_sum, normaliser_sum) computes.
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
