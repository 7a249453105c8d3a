// The inverse-CDF draw: block masses (float sums per 256 tokens, 4 lanes by index mod 4), a double
// walk to the chosen block, then a double walk inside it. Both forms do exactly this arithmetic.
#include "draw.h"

#include <algorithm>
#include <limits>

#include "debug_check.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

}  // namespace

size_t block_of(const double* block_mass, size_t last_nonzero, double target, double* cumulative) {
  size_t b = 0;
  while (b < last_nonzero && (block_mass[b] == 0 || *cumulative + block_mass[b] <= target)) {
    *cumulative += block_mass[b];
    ++b;
  }
  return b;
}

Draw draw_kept(const float* logits, const float* weights, size_t n, const KeptSet& kept, double u,
               double* block_mass) {
  LOGITKIT_DEBUG_CHECK(n >= 1 && u >= 0 && u < 1, "draw_kept needs a row and u in [0, 1)");
  // Pass 1: the kept mass of each block of kBlock tokens, and how many kept tokens have weight.
  const v128_t threshold = wasm_f32x4_splat(kept.threshold);
  const v128_t last_tie = wasm_i32x4_splat(static_cast<int32_t>(kept.last_tie_index));
  const v128_t zero = wasm_f32x4_splat(0);
  const size_t blocks = (n + kBlock - 1) / kBlock;
  double total = 0;
  v128_t nonzero = wasm_i32x4_splat(0);
  // Without a tie limit the test is z >= threshold; with one, ties past last_tie_index are out.
  const bool tie_limit = kept.last_tie_index != kAllTies;
  const v128_t four = wasm_i32x4_splat(4);
  const auto kept_weights = [&](v128_t z, v128_t w, v128_t index) {
    v128_t in = wasm_f32x4_ge(z, threshold);
    if (tie_limit)
      in = wasm_v128_andnot(
          in, wasm_v128_and(wasm_f32x4_eq(z, threshold), wasm_u32x4_gt(index, last_tie)));
    return wasm_v128_and(w, in);
  };
  for (size_t b = 0; b < blocks; ++b) {
    const size_t begin = b * kBlock, end = std::min(n, begin + kBlock);
    const size_t full_end = begin + (end - begin) / kLanes * kLanes;
    v128_t acc = wasm_f32x4_splat(0);
    const int32_t first = static_cast<int32_t>(begin);
    v128_t index = wasm_i32x4_make(first, first + 1, first + 2, first + 3);
    size_t i = begin;
    for (; i < full_end; i += kLanes, index = wasm_i32x4_add(index, four)) {
      const v128_t kept_w =
          kept_weights(wasm_v128_load(logits + i), wasm_v128_load(weights + i), index);
      acc = wasm_f32x4_add(acc, kept_w);
      nonzero = wasm_i32x4_sub(nonzero, wasm_f32x4_gt(kept_w, zero));
    }
    if (i < end) {  // the row's last, partial vector: padded with -Infinity logits and zero weights
      const v128_t kept_w = kept_weights(load_tail(logits + i, end - i, kNegInf),
                                         load_tail(weights + i, end - i, 0.0f), index);
      acc = wasm_f32x4_add(acc, kept_w);
      nonzero = wasm_i32x4_sub(nonzero, wasm_f32x4_gt(kept_w, zero));
    }
    block_mass[b] = horizontal_sum(acc);
    total += block_mass[b];
  }
  const uint32_t kept_count = static_cast<uint32_t>(horizontal_count(nonzero));
  size_t last_nonzero = 0;
  for (size_t b = 0; b < blocks; ++b) {
    if (block_mass[b] > 0) last_nonzero = b;
  }

  // Pass 2: find the block where the cumulative mass passes u * total, then the token inside it.
  const double target = u * total;
  double cumulative = 0;
  const size_t b = block_of(block_mass, last_nonzero, target, &cumulative);
  // Inside the block, sum in double; if rounding leaves the target unreached, take the block's last
  // kept token with weight (the block has one: its mass is positive or it is the last block).
  int32_t chosen = -1;
  for (size_t i = b * kBlock, end = std::min(n, (b + 1) * kBlock); i < end; ++i) {
    if (weights[i] > 0 && kept.contains(logits[i], static_cast<uint32_t>(i))) {
      chosen = static_cast<int32_t>(i);
      cumulative += weights[i];
      if (cumulative > target) break;
    }
  }
  return {chosen, kept_count, total};
}

Draw draw_list(const int32_t* tokens, const float* weights, size_t m, double u, double* block_mass,
               int32_t* block_start) {
  LOGITKIT_DEBUG_CHECK(m >= 1 && u >= 0 && u < 1, "draw_list needs a token and u in [0, 1)");
  LOGITKIT_DEBUG_CHECK(debug::strictly_ascending(tokens, m), "draw_list's tokens ascend");
  size_t blocks = 0, last_nonzero = 0;
  uint32_t kept_count = 0;
  double total = 0;
  for (size_t j = 0; j < m;) {
    const uint32_t block = static_cast<uint32_t>(tokens[j]) / kBlock;
    float lane[kLanes] = {0, 0, 0, 0};
    block_start[blocks] = static_cast<int32_t>(j);
    for (; j < m && static_cast<uint32_t>(tokens[j]) / kBlock == block; ++j) {
      lane[static_cast<uint32_t>(tokens[j]) % kLanes] += weights[j];
      kept_count += weights[j] > 0;
    }
    const float a = lane[0] + lane[1], b = lane[2] + lane[3];
    block_mass[blocks] = static_cast<double>(a + b);
    total += block_mass[blocks];
    if (block_mass[blocks] > 0) last_nonzero = blocks;
    ++blocks;
  }
  const double target = u * total;
  double cumulative = 0;
  const size_t b = block_of(block_mass, last_nonzero, target, &cumulative);
  int32_t chosen = -1;
  const size_t end = b + 1 < blocks ? static_cast<size_t>(block_start[b + 1]) : m;
  for (size_t j = static_cast<size_t>(block_start[b]); j < end; ++j) {
    if (weights[j] > 0) {
      chosen = tokens[j];
      cumulative += weights[j];
      if (cumulative > target) break;
    }
  }
  return {chosen, kept_count, total};
}

}  // namespace logitkit
