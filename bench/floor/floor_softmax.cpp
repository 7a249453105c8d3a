#include "floor_softmax.h"

#include <cmath>
#include <cstring>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#define SIMDE_WASM_SIMD128_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif

namespace logitkit::bench {

namespace {

constexpr size_t kBlock = 256;

v128_t load_padded(const float* p, size_t count) {
  float lanes[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
  std::memcpy(lanes, p, count * sizeof(float));
  return wasm_v128_load(lanes);
}

}  // namespace

void floor_softmax(const float* logits, size_t n, float* out) {
  // 1. max, four independent chains.
  v128_t m0 = wasm_f32x4_splat(-INFINITY), m1 = m0, m2 = m0, m3 = m0;
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    m0 = wasm_f32x4_pmax(m0, wasm_v128_load(logits + i));
    m1 = wasm_f32x4_pmax(m1, wasm_v128_load(logits + i + 4));
    m2 = wasm_f32x4_pmax(m2, wasm_v128_load(logits + i + 8));
    m3 = wasm_f32x4_pmax(m3, wasm_v128_load(logits + i + 12));
  }
  m0 = wasm_f32x4_pmax(wasm_f32x4_pmax(m0, m1), wasm_f32x4_pmax(m2, m3));
  float max = std::fmax(std::fmax(wasm_f32x4_extract_lane(m0, 0), wasm_f32x4_extract_lane(m0, 1)),
                        std::fmax(wasm_f32x4_extract_lane(m0, 2), wasm_f32x4_extract_lane(m0, 3)));
  for (; i < n; ++i) max = std::fmax(max, logits[i]);

  // 2. exp(z - c), c = k ln 2, stored and summed.
  const double k = std::nearbyint(static_cast<double>(max) * 1.4426950408889634);
  const v128_t lower = wasm_f32x4_splat(static_cast<float>(k * 0.6931471805599453 - 88.0));
  const v128_t log2e = wasm_f32x4_splat(0x1.715476p+0f);
  const v128_t bias = wasm_f32x4_splat(static_cast<float>(0x1.8000FEp23 - k));
  const v128_t minus_ln2_hi = wasm_f32x4_splat(-0x1.62E400p-1f);
  const v128_t minus_ln2_lo = wasm_f32x4_splat(-0x1.7F7D1Cp-20f);
  const v128_t c5 = wasm_f32x4_splat(0x1.108F66p-7f), c4 = wasm_f32x4_splat(0x1.573A5Cp-5f),
               c3 = wasm_f32x4_splat(0x1.555808p-3f), c2 = wasm_f32x4_splat(0x1.FFFDC6p-2f),
               c1 = wasm_f32x4_splat(0x1.FFFFFCp-1f);
  const auto exp_shifted = [&](v128_t z) {
    z = wasm_f32x4_pmax(z, lower);
    v128_t v = wasm_f32x4_add(wasm_f32x4_mul(z, log2e), bias);
    // v = m + 1.5 * 2^23 + 127 - k: its low bits hold m - k + 127, its value minus the bias is m.
    const v128_t scale = wasm_i32x4_shl(v, 23);  // 2^(m - k)
    const v128_t m = wasm_f32x4_sub(v, bias);
    v128_t r = wasm_f32x4_add(wasm_f32x4_mul(m, minus_ln2_hi), z);
    r = wasm_f32x4_add(wasm_f32x4_mul(m, minus_ln2_lo), r);
    v128_t q = wasm_f32x4_add(wasm_f32x4_mul(c5, r), c4);
    q = wasm_f32x4_add(wasm_f32x4_mul(q, r), c3);
    q = wasm_f32x4_add(wasm_f32x4_mul(q, r), c2);
    q = wasm_f32x4_add(wasm_f32x4_mul(q, r), c1);
    return wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(r, scale), q), scale);
  };
  v128_t total_low = wasm_f64x2_splat(0), total_high = total_low;
  for (size_t block = 0; block < n; block += kBlock) {
    const size_t end = block + kBlock < n ? block + kBlock : n;
    v128_t acc0 = wasm_f32x4_splat(0);
    size_t j = block;
    for (; j + 8 <= end; j += 8) {
      const v128_t e0 = exp_shifted(wasm_v128_load(logits + j));
      const v128_t e1 = exp_shifted(wasm_v128_load(logits + j + 4));
      wasm_v128_store(out + j, e0);
      wasm_v128_store(out + j + 4, e1);
      acc0 = wasm_f32x4_add(acc0, wasm_f32x4_add(e0, e1));
    }
    for (; j < end; j += 4) {
      const size_t count = end - j < 4 ? end - j : 4;
      const v128_t e =
          exp_shifted(count == 4 ? wasm_v128_load(logits + j) : load_padded(logits + j, count));
      float lanes[4];
      wasm_v128_store(lanes, e);
      std::memcpy(out + j, lanes, count * sizeof(float));
      acc0 = wasm_f32x4_add(acc0, e);
    }
    total_low = wasm_f64x2_add(total_low, wasm_f64x2_promote_low_f32x4(acc0));
    total_high = wasm_f64x2_add(
        total_high, wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(acc0, acc0, 2, 3, 0, 1)));
  }
  const v128_t total = wasm_f64x2_add(total_low, total_high);
  const double sum = wasm_f64x2_extract_lane(total, 0) + wasm_f64x2_extract_lane(total, 1);

  // 3. scale.
  const float inv = static_cast<float>(1.0 / sum);
  const v128_t vinv = wasm_f32x4_splat(inv);
  for (i = 0; i + 4 <= n; i += 4)
    wasm_v128_store(out + i, wasm_f32x4_mul(wasm_v128_load(out + i), vinv));
  for (; i < n; ++i) out[i] *= inv;
}

}  // namespace logitkit::bench
