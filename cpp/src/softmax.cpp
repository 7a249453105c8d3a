// softmax, log-softmax, logSumExp and entropy: a validating max pass, then exp passes.
#include <cfloat>
#include <cmath>
#include <limits>

#include "block_sum.h"
#include "exp.h"
#include "logitkit/kernels.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

void scale_in_place(float* values, size_t n, float factor) {
  const v128_t f = wasm_f32x4_splat(factor);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    wasm_v128_store(values + i, wasm_f32x4_mul(wasm_v128_load(values + i), f));
  for (; i < n; ++i) values[i] *= factor;
}

// The greedy (T = 0) distribution: one-hot at the first maximum.
void one_hot(float* out, size_t n, size_t hot, float on, float off) {
  for (size_t i = 0; i < n; ++i) out[i] = off;
  out[hot] = on;
}

}  // namespace

double inverse_temperature(double temperature) {
  const double inv = 1.0 / temperature;
  return inv > 1e300 ? 1e300 : inv;  // a denormal T must not give 0 * Infinity
}

double sum_exp(const float* logits, size_t n, float max, double inv_t) {
  if (!rounded_argument_exp_applies(inv_t)) {
    const ExactArgumentExp pass = exact_argument_exp(max, inv_t);
    return block_sum(logits, n,
                     [&](size_t, v128_t z, size_t) { return exp_exact_argument(z, pass); });
  }
  const RoundedArgumentExp pass = rounded_argument_exp(max, inv_t);
  return block_sum(logits, n,
                   [&](size_t, v128_t z, size_t) { return exp_rounded_argument(z, pass); });
}

double exact_exp_store_sum(const float* logits, size_t n, float max, double inv_t, float* out) {
  const ExactArgumentExp pass = exact_argument_exp(max, inv_t);
  return block_sum(logits, n, [&](size_t i, v128_t z, size_t count) {
    const v128_t e = exp_exact_argument(z, pass);
    // Written out, not store_lanes: that costs GCC one more instruction per block here.
    if (count == kLanes)
      wasm_v128_store(out + i, e);
    else
      store_tail(out + i, count, e);
    return e;
  });
}

Status softmax(const float* logits, size_t n, double temperature, float* out) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  if (temperature == 0) {
    one_hot(out, n, first_index_of(logits, n, scan.max), 1.0f, 0.0f);
    return {};
  }
  const double sum =
      exact_exp_store_sum(logits, n, scan.max, inverse_temperature(temperature), out);
  scale_in_place(out, n, static_cast<float>(1.0 / sum));
  return {};
}

Status log_softmax(const float* logits, size_t n, double temperature, float* out) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  if (temperature == 0) {
    one_hot(out, n, first_index_of(logits, n, scan.max), 0.0f, kNegInf);
    return {};
  }
  const double inv_t = inverse_temperature(temperature);
  const double log_sum = std::log(sum_exp(logits, n, scan.max, inv_t));
  // out = (z - max) / T - log(sum), in double and rounded once.
  const v128_t vmax = wasm_f64x2_splat(scan.max), vinv = wasm_f64x2_splat(inv_t),
               vlog = wasm_f64x2_splat(log_sum);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    wasm_v128_store(out + i, scaled_difference(wasm_v128_load(logits + i), vmax, vinv, vlog));
  }
  if (i < n)
    store_tail(out + i, n - i,
               scaled_difference(load_tail(logits + i, n - i, kNegInf), vmax, vinv, vlog));
  return {};
}

Status log_sum_exp(const float* logits, size_t n, double temperature, double* out) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  const double inv_t = inverse_temperature(temperature);
  *out = static_cast<double>(scan.max) * inv_t + std::log(sum_exp(logits, n, scan.max, inv_t));
  return {};
}

Status entropy(const float* logits, size_t n, double temperature, double* out) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  if (temperature == 0) {
    *out = 0;
    return {};
  }
  const double inv_t = inverse_temperature(temperature);
  const ExactArgumentExp pass = exact_argument_exp(scan.max, inv_t);
  const v128_t vmax = wasm_f64x2_splat(scan.max), vinv = wasm_f64x2_splat(inv_t),
               zero = wasm_f64x2_splat(0);
  // H = log S - (sum e_i x_i) / S with e_i = exp(x_i), x_i = (z_i - max) / T <= 0. Masked tokens
  // have x = -inf and e = 0; x is clamped to -FLT_MAX so that their term is 0, not NaN.
  const v128_t lowest = wasm_f32x4_splat(-FLT_MAX);
  double weighted = 0;
  const double sum = block_sum(logits, n, [&](size_t, v128_t z, size_t) {
    const v128_t e = exp_exact_argument(z, pass);
    const v128_t x = wasm_f32x4_pmax(scaled_difference(z, vmax, vinv, zero), lowest);
    weighted += horizontal_sum(wasm_f32x4_mul(e, x));
    return e;
  });
  const double h = std::log(sum) - weighted / sum;
  *out = h > 0 ? h : 0;  // rounding can leave -1e-17 for a one-hot distribution
  return {};
}

}  // namespace logitkit
