// softmax, log-softmax, logSumExp and entropy: a max pass, then exp passes that also catch NaN.
#include <array>
#include <cfloat>
#include <cmath>
#include <cstddef>
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

// Vectors per step of map_vectors. The baseline wasm build runs each vector op as scalar code, so
// there a wider step would only add code (against the .wasm's size limit), not speed.
#if defined(__wasm__) && !defined(__wasm_simd128__)
constexpr size_t kMapStep = 1;
#else
constexpr size_t kMapStep = 4;
#endif

// out[i] = op(in[i]), kMapStep vectors per step, then one, then the row's last n % 4 through the
// same vector op (the lanes past n read as `fill` and not stored); elementwise, so the steps change
// no result. The loop steps pointers, not an index: wasm has no scaled-index address, so V8
// computes base + index * 4 for every access of an indexed loop (two lea per vector) where a
// pointer is one register; and it pays a stack check and a compare per 16 floats, not per 4 or 8.
template <typename Op>
void map_vectors(const float* in, float* out, size_t n, float fill, Op op) {
  const float* const whole_end = in + (n - n % kLanes);
  constexpr ptrdiff_t kStep = static_cast<ptrdiff_t>(kMapStep * kLanes);
  for (; whole_end - in >= kStep; in += kStep, out += kStep) {
    v128_t r[kMapStep];
    for (size_t v = 0; v < kMapStep; ++v) r[v] = op(wasm_v128_load(in + v * kLanes));
    for (size_t v = 0; v < kMapStep; ++v) wasm_v128_store(out + v * kLanes, r[v]);
  }
  for (; in != whole_end; in += kLanes, out += kLanes) wasm_v128_store(out, op(wasm_v128_load(in)));
  if (n % kLanes != 0) store_tail(out, n % kLanes, op(load_tail(in, n % kLanes, fill)));
}

void scale_in_place(float* values, size_t n, float factor) {
  const v128_t f = wasm_f32x4_splat(factor);
  map_vectors(values, values, n, 0.0f, [f](v128_t v) { return wasm_f32x4_mul(v, f); });
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
  const ExactArgumentExp pass = exact_argument_exp(max, inv_t);
  return with_exact_exp(pass, [&](auto exp) {
    return block_sum(logits, n, [&](size_t, v128_t z, size_t) { return exp(z); });
  });
}

double exact_exp_store_sum(const float* logits, size_t n, float max, double inv_t, float* out) {
  const ExactArgumentExp pass = exact_argument_exp(max, inv_t);
  return with_exact_exp(pass, [&](auto exp) {
    return block_sum(logits, n, [&](size_t i, v128_t z, size_t count) {
      const v128_t e = exp(z);
      store_lanes(out + i, count, e);
      return e;
    });
  });
}

// Every kernel below takes the max with scan_max, which leaves NaN to its exp pass: a NaN logit
// makes the sum NaN, and only then is the row searched for it (the exp keeps a NaN where it was,
// so the search finds the same index when out aliases logits).

Status softmax(const float* logits, size_t n, double temperature, float* out) {
  if (temperature == 0) {
    const Scan scan = scan_logits(logits, n);
    if (!scan.status.ok()) return scan.status;
    one_hot(out, n, first_index_of(logits, n, scan.max), 1.0f, 0.0f);
    return {};
  }
  const Scan scan = scan_max(logits, n);
  if (!scan.status.ok()) return scan.status;
  const double sum =
      exact_exp_store_sum(logits, n, scan.max, inverse_temperature(temperature), out);
  if (std::isnan(sum)) return locate_invalid(logits, n);
  scale_in_place(out, n, static_cast<float>(1.0 / sum));
  return {};
}

Status log_softmax(const float* logits, size_t n, double temperature, float* out) {
  if (temperature == 0) {
    const Scan scan = scan_logits(logits, n);
    if (!scan.status.ok()) return scan.status;
    one_hot(out, n, first_index_of(logits, n, scan.max), 0.0f, kNegInf);
    return {};
  }
  const Scan scan = scan_max(logits, n);
  if (!scan.status.ok()) return scan.status;
  const double inv_t = inverse_temperature(temperature);
  const double sum = sum_exp(logits, n, scan.max, inv_t);
  if (std::isnan(sum)) return locate_invalid(logits, n);
  const double log_sum = std::log(sum);
  if (inv_t == 1) {
    // out = (z - max) - log(sum) in float: two roundings of at most half an ulp of values below 128
    // in magnitude wherever out >= kLogSoftmaxErrorFrom (|z - max| <= 80 + log(sum) <= 101), plus
    // log(sum)'s own rounding to float (< 1e-6): <= 8.9e-6, within kLogSoftmaxAbsoluteError, at
    // the cost of softmax's scale pass.
    const v128_t vmax = wasm_f32x4_splat(scan.max),
                 vlog = wasm_f32x4_splat(static_cast<float>(log_sum));
    map_vectors(logits, out, n, 0.0f,
                [vmax, vlog](v128_t z) { return wasm_f32x4_sub(wasm_f32x4_sub(z, vmax), vlog); });
    return {};
  }
  // out = (z - max) / T - log(sum), in double and rounded once (a float quotient would add
  // |x| * 6e-8, too much at x = -90).
  const v128_t vmax = wasm_f64x2_splat(scan.max), vinv = wasm_f64x2_splat(inv_t),
               vlog = wasm_f64x2_splat(log_sum);
  map_vectors(logits, out, n, kNegInf,
              [=](v128_t z) { return scaled_difference(z, vmax, vinv, vlog); });
  return {};
}

Status log_sum_exp(const float* logits, size_t n, double temperature, double* out) {
  const Scan scan = scan_max(logits, n);
  if (!scan.status.ok()) return scan.status;
  const double inv_t = inverse_temperature(temperature);
  const double sum = sum_exp(logits, n, scan.max, inv_t);
  if (std::isnan(sum)) return locate_invalid(logits, n);
  *out = static_cast<double>(scan.max) * inv_t + std::log(sum);
  return {};
}

Status entropy(const float* logits, size_t n, double temperature, double* out) {
  if (temperature == 0) {
    const Scan scan = scan_logits(logits, n);
    if (!scan.status.ok()) return scan.status;
    *out = 0;
    return {};
  }
  const Scan scan = scan_max(logits, n);
  if (!scan.status.ok()) return scan.status;
  const double inv_t = inverse_temperature(temperature);
  const ExactArgumentExp pass = exact_argument_exp(scan.max, inv_t);
  // H = log S - W / S, S = sum e_i, W = sum e_i x_i, e_i = exp(x_i), x_i = (z_i - max) / T <= 0,
  // both block sums. x in float is within ~2e-7 of itself, and every term of W has the same sign,
  // so W keeps that relative error. A masked token's x is clamped to -FLT_MAX: its term is 0,
  // not NaN. (1/T is clamped to FLT_MAX: where that bites, the gaps it shrinks have e = 0.)
  const v128_t vmax = wasm_f32x4_splat(scan.max),
               vinv = wasm_f32x4_splat(static_cast<float>(inv_t > FLT_MAX ? FLT_MAX : inv_t)),
               lowest = wasm_f32x4_splat(-FLT_MAX);
  const std::array<double, 2> sums = with_exact_exp(pass, [&](auto exp) {
    return block_sums<2>(logits, n, [&](size_t, v128_t z, size_t) {
      const v128_t e = exp(z);
      const v128_t x = wasm_f32x4_pmax(wasm_f32x4_mul(wasm_f32x4_sub(z, vmax), vinv), lowest);
      return std::array<v128_t, 2>{e, wasm_f32x4_mul(e, x)};
    });
  });
  if (std::isnan(sums[0])) return locate_invalid(logits, n);
  const double h = std::log(sums[0]) - sums[1] / sums[0];
  *out = h > 0 ? h : 0;  // rounding can leave -1e-17 for a one-hot distribution
  return {};
}

}  // namespace logitkit
