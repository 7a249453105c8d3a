// The thin vector layer: every kernel is written once in WebAssembly SIMD128 intrinsics.
// - wasm SIMD build (-msimd128): the real intrinsics from <wasm_simd128.h>.
// - wasm baseline build and native build: SIMDe implements the same intrinsics, with scalar code
//   (baseline) or SSE/AVX (native). Lane semantics are IEEE and identical, so all three builds
//   produce bit-identical results. Builds must not contract a*b+c into FMA (-ffp-contract=off).
//
// Buffers: kernels never read or write past element n-1. Tails are handled by copying the last
// (n mod 4) elements through a small local array (load_tail / store_tail).
#pragma once
#include <cfloat>
#include <cstddef>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#define SIMDE_WASM_SIMD128_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif

namespace logitkit::simd {

constexpr size_t kLanes = 4;
// Sums are accumulated in float within a block, then added to a double total: the float part
// stays short (16 terms per lane chain) so the relative error of a 262144-term sum stays ~1e-7.
constexpr size_t kBlock = 256;

inline v128_t load_tail(const float* p, size_t count, float fill) {
  float lanes[kLanes] = {fill, fill, fill, fill};
  std::memcpy(lanes, p, count * sizeof(float));
  return wasm_v128_load(lanes);
}

inline void store_tail(float* p, size_t count, v128_t v) {
  float lanes[kLanes];
  wasm_v128_store(lanes, v);
  std::memcpy(p, lanes, count * sizeof(float));
}

inline double horizontal_sum(v128_t v) {
  const float a = wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1);
  const float b = wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3);
  return static_cast<double>(a + b);
}

inline float horizontal_max(v128_t v) {
  v = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  v = wasm_f32x4_pmax(v, wasm_i32x4_shuffle(v, v, 1, 0, 3, 2));
  return wasm_f32x4_extract_lane(v, 0);
}

// Splits 4 float lanes into two f64x2 halves and joins two f64x2 halves back into 4 floats.
inline v128_t promote_low(v128_t v) { return wasm_f64x2_promote_low_f32x4(v); }
inline v128_t promote_high(v128_t v) { return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1)); }
inline v128_t demote_join(v128_t low, v128_t high) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(low), wasm_f32x4_demote_f64x2_zero(high), 0, 1, 4, 5);
}

// (z - max) * scale - offset per lane, computed in double and rounded once to float.
inline v128_t scaled_difference(v128_t z, v128_t max_f64, v128_t scale_f64, v128_t offset_f64) {
  const v128_t low = wasm_f64x2_sub(wasm_f64x2_mul(wasm_f64x2_sub(promote_low(z), max_f64), scale_f64), offset_f64);
  const v128_t high = wasm_f64x2_sub(wasm_f64x2_mul(wasm_f64x2_sub(promote_high(z), max_f64), scale_f64), offset_f64);
  return demote_join(low, high);
}

// The arguments of one exp pass: exp((z - max) / T) = 2^((z - max) * log2e / T).
struct ExpPass {
  v128_t max;    // f64x2
  v128_t scale;  // f64x2: log2(e) / T
};

inline ExpPass exp_pass(float max, double inv_temperature) {
  return {wasm_f64x2_splat(max), wasm_f64x2_splat(1.4426950408889634 * inv_temperature)};
}

// exp((z - max) / T) for z <= max (including z = -Infinity), as 4 floats.
//
// Accuracy: the argument y = (z - max) * log2e / T is formed in double, so the float inputs' own
// rounding never reaches the result; this is what keeps the relative error within 2e-7 down to
// p = 1e-30 at any temperature (a float argument alone would cost |y| * 6e-8, 4e-6 at y = -69).
// y = n + r with n = round(y) by a magic-number add (no float-to-int conversion), 2^n is built in
// the exponent field, and 2^r on [-0.5, 0.5] is our own degree-6 minimax fit (relative error
// 1.0e-7 in float evaluation). Results below 2^-126 are flushed to exactly 0 (never denormal).
// NaN must not reach it.
inline v128_t exp_of_difference(v128_t z, const ExpPass& pass) {
  const v128_t magic = wasm_f64x2_splat(0x1.8p52);  // 1.5 * 2^52: adding it rounds to an integer
  const v128_t floor_y = wasm_f64x2_splat(-200.0);  // keeps -Infinity out of the integer trick
  const v128_t y_low = wasm_f64x2_pmax(wasm_f64x2_mul(wasm_f64x2_sub(promote_low(z), pass.max), pass.scale), floor_y);
  const v128_t y_high = wasm_f64x2_pmax(wasm_f64x2_mul(wasm_f64x2_sub(promote_high(z), pass.max), pass.scale), floor_y);
  const v128_t n_low = wasm_f64x2_add(y_low, magic), n_high = wasm_f64x2_add(y_high, magic);
  const v128_t n = wasm_i32x4_shuffle(n_low, n_high, 0, 2, 4, 6);  // round(y) as int32 (low words)
  const v128_t r = demote_join(wasm_f64x2_sub(y_low, wasm_f64x2_sub(n_low, magic)),
                               wasm_f64x2_sub(y_high, wasm_f64x2_sub(n_high, magic)));
  const v128_t c6 = wasm_f32x4_splat(0x1.420A92p-13f);
  const v128_t c5 = wasm_f32x4_splat(0x1.5F3DEEp-10f);
  const v128_t c4 = wasm_f32x4_splat(0x1.3B2D38p-7f);
  const v128_t c3 = wasm_f32x4_splat(0x1.C6AEEAp-5f);
  const v128_t c2 = wasm_f32x4_splat(0x1.EBFBDCp-3f);
  const v128_t c1 = wasm_f32x4_splat(0x1.62E430p-1f);
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(c6, r), c5);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), c4);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), c3);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), c2);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), c1);
  const v128_t two_r = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  const v128_t two_n = wasm_i32x4_shl(wasm_i32x4_add(n, wasm_i32x4_splat(127)), 23);
  const v128_t underflow = wasm_i32x4_lt(n, wasm_i32x4_splat(-126));
  return wasm_v128_andnot(wasm_f32x4_mul(two_r, two_n), underflow);
}

// The cheaper exp for sums and sampling weights: exp((z - max) * inv_t) with the argument formed in
// float (XNNPACK's rr2_p5 form: magic-bias rounding, a two-constant Cody-Waite ln2, a degree-5
// polynomial of our own minimax fit). 30 instead of 48 instructions per vector natively.
// Accuracy: relative error <= 2.5e-7 + |x| * 1.2e-7 for x = (z - max) * inv_t, from the float
// rounding of the argument. That is harmless where terms are summed (a sum is dominated by its
// large terms, whose |x| is small) or drawn from (a 1e-6 relative error in a 1e-9 probability), and
// not good enough for softmax's stored probabilities, which use exp_of_difference.
struct FastExpPass {
  v128_t max;    // f32x4
  v128_t inv_t;  // f32x4, clamped to FLT_MAX so a tiny T never gives 0 * inf
};

inline FastExpPass fast_exp_pass(float max, double inv_temperature) {
  const float inv = inv_temperature > FLT_MAX ? FLT_MAX : static_cast<float>(inv_temperature);
  return {wasm_f32x4_splat(max), wasm_f32x4_splat(inv)};
}

inline v128_t fast_exp_of_difference(v128_t z, const FastExpPass& pass) {
  const v128_t log2e = wasm_f32x4_splat(0x1.715476p+0f);
  const v128_t magic_bias = wasm_f32x4_splat(0x1.8000FEp23f);  // 1.5 * 2^23 + 127
  const v128_t minus_ln2_hi = wasm_f32x4_splat(-0x1.62E400p-1f);
  const v128_t minus_ln2_lo = wasm_f32x4_splat(-0x1.7F7D1Cp-20f);
  const v128_t c5 = wasm_f32x4_splat(0x1.108F66p-7f);
  const v128_t c4 = wasm_f32x4_splat(0x1.573A5Cp-5f);
  const v128_t c3 = wasm_f32x4_splat(0x1.555808p-3f);
  const v128_t c2 = wasm_f32x4_splat(0x1.FFFDC6p-2f);
  const v128_t c1 = wasm_f32x4_splat(0x1.FFFFFCp-1f);
  const v128_t denormal_cutoff = wasm_f32x4_splat(-0x1.5D589Ep6f);  // ln(FLT_MIN)

  const v128_t x = wasm_f32x4_mul(wasm_f32x4_sub(z, pass.max), pass.inv_t);
  v128_t n = wasm_f32x4_add(wasm_f32x4_mul(x, log2e), magic_bias);
  const v128_t scale = wasm_i32x4_shl(n, 23);  // 2^n
  n = wasm_f32x4_sub(n, magic_bias);
  v128_t t = wasm_f32x4_add(wasm_f32x4_mul(n, minus_ln2_hi), x);
  t = wasm_f32x4_add(wasm_f32x4_mul(n, minus_ln2_lo), t);
  v128_t p = wasm_f32x4_add(wasm_f32x4_mul(c5, t), c4);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), c3);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), c2);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, t), c1);
  t = wasm_f32x4_mul(t, scale);
  const v128_t result = wasm_f32x4_add(wasm_f32x4_mul(t, p), scale);
  // x < ln(FLT_MIN), -Infinity included (its NaN intermediate is masked here), gives exactly 0.
  return wasm_v128_andnot(result, wasm_f32x4_lt(x, denormal_cutoff));
}

}  // namespace logitkit::simd
