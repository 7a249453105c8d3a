// Validation, maximum and argmax: the first pass of every operation.
#include <cmath>
#include <limits>

#include "logitkit/kernels.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

Status locate_invalid(const float* logits, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(logits[i])) return {Code::kNaN, static_cast<uint32_t>(i)};
    if (logits[i] == std::numeric_limits<float>::infinity())
      return {Code::kPositiveInf, static_cast<uint32_t>(i)};
  }
  return {Code::kAllNegativeInf, 0};
}

Scan scan_max(const float* logits, size_t n) {
  const float neg_inf = -std::numeric_limits<float>::infinity();
  v128_t max0 = wasm_f32x4_splat(neg_inf), max1 = max0, max2 = max0, max3 = max0;
  size_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    max0 = wasm_f32x4_pmax(max0, wasm_v128_load(logits + i));
    max1 = wasm_f32x4_pmax(max1, wasm_v128_load(logits + i + 4));
    max2 = wasm_f32x4_pmax(max2, wasm_v128_load(logits + i + 8));
    max3 = wasm_f32x4_pmax(max3, wasm_v128_load(logits + i + 12));
  }
  for (; i < n; i += kLanes) {
    const size_t count = n - i < kLanes ? n - i : kLanes;
    max0 = wasm_f32x4_pmax(
        max0, count == kLanes ? wasm_v128_load(logits + i) : load_tail(logits + i, count, neg_inf));
  }
  Scan scan;
  scan.max =
      horizontal_max(wasm_f32x4_pmax(wasm_f32x4_pmax(max0, max1), wasm_f32x4_pmax(max2, max3)));
  if (n == 0 || std::isinf(scan.max)) scan.status = locate_invalid(logits, n);
  return scan;
}

Scan scan_logits(const float* logits, size_t n) {
  const float neg_inf = -std::numeric_limits<float>::infinity();
  // pmax(acc, v) keeps acc when v is NaN, so NaN is caught by a plain sum of the row alongside: a
  // NaN makes it NaN. One add per vector, where a v != v test and an or cost two. Without NaN and
  // +Infinity (the max rules that out) the sum is NaN only when it overflowed to +Infinity and met
  // a -Infinity; the rare path below then finds nothing to report.
  v128_t max0 = wasm_f32x4_splat(neg_inf), max1 = max0, max2 = max0, max3 = max0;
  v128_t sum0 = wasm_f32x4_splat(0), sum1 = sum0, sum2 = sum0, sum3 = sum0;
  size_t i = 0;
  for (; i + 4 * kLanes <= n; i += 4 * kLanes) {
    const v128_t a = wasm_v128_load(logits + i), b = wasm_v128_load(logits + i + 4);
    const v128_t c = wasm_v128_load(logits + i + 8), d = wasm_v128_load(logits + i + 12);
    max0 = wasm_f32x4_pmax(max0, a);
    max1 = wasm_f32x4_pmax(max1, b);
    max2 = wasm_f32x4_pmax(max2, c);
    max3 = wasm_f32x4_pmax(max3, d);
    sum0 = wasm_f32x4_add(sum0, a);
    sum1 = wasm_f32x4_add(sum1, b);
    sum2 = wasm_f32x4_add(sum2, c);
    sum3 = wasm_f32x4_add(sum3, d);
  }
  for (; i < n; i += kLanes) {
    const size_t count = n - i < kLanes ? n - i : kLanes;
    const v128_t v =
        count == kLanes ? wasm_v128_load(logits + i) : load_tail(logits + i, count, neg_inf);
    max0 = wasm_f32x4_pmax(max0, v);
    sum0 = wasm_f32x4_add(sum0, v);
  }
  const float max =
      horizontal_max(wasm_f32x4_pmax(wasm_f32x4_pmax(max0, max1), wasm_f32x4_pmax(max2, max3)));
  const v128_t sum = wasm_f32x4_add(wasm_f32x4_add(sum0, sum1), wasm_f32x4_add(sum2, sum3));
  Scan scan;
  scan.max = max;
  if (n == 0 || std::isinf(max) || !wasm_i32x4_all_true(wasm_f32x4_eq(sum, sum))) {
    const Status found = locate_invalid(logits, n);
    if (n == 0 || found.code != Code::kAllNegativeInf || max == neg_inf) scan.status = found;
  }
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
