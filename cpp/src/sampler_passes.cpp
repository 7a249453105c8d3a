// The sampler's passes over the whole vocabulary: its weights and the counts behind logit
// thresholds and ranks.
#include <cmath>
#include <limits>

#include "block_sum.h"
#include "debug_check.h"
#include "exp.h"
#include "logitkit/kernels.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

double weights_store_sum_and_unit_temperature_sum(const float* logits, size_t n, float max,
                                                  double inv_t, float* out,
                                                  double* unit_temperature_sum) {
  const ExactArgumentExp pass = exact_argument_exp(max, inv_t);
  const NormaliserExp unit = normaliser_exp(max);
  if (!pass.split) {
    *unit_temperature_sum = normaliser_sum(logits, n, max);
    return exact_exp_store_sum(logits, n, max, inv_t, out);
  }
  // Block by block, one exp after the other over the same kBlock logits (still in L1): each loop
  // keeps its constants in V8's 16 vector registers, where one loop with both exps spills. The
  // weights' sum is the one exact_exp_store_sum computes, the normaliser's normaliser_sum's.
  double total = 0, unit_total = 0;
  for (size_t block = 0; block < n; block += kBlock) {
    const size_t length = n - block < kBlock ? n - block : kBlock;
    const float* z = logits + block;
    float* w = out + block;
    total += block_sum(z, length, [&](size_t i, v128_t v, size_t count) {
      const v128_t e = exp_exact_argument_split(v, pass);
      store_lanes(w + i, count, e);
      return e;
    });
    unit_total +=
        block_sum(z, length, [&](size_t, v128_t v, size_t) { return normaliser_exp(v, unit); });
  }
  *unit_temperature_sum = unit_total;
  return total;
}

double normaliser_sum(const float* logits, size_t n, float max) {
  const NormaliserExp unit = normaliser_exp(max);
  return block_sum(logits, n, [&](size_t, v128_t v, size_t) { return normaliser_exp(v, unit); });
}

size_t count_at_least(const float* logits, size_t n, float threshold, float* smallest) {
  LOGITKIT_DEBUG_CHECK(debug::no_nan(logits, n), "count_at_least after NaN is ruled out");
  const v128_t t = wasm_f32x4_splat(threshold);
  const v128_t pos_inf = wasm_f32x4_splat(std::numeric_limits<float>::infinity());
  v128_t count = wasm_i32x4_splat(0), low = pos_inf;
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    const v128_t z = wasm_v128_load(logits + i);
    const v128_t keep = wasm_f32x4_ge(z, t);
    count = wasm_i32x4_sub(count, keep);  // a true lane is -1
    low = wasm_f32x4_pmin(low, wasm_v128_bitselect(z, pos_inf, keep));
  }
  size_t total = horizontal_count(count);
  float min =
      std::fmin(std::fmin(wasm_f32x4_extract_lane(low, 0), wasm_f32x4_extract_lane(low, 1)),
                std::fmin(wasm_f32x4_extract_lane(low, 2), wasm_f32x4_extract_lane(low, 3)));
  for (; i < n; ++i) {
    if (logits[i] >= threshold) {
      ++total;
      min = std::fmin(min, logits[i]);
    }
  }
  *smallest = min;
  return total;
}

namespace {

// How many of logits[begin, end) are > target (Greater) or >= target, four vectors per step (so
// V8's loop overhead, a stack check among it, is paid once per 16 logits).
template <bool Greater>
size_t count_above(const float* logits, size_t begin, size_t end, float target) {
  const v128_t t = wasm_f32x4_splat(target);
  const auto above = [t](v128_t z) { return Greater ? wasm_f32x4_gt(z, t) : wasm_f32x4_ge(z, t); };
  v128_t c0 = wasm_i32x4_splat(0), c1 = c0, c2 = c0, c3 = c0;
  size_t i = begin;
  for (; i + 4 * kLanes <= end; i += 4 * kLanes) {
    c0 = wasm_i32x4_sub(c0, above(wasm_v128_load(logits + i)));  // a true lane is -1
    c1 = wasm_i32x4_sub(c1, above(wasm_v128_load(logits + i + 4)));
    c2 = wasm_i32x4_sub(c2, above(wasm_v128_load(logits + i + 8)));
    c3 = wasm_i32x4_sub(c3, above(wasm_v128_load(logits + i + 12)));
  }
  for (; i + kLanes <= end; i += kLanes) c0 = wasm_i32x4_sub(c0, above(wasm_v128_load(logits + i)));
  size_t count = horizontal_count(wasm_i32x4_add(wasm_i32x4_add(c0, c1), wasm_i32x4_add(c2, c3)));
  for (; i < end; ++i) count += Greater ? logits[i] > target : logits[i] >= target;
  return count;
}

}  // namespace

size_t count_ranking_before(const float* logits, size_t n, size_t t) {
  LOGITKIT_DEBUG_CHECK(t < n && debug::no_nan(logits, n),
                       "count_ranking_before: t in the row, NaN ruled out");
  // Before t a token ranks first when z >= z_t; from t on only when z > z_t: one pass.
  return count_above<false>(logits, 0, t, logits[t]) + count_above<true>(logits, t, n, logits[t]);
}

}  // namespace logitkit
