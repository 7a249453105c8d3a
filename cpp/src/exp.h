// The one exp of every kernel, exp((z - max) / T) over 4 float lanes, with its argument never
// rounded: softmax's stored probabilities, the normalising sums (log-softmax, logSumExp, entropy)
// and the sampler's weights all use it. Its accuracy contract is kExactExp* in
// logitkit/accuracy.h (exp_test.cpp checks it). At the end, the cheaper exp of one sum with a
// looser contract (rawLogprob's normaliser, kNormaliserExp*).
#pragma once
#include <cfloat>
#include <cmath>

#include "simd.h"

// The wasm build without SIMD runs every 4-lane operation as scalar code; inlining the exp into
// every pass would grow that .wasm past its 120 KiB budget for little speed, so there it is an
// out-of-line call. Elsewhere it inlines.
#if defined(__wasm__) && !defined(__wasm_simd128__)
#define LOGITKIT_EXP_INLINE __attribute__((noinline)) inline
#else
#define LOGITKIT_EXP_INLINE inline
#endif

namespace logitkit::simd {

// exp(r) ~ 1 + r * q(r) on [-ln2/2, ln2/2] (relative error 2e-7 in float): our own minimax fit,
// c0 = 1, c1 .. c5 (each exact in float).
constexpr double kExpCoefficients[6] = {1.0,           0x1.FFFFFCp-1, 0x1.FFFDC6p-2,
                                        0x1.555808p-3, 0x1.573A5Cp-5, 0x1.108F66p-7};

// exp((z - max) / T) for z <= max (including z = -Infinity), as 4 floats: within
// kExactExpRelativeError down to results of 2^-126 (smaller ones are flushed to 0), exactly 1 at
// z = max, and NaN for a NaN z (so a NaN logit turns every sum over the row into NaN).
//
// Why the argument is never rounded, at no cost (the benchmark's floor kernel does the same work):
// a float argument x = (z - max) / T carries its own rounding, |x| * 6e-8 relative, 4e-6 at
// x = -69, twice softmax's bound (kSoftmaxRelativeError). So z - max is never formed:
// - with k = round(max log2(e) / T) and c = k T ln 2, exp((z - max) / T) = F exp((z - c) / T),
//   F = exp(k ln 2 - max / T) in [0.7, 1.42] being a constant of the pass;
// - exp((z - c) / T) = 2^(m - k) exp(d / T) with m = round(z log2(e) / T) and d = z - m T ln 2.
//   T ln 2 = hi + lo, hi of B <= 15 significant bits and |m| < 2^(24 - B), so m hi is exact, and
//   so is z - m hi (the two are within a factor of two of each other, or m = 0): d is off only by
//   the rounding of m lo, a few ulps of |d| <= T ln 2 / 2;
// - F exp(d / T) = F + d q'(d), a degree-5 polynomial whose coefficients F c_j / T^j absorb F and
//   the temperature (the constant term is tuned by an ulp or two so that z = max gives exactly 1),
//   times 2^(m - k) built in the exponent field: adding 1.5 * 2^23 + 127 - k to y = z log2(e) / T
//   rounds y to m and leaves m - k + 127 in the low mantissa bits;
// - z is first raised to (k - 127.25) T ln 2 by one `max` (pmax, which keeps a NaN): there
//   2^(m - k) is 0, so far-below and -Infinity logits give exactly 0.
// 20 operations per vector. The float path needs T in [1e-6, 1e6] (the coefficients stay normal
// floats) and |max / T| < 2700 (B >= 12); elsewhere the argument is formed in double instead
// (exp_exact_argument_f64, about a third slower). Every build computes the same bits.
struct ExactArgumentExp {
  bool split;  // the float path above applies
  v128_t lower, scale, bias, minus_hi, minus_lo;
  v128_t q[6];       // q'_0 .. q'_5
  v128_t max_f64;    // f64x2, for the double path
  v128_t scale_f64;  // f64x2: log2(e) / T, for the double path
};

// `value` rounded to `bits` significant bits.
inline float round_to_bits(double value, int bits) {
  int exponent;
  const double mantissa = std::frexp(value, &exponent);
  return static_cast<float>(
      std::ldexp(std::nearbyint(std::ldexp(mantissa, bits)), exponent - bits));
}

namespace detail {

// The float path's constants for one row. Returns false when no constant term makes z = max give
// exactly 1 (not seen in practice; the caller then takes the double path).
inline bool set_up_float_path(float max, double inv_temperature, ExactArgumentExp* pass) {
  const float scale = static_cast<float>(1.4426950408889634 * inv_temperature);
  const float y = max * scale;  // as the vector path forms it
  const double k = std::nearbyint(static_cast<double>(y));
  int hi_bits = 15;
  while (std::fabs(k) + 128 >= std::ldexp(1.0, 24 - hi_bits)) --hi_bits;
  const double octave = 0.6931471805599453 / inv_temperature;  // T ln 2
  const float hi = round_to_bits(octave, hi_bits);
  const float minus_hi = -hi, minus_lo = static_cast<float>(hi - octave);
  const float bias = static_cast<float>(0x1.8000FEp23 - k);  // an integer below 2^24: exact
  // The maximum's own reduction, with the vector path's operations on one lane.
  const float m = (y + bias) - bias;
  float d = m * minus_hi + max;
  d = m * minus_lo + d;
  const float target = static_cast<float>(std::ldexp(1.0, static_cast<int>(k - m)));  // 1/2^(m-k)
  const double f = std::exp(k * 0.6931471805599453 - static_cast<double>(max) * inv_temperature);
  float q[6];
  double power = inv_temperature;
  for (int j = 1; j < 6; ++j, power *= inv_temperature)
    q[j] = static_cast<float>(f * kExpCoefficients[j] * power);
  // Tune q'_1 and then q'_0 by a few ulps until P(d) = (((q5 d + q4) d + ... + q1) d + q0) is
  // exactly `target`; a change of an ulp or two moves every result by ~1e-7 of itself.
  const float q1 = q[1];
  for (int step = 0; step <= 32; ++step) {
    const int nudge = (step + 1) / 2 * (step % 2 ? 1 : -1);  // 0, 1, -1, 2, -2, ...
    q[1] = q1;
    for (int s = 0; s < (nudge > 0 ? nudge : -nudge); ++s)
      q[1] = std::nextafter(q[1], nudge > 0 ? FLT_MAX : -FLT_MAX);
    float p = q[5] * d + q[4];
    p = p * d + q[3];
    p = p * d + q[2];
    p = p * d + q[1];
    const float a = p * d;
    const float q0 = static_cast<float>(static_cast<double>(target) - a);
    for (const float candidate : {q0, std::nextafter(q0, FLT_MAX), std::nextafter(q0, -FLT_MAX)}) {
      if (a + candidate == target) {
        q[0] = candidate;
        pass->lower = wasm_f32x4_splat(static_cast<float>((k - 127.25) * octave));
        pass->scale = wasm_f32x4_splat(scale);
        pass->bias = wasm_f32x4_splat(bias);
        pass->minus_hi = wasm_f32x4_splat(minus_hi);
        pass->minus_lo = wasm_f32x4_splat(minus_lo);
        for (int j = 0; j < 6; ++j) pass->q[j] = wasm_f32x4_splat(q[j]);
        return true;
      }
    }
  }
  return false;
}

}  // namespace detail

inline ExactArgumentExp exact_argument_exp(float max, double inv_temperature) {
  ExactArgumentExp pass;
  pass.max_f64 = wasm_f64x2_splat(max);
  pass.scale_f64 = wasm_f64x2_splat(1.4426950408889634 * inv_temperature);
  const double y = static_cast<double>(max) * 1.4426950408889634 * inv_temperature;
  pass.split = inv_temperature >= 1e-6 && inv_temperature <= 1e6 && std::fabs(y) < 3900 &&
               detail::set_up_float_path(max, inv_temperature, &pass);
  return pass;
}

// exp(r) ~ 1 + r * q(r) (kExpCoefficients) for the double path.
inline v128_t exp_polynomial_q(v128_t r) {
  v128_t q =
      wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_splat(static_cast<float>(kExpCoefficients[5])), r),
                     wasm_f32x4_splat(static_cast<float>(kExpCoefficients[4])));
  for (int j = 3; j >= 1; --j)
    q = wasm_f32x4_add(wasm_f32x4_mul(q, r),
                       wasm_f32x4_splat(static_cast<float>(kExpCoefficients[j])));
  return q;
}

// The double-argument path: y = (z - max) * log2e / T in double, y = n + f with n = round(y), and
// exp(f ln 2) by the same polynomial (f ln 2 is formed in double and rounded once).
// Not inlined: only extreme temperatures and logits take it, and each copy would cost the .wasm
// ~1 KiB.
__attribute__((noinline)) inline v128_t exp_exact_argument_f64(v128_t z, v128_t max_f64,
                                                               v128_t scale_f64) {
  const v128_t magic = wasm_f64x2_splat(0x1.8p52);  // 1.5 * 2^52: adding it rounds to an integer
  const v128_t floor_y = wasm_f64x2_splat(-200.0);  // keeps -Infinity out of the integer trick
  const v128_t ln2 = wasm_f64x2_splat(0.6931471805599453);
  const v128_t y_low =
      wasm_f64x2_pmax(wasm_f64x2_mul(wasm_f64x2_sub(promote_low(z), max_f64), scale_f64), floor_y);
  const v128_t y_high =
      wasm_f64x2_pmax(wasm_f64x2_mul(wasm_f64x2_sub(promote_high(z), max_f64), scale_f64), floor_y);
  const v128_t n_low = wasm_f64x2_add(y_low, magic), n_high = wasm_f64x2_add(y_high, magic);
  const v128_t n = wasm_i32x4_shuffle(n_low, n_high, 0, 2, 4, 6);  // round(y) as int32 (low words)
  const v128_t r =
      demote_join(wasm_f64x2_mul(wasm_f64x2_sub(y_low, wasm_f64x2_sub(n_low, magic)), ln2),
                  wasm_f64x2_mul(wasm_f64x2_sub(y_high, wasm_f64x2_sub(n_high, magic)), ln2));
  const v128_t two_n = wasm_i32x4_shl(wasm_i32x4_add(n, wasm_i32x4_splat(127)), 23);
  const v128_t result =
      wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(r, two_n), exp_polynomial_q(r)), two_n);
  // A NaN z must stay NaN (the kernels find NaN logits through their sums).
  const v128_t nan = wasm_f32x4_ne(z, z);
  return wasm_v128_or(wasm_v128_andnot(result, wasm_i32x4_lt(n, wasm_i32x4_splat(-126))), nan);
}

// The float path; `pass.split` must hold. (Callers keep `pass` in a local: its address must not
// escape, or every store in their loop could alias it and V8 would reload the constants.)
LOGITKIT_EXP_INLINE v128_t exp_exact_argument_split(v128_t z, const ExactArgumentExp& pass) {
  z = wasm_f32x4_pmax(z, pass.lower);
  const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(z, pass.scale), pass.bias);
  const v128_t two = wasm_i32x4_shl(v, 23);  // 2^(m - k)
  const v128_t m = wasm_f32x4_sub(v, pass.bias);
  v128_t d = wasm_f32x4_add(wasm_f32x4_mul(m, pass.minus_hi), z);
  d = wasm_f32x4_add(wasm_f32x4_mul(m, pass.minus_lo), d);
  v128_t q = wasm_f32x4_add(wasm_f32x4_mul(pass.q[5], d), pass.q[4]);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, d), pass.q[3]);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, d), pass.q[2]);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, d), pass.q[1]);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, d), pass.q[0]);
  return wasm_f32x4_mul(q, two);
}

// Either path, chosen per call (for code that computes a few vectors; a pass over a row chooses
// once, with with_exact_exp below).
inline v128_t exp_exact_argument(v128_t z, const ExactArgumentExp& pass) {
  return pass.split ? exp_exact_argument_split(z, pass)
                    : exp_exact_argument_f64(z, pass.max_f64, pass.scale_f64);
}

// Calls body(exp) with `exp` the pass's path as a callable v128_t(v128_t), chosen once, so a
// pass's loop has no branch per vector. Returns what body returns.
template <typename Body>
auto with_exact_exp(const ExactArgumentExp& pass, Body body) {
  if (pass.split) return body([&pass](v128_t z) { return exp_exact_argument_split(z, pass); });
  const v128_t max_f64 = pass.max_f64, scale_f64 = pass.scale_f64;
  return body(
      [max_f64, scale_f64](v128_t z) { return exp_exact_argument_f64(z, max_f64, scale_f64); });
}

// ---- rawLogprob's normaliser ----
//
// sum exp(z - max) at T = 1, which rawLogprob needs beside the sampler's weights at T, under a
// contract 25x looser than the exp's above: kSampleLogprobAbsoluteError on its log. So a cheaper
// exp (17 operations per vector against 20), used for that sum only:
// - the argument x = z - max is rounded (|x| * 6e-8): a term's error grows with |x|, but the sum
//   weighs each term by its size, so the sum's relative error from it is 6e-8 times the softmax
//   mean of |x|, at most ln V + 1 (below 1.4e-6 for V < 2^32);
// - x = m ln 2 + d with m = round(x log2(e)) and one constant for ln 2 (the product's rounding is
//   again a few ulps of |x|);
// - exp(d) = 1 + d q(d) with q of degree 3 (kNormaliserExpCoefficients, relative error 5.4e-6),
//   exactly 1 at d = 0, so the maximum gives exactly 1 and the sum is >= 1;
// - x is first raised to -88 by one `max` (pmax, which keeps a NaN), where m = -127 builds a zero:
//   -Infinity logits give exactly 0, results below about 2^-126.5 flush to 0.
// Every build computes the same bits (no fused operations).
//
// Our own minimax fit of exp(r) ~ 1 + r q(r) on [-ln2/2, ln2/2], c0 = 1, c1 .. c4 exact in float.
constexpr double kNormaliserExpCoefficients[5] = {1.0, 0x1.FFF816p-1, 0x1.FFFD5Ep-2, 0x1.586B24p-3,
                                                  0x1.57636Ep-5};

struct NormaliserExp {
  v128_t max, lower, scale, bias, minus_ln2;
  v128_t q[5];
};

inline NormaliserExp normaliser_exp(float max) {
  NormaliserExp pass;
  pass.max = wasm_f32x4_splat(max);
  pass.lower = wasm_f32x4_splat(-88.0f);
  pass.scale = wasm_f32x4_splat(static_cast<float>(1.4426950408889634));
  pass.bias = wasm_f32x4_splat(0x1.8000FEp23f);  // 1.5 * 2^23 + 127: rounds, and biases m
  pass.minus_ln2 = wasm_f32x4_splat(static_cast<float>(-0.6931471805599453));
  for (int j = 0; j < 5; ++j)
    pass.q[j] = wasm_f32x4_splat(static_cast<float>(kNormaliserExpCoefficients[j]));
  return pass;
}

// exp(z - max) for z <= max (including -Infinity) by normaliser_exp(max)'s constants: within
// kNormaliserExpRelativeError (logitkit/accuracy.h) for z - max >= -20 (the terms that weigh in a
// sum; a few ulps of |z - max| more below), exactly 1 at z = max, 0 for -Infinity, NaN for NaN.
// For rawLogprob's normaliser only.
LOGITKIT_EXP_INLINE v128_t normaliser_exp(v128_t z, const NormaliserExp& pass) {
  const v128_t x = wasm_f32x4_pmax(wasm_f32x4_sub(z, pass.max), pass.lower);
  const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(x, pass.scale), pass.bias);
  const v128_t two = wasm_i32x4_shl(v, 23);  // 2^m
  const v128_t m = wasm_f32x4_sub(v, pass.bias);
  const v128_t d = wasm_f32x4_add(wasm_f32x4_mul(m, pass.minus_ln2), x);
  v128_t q = wasm_f32x4_add(wasm_f32x4_mul(pass.q[4], d), pass.q[3]);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, d), pass.q[2]);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, d), pass.q[1]);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, d), pass.q[0]);
  return wasm_f32x4_mul(q, two);
}

}  // namespace logitkit::simd
