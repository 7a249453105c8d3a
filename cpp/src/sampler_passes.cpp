// The sampler's passes over the whole vocabulary: its weights (with the rounded-argument exp) and
// the counts behind logit thresholds and ranks.
#include <array>
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

double weights_store_sum(const float* logits, size_t n, float max, double inv_t, float* out) {
  if (!rounded_argument_exp_applies(inv_t)) return exact_exp_store_sum(logits, n, max, inv_t, out);
  const RoundedArgumentExp pass = rounded_argument_exp(max, inv_t);
  return block_sum(logits, n, [&](size_t i, v128_t z, size_t count) {
    const v128_t e = exp_rounded_argument(z, pass);
    store_lanes(out + i, count, e);
    return e;
  });
}

double weights_store_sum_and_unit_temperature_sum(const float* logits, size_t n, float max,
                                                  double inv_t, float* out,
                                                  double* unit_temperature_sum) {
  if (!rounded_argument_exp_applies(inv_t)) {
    *unit_temperature_sum = sum_exp(logits, n, max, 1.0);
    return exact_exp_store_sum(logits, n, max, inv_t, out);
  }
  const RoundedArgumentExp pass = rounded_argument_exp(max, inv_t),
                           unit = rounded_argument_exp(max, 1.0);
  const std::array<double, 2> sums =
      block_sums<2>(logits, n, [&](size_t i, v128_t z, size_t count) {
        const v128_t e = exp_rounded_argument(z, pass);
        store_lanes(out + i, count, e);
        return std::array<v128_t, 2>{e, exp_rounded_argument(z, unit)};
      });
  *unit_temperature_sum = sums[1];
  return sums[0];
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

size_t count_ranking_before(const float* logits, size_t n, size_t t) {
  LOGITKIT_DEBUG_CHECK(t < n && debug::no_nan(logits, n),
                       "count_ranking_before: t in the row, NaN ruled out");
  // Before t a token ranks first when z >= z_t; from t on only when z > z_t: one pass.
  const float zt = logits[t];
  const v128_t target = wasm_f32x4_splat(zt);
  v128_t counts = wasm_i32x4_splat(0);
  size_t i = 0;
  for (; i + kLanes <= t; i += kLanes)
    counts = wasm_i32x4_sub(counts, wasm_f32x4_ge(wasm_v128_load(logits + i), target));
  size_t count = 0;
  for (; i < t; ++i) count += logits[i] >= zt;
  for (; i + kLanes <= n; i += kLanes)
    counts = wasm_i32x4_sub(counts, wasm_f32x4_gt(wasm_v128_load(logits + i), target));
  for (; i < n; ++i) count += logits[i] > zt;
  return count + horizontal_count(counts);
}

}  // namespace logitkit
