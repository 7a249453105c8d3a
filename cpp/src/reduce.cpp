// Validation, maximum and argmax: the first pass of every operation.
#include <cmath>
#include <limits>

#include "logitkit/kernels.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

// Slow path, taken only when the fast pass found a problem: name the first offending index.
Status locate_invalid(const float* logits, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(logits[i])) return {Code::kNaN, static_cast<uint32_t>(i)};
    if (logits[i] == std::numeric_limits<float>::infinity())
      return {Code::kPositiveInf, static_cast<uint32_t>(i)};
  }
  return {Code::kAllNegativeInf, 0};
}

}  // namespace

Scan scan_logits(const float* logits, size_t n) {
  const float neg_inf = -std::numeric_limits<float>::infinity();
  // pmax(acc, v) keeps acc when v is NaN, so NaNs are tracked separately with v != v.
  v128_t max0 = wasm_f32x4_splat(neg_inf), max1 = max0, max2 = max0, max3 = max0;
  v128_t nan_seen = wasm_i32x4_splat(0);
  size_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    const v128_t a = wasm_v128_load(logits + i), b = wasm_v128_load(logits + i + 4);
    const v128_t c = wasm_v128_load(logits + i + 8), d = wasm_v128_load(logits + i + 12);
    max0 = wasm_f32x4_pmax(max0, a);
    max1 = wasm_f32x4_pmax(max1, b);
    max2 = wasm_f32x4_pmax(max2, c);
    max3 = wasm_f32x4_pmax(max3, d);
    nan_seen = wasm_v128_or(nan_seen,
                            wasm_v128_or(wasm_v128_or(wasm_f32x4_ne(a, a), wasm_f32x4_ne(b, b)),
                                         wasm_v128_or(wasm_f32x4_ne(c, c), wasm_f32x4_ne(d, d))));
  }
  for (; i < n; i += kLanes) {
    const size_t count = n - i < kLanes ? n - i : kLanes;
    const v128_t v =
        count == kLanes ? wasm_v128_load(logits + i) : load_tail(logits + i, count, neg_inf);
    max0 = wasm_f32x4_pmax(max0, v);
    nan_seen = wasm_v128_or(nan_seen, wasm_f32x4_ne(v, v));
  }
  const float max =
      horizontal_max(wasm_f32x4_pmax(wasm_f32x4_pmax(max0, max1), wasm_f32x4_pmax(max2, max3)));
  Scan scan;
  scan.max = max;
  if (n == 0 || wasm_v128_any_true(nan_seen) || std::isinf(max))
    scan.status = locate_invalid(logits, n);
  return scan;
}

uint32_t first_index_of(const float* logits, size_t n, float max) {
  const v128_t target = wasm_f32x4_splat(max);
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    if (wasm_v128_any_true(wasm_f32x4_eq(wasm_v128_load(logits + i), target))) break;
  }
  for (; i < n; ++i) {
    if (logits[i] == max) return static_cast<uint32_t>(i);
  }
  return 0;  // unreachable for a max taken from the row
}

Status argmax(const float* logits, size_t n, uint32_t* out) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  *out = first_index_of(logits, n, scan.max);
  return {};
}

}  // namespace logitkit
