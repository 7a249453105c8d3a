// The two exps of exp((z - max) / T) over 4 float lanes, and when each is used:
// - exp_exact_argument: the argument (z - max) / T is never rounded. softmax's stored
//   probabilities, entropy and the sampler's explicit-list weights use it.
// - exp_rounded_argument: the argument is formed in float and rounded once, which adds an error
//   proportional to |x|; a sum is dominated by its large terms (small |x|), so the normalising sums
//   (log-softmax, logSumExp) and the sampler's full-vocabulary weights use this cheaper one.
// Their accuracy contracts are kExactExp* and kRoundedExp* in logitkit/accuracy.h (exp_test.cpp
// checks them). NaN must not reach either exp.
#pragma once
#include <cfloat>
#include <cmath>

#include "simd.h"

// The wasm build without SIMD runs every 4-lane operation as scalar code; inlining the exps into
// every pass would grow that .wasm past its 120 KiB budget for little speed, so there they are
// out-of-line calls. Elsewhere they inline.
#if defined(__wasm__) && !defined(__wasm_simd128__)
#define LOGITKIT_EXP_INLINE __attribute__((noinline)) inline
#else
#define LOGITKIT_EXP_INLINE inline
#endif

namespace logitkit::simd {

// exp((z - max) / T) for z <= max (including z = -Infinity), as 4 floats, within
// kExactExpRelativeError at any temperature, down to results of 2^-126 (smaller ones are flushed
// to 0). This is the exp behind softmax's stored probabilities. NaN must not reach it.
//
// Why it is not exp_rounded_argument below: a float argument x = (z - max) / T carries its own
// rounding, |x| * 6e-8 relative, 4e-6 at x = -69, twice softmax's bound (kSoftmaxRelativeError).
// Here the argument is never rounded:
// - z - max = s + e exactly (TwoSum: the float difference s and its rounding error e);
// - n = round(s * log2(e) / T) picks the power of two (its own rounding only moves n, not r);
// - r = ((s - n * hi) + (e - n * lo)) / T with hi + lo = T ln 2 and hi of 16 significant bits, so
//   n * hi and s - n * hi are exact, and r is off by a few float ulps of |r| <= 0.35 only;
// - exp(r) by the degree-5 polynomial of exp_rounded_argument, times 2^n built in the exponent
// field. Temperatures outside [1e-30, 1e30] would overflow or lose those constants' precision;
// there the argument is formed in double instead (exp_exact_argument_f64, about a third slower).
struct ExactArgumentExp {
  bool split;              // the float path above applies
  v128_t max;              // f32x4
  v128_t log2e_inv_t;      // f32x4: log2(e) / T, only to choose n
  v128_t minus_octave_hi;  // f32x4: -(T ln 2), 16 significant bits
  v128_t minus_octave_lo;  // f32x4: the rest of -(T ln 2)
  v128_t inv_t;            // f32x4
  v128_t max_f64;          // f64x2, for the double path
  v128_t scale_f64;        // f64x2: log2(e) / T, for the double path
};

// `value` rounded to `bits` significant bits.
inline float round_to_bits(double value, int bits) {
  int exponent;
  const double mantissa = std::frexp(value, &exponent);
  return static_cast<float>(
      std::ldexp(std::nearbyint(std::ldexp(mantissa, bits)), exponent - bits));
}

inline ExactArgumentExp exact_argument_exp(float max, double inv_temperature) {
  ExactArgumentExp pass;
  pass.split = inv_temperature >= 1e-30 && inv_temperature <= 1e30;
  const double octave = 0.6931471805599453 / inv_temperature;  // T ln 2
  const float hi = pass.split ? round_to_bits(octave, 16) : 0.0f;
  pass.max = wasm_f32x4_splat(max);
  pass.log2e_inv_t = wasm_f32x4_splat(static_cast<float>(1.4426950408889634 * inv_temperature));
  pass.minus_octave_hi = wasm_f32x4_splat(-hi);
  pass.minus_octave_lo = wasm_f32x4_splat(pass.split ? static_cast<float>(hi - octave) : 0.0f);
  pass.inv_t = wasm_f32x4_splat(static_cast<float>(inv_temperature));
  pass.max_f64 = wasm_f64x2_splat(max);
  pass.scale_f64 = wasm_f64x2_splat(1.4426950408889634 * inv_temperature);
  return pass;
}

// exp(r) ~ 1 + r * q(r) on [-ln2/2, ln2/2] (relative error 2e-7 in float): our own minimax fit.
inline v128_t exp_polynomial_q(v128_t r) {
  const v128_t c5 = wasm_f32x4_splat(0x1.108F66p-7f);
  const v128_t c4 = wasm_f32x4_splat(0x1.573A5Cp-5f);
  const v128_t c3 = wasm_f32x4_splat(0x1.555808p-3f);
  const v128_t c2 = wasm_f32x4_splat(0x1.FFFDC6p-2f);
  const v128_t c1 = wasm_f32x4_splat(0x1.FFFFFCp-1f);
  v128_t q = wasm_f32x4_add(wasm_f32x4_mul(c5, r), c4);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, r), c3);
  q = wasm_f32x4_add(wasm_f32x4_mul(q, r), c2);
  return wasm_f32x4_add(wasm_f32x4_mul(q, r), c1);
}

// 1.5 * 2^23 + 127: adding it to y rounds y to an integer n and leaves n + 127 in the low mantissa
// bits, so a left shift by 23 makes the float 2^n.
inline v128_t magic_bias() {
  return wasm_f32x4_splat(0x1.8000FEp23f);
}

// The double-argument path: y = (z - max) * log2e / T in double, y = n + f with n = round(y), and
// exp(f ln 2) by the same polynomial (f ln 2 is formed in double and rounded once).
// Not inlined: only extreme temperatures take it, and each copy would cost the .wasm ~1 KiB.
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
  return wasm_v128_andnot(result, wasm_i32x4_lt(n, wasm_i32x4_splat(-126)));
}

LOGITKIT_EXP_INLINE v128_t exp_exact_argument(v128_t z, const ExactArgumentExp& pass) {
  // (Fields by value: passing `pass` by address would make every store in the caller's loop
  // possibly alias it, and reload it.)
  if (!pass.split) return exp_exact_argument_f64(z, pass.max_f64, pass.scale_f64);
  // TwoSum: s + e == z - max exactly.
  const v128_t s = wasm_f32x4_sub(z, pass.max);
  const v128_t s_minus_z = wasm_f32x4_sub(s, z);
  const v128_t e = wasm_f32x4_sub(wasm_f32x4_sub(z, wasm_f32x4_sub(s, s_minus_z)),
                                  wasm_f32x4_add(pass.max, s_minus_z));
  const v128_t y = wasm_f32x4_mul(s, pass.log2e_inv_t);
  v128_t n = wasm_f32x4_add(y, magic_bias());
  const v128_t two_n = wasm_i32x4_shl(n, 23);
  n = wasm_f32x4_sub(n, magic_bias());
  const v128_t reduced = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(n, pass.minus_octave_hi), s),
                                        wasm_f32x4_add(wasm_f32x4_mul(n, pass.minus_octave_lo), e));
  const v128_t r = wasm_f32x4_mul(reduced, pass.inv_t);
  const v128_t result =
      wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(r, two_n), exp_polynomial_q(r)), two_n);
  // y < -126 (-Infinity included: its NaN intermediates are masked here) gives exactly 0.
  return wasm_v128_andnot(result, wasm_f32x4_lt(y, wasm_f32x4_splat(-126.0f)));
}

// The rounded-argument exp for sums and sampling weights: exp((z - max) * inv_t) with the argument
// formed in float (XNNPACK's rr2_p5 form: magic-bias rounding, a two-constant Cody-Waite ln2, a
// degree-5 polynomial of our own minimax fit). 34 instead of 47 instructions per vector (SSE,
// callgrind). Accuracy: relative error <= kRoundedExpRelativeError + |x| *
// kRoundedExpErrorPerUnitArgument for x = (z - max) * inv_t, the second term from the float
// rounding of the argument. That is harmless where terms are summed (a sum is dominated by its
// large terms, whose |x| is small) or drawn from (a 1e-6 relative error in a 1e-9 probability), and
// not good enough for softmax's stored probabilities, which use exp_exact_argument.
struct RoundedArgumentExp {
  v128_t max;    // f32x4
  v128_t inv_t;  // f32x4, clamped to FLT_MAX so a tiny T never gives 0 * inf
};

// exp_rounded_argument needs 1/T as a float: below T = 2.9e-39 it would clamp, and a denormal logit
// gap times FLT_MAX is not the huge argument it should be. Those temperatures take the exact exp.
inline bool rounded_argument_exp_applies(double inv_temperature) {
  return inv_temperature <= FLT_MAX;
}

inline RoundedArgumentExp rounded_argument_exp(float max, double inv_temperature) {
  const float inv = inv_temperature > FLT_MAX ? FLT_MAX : static_cast<float>(inv_temperature);
  return {wasm_f32x4_splat(max), wasm_f32x4_splat(inv)};
}

LOGITKIT_EXP_INLINE v128_t exp_rounded_argument(v128_t z, const RoundedArgumentExp& pass) {
  const v128_t log2e = wasm_f32x4_splat(0x1.715476p+0f);
  const v128_t minus_ln2_hi = wasm_f32x4_splat(-0x1.62E400p-1f);
  const v128_t minus_ln2_lo = wasm_f32x4_splat(-0x1.7F7D1Cp-20f);
  const v128_t denormal_cutoff = wasm_f32x4_splat(-0x1.5D589Ep6f);  // ln(FLT_MIN)

  const v128_t x = wasm_f32x4_mul(wasm_f32x4_sub(z, pass.max), pass.inv_t);
  v128_t n = wasm_f32x4_add(wasm_f32x4_mul(x, log2e), magic_bias());
  const v128_t two_n = wasm_i32x4_shl(n, 23);
  n = wasm_f32x4_sub(n, magic_bias());
  v128_t r = wasm_f32x4_add(wasm_f32x4_mul(n, minus_ln2_hi), x);
  r = wasm_f32x4_add(wasm_f32x4_mul(n, minus_ln2_lo), r);
  const v128_t result =
      wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(r, two_n), exp_polynomial_q(r)), two_n);
  // x < ln(FLT_MIN), -Infinity included (its NaN intermediate is masked here), gives exactly 0.
  return wasm_v128_andnot(result, wasm_f32x4_lt(x, denormal_cutoff));
}

}  // namespace logitkit::simd
