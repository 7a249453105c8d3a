// softmax, log-softmax, logSumExp and entropy: a validating max pass, then exp passes.
#include <array>
#include <cfloat>
#include <cmath>
#include <limits>

#include "logitkit/kernels.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

// Calls `visit(i, z, count)` for every group of 4 logits starting at i (the tail padded with
// -Infinity, count = how many lanes are real) and sums each of the `Sums` float vectors it returns:
// in float within each block of kBlock logits, across blocks in double. The order is fixed, so
// every build agrees.
template <size_t Sums, typename Visit>
std::array<double, Sums> block_sums(const float* logits, size_t n, Visit visit) {
  std::array<double, Sums> total{};
  for (size_t block = 0; block < n; block += kBlock) {
    const size_t end = block + kBlock < n ? block + kBlock : n;
    std::array<v128_t, Sums> acc0, acc1;
    acc0.fill(wasm_f32x4_splat(0));
    acc1 = acc0;
    const auto add = [](std::array<v128_t, Sums>& acc, const std::array<v128_t, Sums>& v) {
      for (size_t s = 0; s < Sums; ++s) acc[s] = wasm_f32x4_add(acc[s], v[s]);
    };
    size_t i = block;
    for (; i + 2 * kLanes <= end; i += 2 * kLanes) {
      add(acc0, visit(i, wasm_v128_load(logits + i), kLanes));
      add(acc1, visit(i + 4, wasm_v128_load(logits + i + 4), kLanes));
    }
    for (; i < end; i += kLanes) {
      const size_t count = end - i < kLanes ? end - i : kLanes;
      const v128_t z =
          count == kLanes ? wasm_v128_load(logits + i) : load_tail(logits + i, count, kNegInf);
      add(acc0, visit(i, z, count));
    }
    for (size_t s = 0; s < Sums; ++s) total[s] += horizontal_sum(wasm_f32x4_add(acc0[s], acc1[s]));
  }
  return total;
}

template <typename Visit>
double block_sum(const float* logits, size_t n, Visit visit) {
  return block_sums<1>(logits, n, [&](size_t i, v128_t z, size_t count) {
    return std::array<v128_t, 1>{visit(i, z, count)};
  })[0];
}

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

// The cheaper exp needs 1/T as a float: below T = 2.9e-39 it would clamp, and a denormal logit gap
// times FLT_MAX is not the huge argument it should be. Those temperatures take the exact exp.
static bool fast_exp_applies(double inv_t) {
  return inv_t <= FLT_MAX;
}

double sum_exp(const float* logits, size_t n, float max, double inv_t) {
  if (!fast_exp_applies(inv_t)) {
    const ExpPass pass = exp_pass(max, inv_t);
    return block_sum(logits, n,
                     [&](size_t, v128_t z, size_t) { return exp_of_difference(z, pass); });
  }
  const FastExpPass pass = fast_exp_pass(max, inv_t);
  return block_sum(logits, n,
                   [&](size_t, v128_t z, size_t) { return fast_exp_of_difference(z, pass); });
}

double weights_store_sum(const float* logits, size_t n, float max, double inv_t, float* out) {
  if (!fast_exp_applies(inv_t)) return exp_store_sum(logits, n, max, inv_t, out);
  const FastExpPass pass = fast_exp_pass(max, inv_t);
  return block_sum(logits, n, [&](size_t i, v128_t z, size_t count) {
    const v128_t e = fast_exp_of_difference(z, pass);
    if (count == kLanes)
      wasm_v128_store(out + i, e);
    else
      store_tail(out + i, count, e);
    return e;
  });
}

double exp_store_sum(const float* logits, size_t n, float max, double inv_t, float* out) {
  const ExpPass pass = exp_pass(max, inv_t);
  return block_sum(logits, n, [&](size_t i, v128_t z, size_t count) {
    const v128_t e = exp_of_difference(z, pass);
    if (count == kLanes)
      wasm_v128_store(out + i, e);
    else
      store_tail(out + i, count, e);
    return e;
  });
}

double weights_store_sum_and_raw(const float* logits, size_t n, float max, double inv_t, float* out,
                                 double* raw_sum) {
  if (!fast_exp_applies(inv_t)) {
    *raw_sum = sum_exp(logits, n, max, 1.0);
    return exp_store_sum(logits, n, max, inv_t, out);
  }
  const FastExpPass pass = fast_exp_pass(max, inv_t), raw = fast_exp_pass(max, 1.0);
  const std::array<double, 2> sums =
      block_sums<2>(logits, n, [&](size_t i, v128_t z, size_t count) {
        const v128_t e = fast_exp_of_difference(z, pass);
        if (count == kLanes)
          wasm_v128_store(out + i, e);
        else
          store_tail(out + i, count, e);
        return std::array<v128_t, 2>{e, fast_exp_of_difference(z, raw)};
      });
  *raw_sum = sums[1];
  return sums[0];
}

size_t count_at_least(const float* logits, size_t n, float threshold, float* smallest) {
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
  size_t total = static_cast<size_t>(wasm_i32x4_extract_lane(count, 0)) +
                 wasm_i32x4_extract_lane(count, 1) + wasm_i32x4_extract_lane(count, 2) +
                 wasm_i32x4_extract_lane(count, 3);
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

Status softmax(const float* logits, size_t n, double temperature, float* out) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  if (temperature == 0) {
    one_hot(out, n, first_index_of(logits, n, scan.max), 1.0f, 0.0f);
    return {};
  }
  const double sum = exp_store_sum(logits, n, scan.max, inverse_temperature(temperature), out);
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
  const ExpPass pass = exp_pass(scan.max, inv_t);
  const v128_t vmax = wasm_f64x2_splat(scan.max), vinv = wasm_f64x2_splat(inv_t),
               zero = wasm_f64x2_splat(0);
  // H = log S - (sum e_i x_i) / S with e_i = exp(x_i), x_i = (z_i - max) / T <= 0. Masked tokens
  // have x = -inf and e = 0; x is clamped to -FLT_MAX so that their term is 0, not NaN.
  const v128_t lowest = wasm_f32x4_splat(-FLT_MAX);
  double weighted = 0;
  const double sum = block_sum(logits, n, [&](size_t, v128_t z, size_t) {
    const v128_t e = exp_of_difference(z, pass);
    const v128_t x = wasm_f32x4_pmax(scaled_difference(z, vmax, vinv, zero), lowest);
    weighted += horizontal_sum(wasm_f32x4_mul(e, x));
    return e;
  });
  const double h = std::log(sum) - weighted / sum;
  *out = h > 0 ? h : 0;  // rounding can leave -1e-17 for a one-hot distribution
  return {};
}

}  // namespace logitkit
