#include "ops.h"

#include <cmath>

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#else
#define SIMDE_WASM_SIMD128_ENABLE_NATIVE_ALIASES
#include <simde/wasm/simd128.h>
#endif

namespace logitkit::model {
namespace {

// Dot product of two float rows: four independent 4-lane accumulators (16 products in flight,
// enough to hide the add latency), then a scalar tail.
float dot(const float* a, const float* b, size_t n) {
  v128_t acc0 = wasm_f32x4_splat(0.0f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + j), wasm_v128_load(b + j)));
    acc1 =
        wasm_f32x4_add(acc1, wasm_f32x4_mul(wasm_v128_load(a + j + 4), wasm_v128_load(b + j + 4)));
    acc2 =
        wasm_f32x4_add(acc2, wasm_f32x4_mul(wasm_v128_load(a + j + 8), wasm_v128_load(b + j + 8)));
    acc3 = wasm_f32x4_add(acc3,
                          wasm_f32x4_mul(wasm_v128_load(a + j + 12), wasm_v128_load(b + j + 12)));
  }
  for (; j + 4 <= n; j += 4)
    acc0 = wasm_f32x4_add(acc0, wasm_f32x4_mul(wasm_v128_load(a + j), wasm_v128_load(b + j)));
  const v128_t acc = wasm_f32x4_add(wasm_f32x4_add(acc0, acc1), wasm_f32x4_add(acc2, acc3));
  float sum = (wasm_f32x4_extract_lane(acc, 0) + wasm_f32x4_extract_lane(acc, 1)) +
              (wasm_f32x4_extract_lane(acc, 2) + wasm_f32x4_extract_lane(acc, 3));
  for (; j < n; ++j) sum += a[j] * b[j];
  return sum;
}

}  // namespace

void matmul(float* out, const float* x, const float* w, size_t n, size_t d) {
  for (size_t i = 0; i < d; ++i) out[i] = dot(w + i * n, x, n);
}

void rmsnorm(float* out, const float* x, const float* weight, size_t n) {
  const float ss = dot(x, x, n) / static_cast<float>(n) + 1e-5f;
  const float scale = 1.0f / std::sqrt(ss);
  for (size_t i = 0; i < n; ++i) out[i] = weight[i] * (scale * x[i]);
}

void softmax_inplace(float* x, size_t n) {
  float max = x[0];
  for (size_t i = 1; i < n; ++i) max = x[i] > max ? x[i] : max;
  float sum = 0.0f;
  for (size_t i = 0; i < n; ++i) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  for (size_t i = 0; i < n; ++i) x[i] /= sum;
}

void rope(float* q, float* k, size_t q_dim, size_t kv_dim, size_t head_size, int pos) {
  for (size_t i = 0; i < q_dim; i += 2) {
    const size_t head_dim = i % head_size;
    const float freq =
        1.0f / std::pow(10000.0f, static_cast<float>(head_dim) / static_cast<float>(head_size));
    const float angle = static_cast<float>(pos) * freq;
    const float c = std::cos(angle), s = std::sin(angle);
    const size_t rotations = i < kv_dim ? 2 : 1;  // query always, key while i is within kv_dim
    for (size_t v = 0; v < rotations; ++v) {
      float* vec = v == 0 ? q : k;
      const float a = vec[i], b = vec[i + 1];
      vec[i] = a * c - b * s;
      vec[i + 1] = a * s + b * c;
    }
  }
}

void swiglu(float* hb, const float* hb2, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float x = hb[i];
    hb[i] = x / (1.0f + std::exp(-x)) * hb2[i];
  }
}

}  // namespace logitkit::model
