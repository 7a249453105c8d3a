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
#include <cmath>
#include <cstddef>
#include <cstdint>
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

// The sum of 4 int32 lanes holding counts (each >= 0), e.g. accumulated by subtracting comparison
// masks (a true lane is -1).
inline size_t horizontal_count(v128_t counts) {
  return static_cast<size_t>(static_cast<uint32_t>(wasm_i32x4_extract_lane(counts, 0)) +
                             static_cast<uint32_t>(wasm_i32x4_extract_lane(counts, 1)) +
                             static_cast<uint32_t>(wasm_i32x4_extract_lane(counts, 2)) +
                             static_cast<uint32_t>(wasm_i32x4_extract_lane(counts, 3)));
}

// Splits 4 float lanes into two f64x2 halves and joins two f64x2 halves back into 4 floats.
inline v128_t promote_low(v128_t v) {
  return wasm_f64x2_promote_low_f32x4(v);
}
inline v128_t promote_high(v128_t v) {
  return wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
}
inline v128_t demote_join(v128_t low, v128_t high) {
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(low), wasm_f32x4_demote_f64x2_zero(high),
                            0, 1, 4, 5);
}

// (z - max) * scale - offset per lane, computed in double and rounded once to float.
inline v128_t scaled_difference(v128_t z, v128_t max_f64, v128_t scale_f64, v128_t offset_f64) {
  const v128_t low = wasm_f64x2_sub(
      wasm_f64x2_mul(wasm_f64x2_sub(promote_low(z), max_f64), scale_f64), offset_f64);
  const v128_t high = wasm_f64x2_sub(
      wasm_f64x2_mul(wasm_f64x2_sub(promote_high(z), max_f64), scale_f64), offset_f64);
  return demote_join(low, high);
}

}  // namespace logitkit::simd
