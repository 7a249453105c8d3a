// top-k selection without a full sort, and top logprobs built on it.
#include <cmath>

#include "debug_check.h"
#include "logitkit/kernels.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

// A bounded min-heap over (value, index) pairs kept in the caller's two output arrays. Its root
// is the *worst* kept entry, where worse means a lower value, or an equal value at a higher index.
class WorstFirstHeap {
 public:
  WorstFirstHeap(int32_t* indices, float* values) : idx_(indices), val_(values) {}

  static bool worse(float va, int32_t ia, float vb, int32_t ib) {
    return va < vb || (va == vb && ia > ib);
  }

  void push(float value, int32_t index) {
    size_t child = size_++;
    while (child > 0) {
      const size_t parent = (child - 1) / 2;
      if (!worse(value, index, val_[parent], idx_[parent])) break;
      val_[child] = val_[parent];
      idx_[child] = idx_[parent];
      child = parent;
    }
    val_[child] = value;
    idx_[child] = index;
  }

  // Replaces the root (the worst entry) and restores the heap.
  void replace_root(float value, int32_t index) { sift_down(0, size_, value, index); }

  float worst_value() const { return val_[0]; }

  // Heapsort: repeatedly move the worst entry to the end, leaving the best first.
  void sort_best_first() {
    for (size_t end = size_; end > 1; --end) {
      const float v = val_[end - 1];
      const int32_t i = idx_[end - 1];
      val_[end - 1] = val_[0];
      idx_[end - 1] = idx_[0];
      sift_down(0, end - 1, v, i);
    }
  }

 private:
  void sift_down(size_t hole, size_t size, float value, int32_t index) {
    for (;;) {
      size_t child = 2 * hole + 1;
      if (child >= size) break;
      if (child + 1 < size && worse(val_[child + 1], idx_[child + 1], val_[child], idx_[child]))
        ++child;
      if (!worse(val_[child], idx_[child], value, index)) break;
      val_[hole] = val_[child];
      idx_[hole] = idx_[child];
      hole = child;
    }
    val_[hole] = value;
    idx_[hole] = index;
  }

  int32_t* idx_;
  float* val_;
  size_t size_ = 0;
};

}  // namespace

void top_k_unchecked(const float* logits, size_t n, size_t k, int32_t* out_indices,
                     float* out_values) {
  LOGITKIT_DEBUG_CHECK(k >= 1 && k <= n, "top_k_unchecked: 1 <= k <= n");
  LOGITKIT_DEBUG_CHECK(debug::no_nan(logits, n), "top_k_unchecked after NaN is ruled out");
  WorstFirstHeap heap(out_indices, out_values);
  size_t i = 0;
  for (; i < k; ++i) heap.push(logits[i], static_cast<int32_t>(i));
  // Scanning in index order, a later entry displaces the worst only when strictly greater (an equal
  // value at a higher index is worse). Whole vectors at or below the threshold are skipped.
  for (; i + kLanes <= n; i += kLanes) {
    if (!wasm_v128_any_true(
            wasm_f32x4_gt(wasm_v128_load(logits + i), wasm_f32x4_splat(heap.worst_value()))))
      continue;
    for (size_t j = i; j < i + kLanes; ++j) {
      if (logits[j] > heap.worst_value()) heap.replace_root(logits[j], static_cast<int32_t>(j));
    }
  }
  for (; i < n; ++i) {
    if (logits[i] > heap.worst_value()) heap.replace_root(logits[i], static_cast<int32_t>(i));
  }
  heap.sort_best_first();
}

Status top_k(const float* logits, size_t n, size_t k, int32_t* out_indices, float* out_values) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  top_k_unchecked(logits, n, k, out_indices, out_values);
  return {};
}

Status top_logprobs(const float* logits, size_t n, size_t k, double temperature,
                    int32_t* out_indices, float* out_logprobs) {
  const Scan scan = scan_logits(logits, n);
  if (!scan.status.ok()) return scan.status;
  top_k_unchecked(logits, n, k, out_indices, out_logprobs);
  if (temperature == 0) {
    for (size_t j = 0; j < k; ++j) out_logprobs[j] = j == 0 ? 0.0f : -INFINITY;
    return {};
  }
  const double inv_t = inverse_temperature(temperature);
  const double log_sum = std::log(sum_exp(logits, n, scan.max, inv_t));
  for (size_t j = 0; j < k; ++j) {
    out_logprobs[j] =
        static_cast<float>((static_cast<double>(out_logprobs[j]) - scan.max) * inv_t - log_sum);
  }
  return {};
}

}  // namespace logitkit
