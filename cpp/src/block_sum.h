// The blocked sum that every exp pass shares (internal). Its order is fixed, so every build gets
// the same bits: float vectors within each block of kBlock logits (two accumulators, 8 logits per
// step), then each block's horizontal sum added to a double total.
#pragma once
#include <array>
#include <cstddef>
#include <limits>

#include "simd.h"

namespace logitkit::simd {

// Calls `visit(i, z, count)` for every group of 4 logits starting at i (the tail padded with
// -Infinity, count = how many lanes are real) and sums each of the `Sums` float vectors it returns.
template <size_t Sums, typename Visit>
std::array<double, Sums> block_sums(const float* logits, size_t n, Visit visit) {
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  std::array<double, Sums> total{};
  for (size_t block = 0; block < n; block += kBlock) {
    const size_t end = block + kBlock < n ? block + kBlock : n;
    std::array<v128_t, Sums> acc0, acc1;
    acc0.fill(wasm_f32x4_splat(0));
    acc1 = acc0;
    const auto add = [](std::array<v128_t, Sums>& acc, const std::array<v128_t, Sums>& v) {
      for (size_t s = 0; s < Sums; ++s) acc[s] = wasm_f32x4_add(acc[s], v[s]);
    };
    size_t i = block;
    for (; i + 2 * kLanes <= end; i += 2 * kLanes) {
      add(acc0, visit(i, wasm_v128_load(logits + i), kLanes));
      add(acc1, visit(i + 4, wasm_v128_load(logits + i + 4), kLanes));
    }
    for (; i < end; i += kLanes) {
      const size_t count = end - i < kLanes ? end - i : kLanes;
      const v128_t z =
          count == kLanes ? wasm_v128_load(logits + i) : load_tail(logits + i, count, kNegInf);
      add(acc0, visit(i, z, count));
    }
    for (size_t s = 0; s < Sums; ++s) total[s] += horizontal_sum(wasm_f32x4_add(acc0[s], acc1[s]));
  }
  return total;
}

template <typename Visit>
double block_sum(const float* logits, size_t n, Visit visit) {
  return block_sums<1>(logits, n, [&](size_t i, v128_t z, size_t count) {
    return std::array<v128_t, 1>{visit(i, z, count)};
  })[0];
}

// Stores the lanes of `v` that are real (all 4, or the row's last `count`) at p.
inline void store_lanes(float* p, size_t count, v128_t v) {
  if (count == kLanes)
    wasm_v128_store(p, v);
  else
    store_tail(p, count, v);
}

}  // namespace logitkit::simd
