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

namespace {

// Pass 1 of draw_kept: the kept mass of each block of kBlock tokens into block_mass, their total,
// and, with Count, *kept_count = kept tokens with weight (two operations per vector). With TieLimit
// the kept test is z > threshold, or z == threshold at an index <= last_tie_index; without,
// z >= threshold (one compare).
template <bool TieLimit, bool Count>
double kept_block_masses(const float* logits, const float* weights, size_t n, const KeptSet& kept,
                         double* block_mass, uint32_t* kept_count) {
  const v128_t threshold = wasm_f32x4_splat(kept.threshold);
  const v128_t last_tie = wasm_i32x4_splat(static_cast<int32_t>(kept.last_tie_index));
  const v128_t zero = wasm_f32x4_splat(0), four = wasm_i32x4_splat(4);
  const auto kept_weights = [&](v128_t z, v128_t w, v128_t index) {
    v128_t in = wasm_f32x4_ge(z, threshold);
    if (TieLimit)
      in = wasm_v128_andnot(
          in, wasm_v128_and(wasm_f32x4_eq(z, threshold), wasm_u32x4_gt(index, last_tie)));
    return wasm_v128_and(w, opaque_mask(in));
  };
  const size_t blocks = (n + kBlock - 1) / kBlock;
  double total = 0;
  v128_t nonzero = wasm_i32x4_splat(0);
  for (size_t b = 0; b < blocks; ++b) {
    const size_t begin = b * kBlock, end = std::min(n, begin + kBlock);
    const size_t full_end = begin + (end - begin) / kLanes * kLanes;
    v128_t acc = wasm_f32x4_splat(0);
    const int32_t first = static_cast<int32_t>(begin);
    v128_t index = wasm_i32x4_make(first, first + 1, first + 2, first + 3);
    size_t i = begin;
    // Two vectors per step (V8's loop overhead, a stack check among it, once per 8 tokens), added
    // to the one accumulator in index order: the same arithmetic as one vector per step.
    for (; i + 2 * kLanes <= full_end; i += 2 * kLanes) {
      const v128_t kept_w0 =
          kept_weights(wasm_v128_load(logits + i), wasm_v128_load(weights + i), index);
      if (TieLimit) index = wasm_i32x4_add(index, four);
      const v128_t kept_w1 = kept_weights(wasm_v128_load(logits + i + kLanes),
                                          wasm_v128_load(weights + i + kLanes), index);
      if (TieLimit) index = wasm_i32x4_add(index, four);
      acc = wasm_f32x4_add(wasm_f32x4_add(acc, kept_w0), kept_w1);
      if (Count)
        nonzero = wasm_i32x4_sub(wasm_i32x4_sub(nonzero, wasm_f32x4_gt(kept_w0, zero)),
                                 wasm_f32x4_gt(kept_w1, zero));
    }
    for (; i < full_end; i += kLanes) {
      const v128_t kept_w =
          kept_weights(wasm_v128_load(logits + i), wasm_v128_load(weights + i), index);
      acc = wasm_f32x4_add(acc, kept_w);
      if (Count) nonzero = wasm_i32x4_sub(nonzero, wasm_f32x4_gt(kept_w, zero));
      if (TieLimit) index = wasm_i32x4_add(index, four);
    }
    if (i < end) {  // the row's last, partial vector: padded with -Infinity logits and zero weights
      const v128_t kept_w = kept_weights(load_tail(logits + i, end - i, kNegInf),
                                         load_tail(weights + i, end - i, 0.0f), index);
      acc = wasm_f32x4_add(acc, kept_w);
      if (Count) nonzero = wasm_i32x4_sub(nonzero, wasm_f32x4_gt(kept_w, zero));
    }
    block_mass[b] = horizontal_sum(acc);
    total += block_mass[b];
  }
  if (Count) *kept_count = static_cast<uint32_t>(horizontal_count(nonzero));
  return total;
}

}  // namespace

Draw draw_kept(const float* logits, const float* weights, size_t n, const KeptSet& kept, double u,
               double* block_mass, uint32_t known_kept_count) {
  LOGITKIT_DEBUG_CHECK(n >= 1 && u >= 0 && u < 1, "draw_kept needs a row and u in [0, 1)");
  // Pass 1: the kept mass of each block of kBlock tokens, and how many kept tokens have weight
  // (unless the caller knows it).
  const size_t blocks = (n + kBlock - 1) / kBlock;
  uint32_t kept_count = known_kept_count;
  const double total =
      kept.last_tie_index != kAllTies
          ? kept_block_masses<true, true>(logits, weights, n, kept, block_mass, &kept_count)
      : known_kept_count == kCountKeptTokens
          ? kept_block_masses<false, true>(logits, weights, n, kept, block_mass, &kept_count)
          : kept_block_masses<false, false>(logits, weights, n, kept, block_mass, &kept_count);
#if defined(LOGITKIT_DEBUG_CHECKS)
  if (known_kept_count != kCountKeptTokens) {  // the same pass again, counting (same block masses)
    uint32_t counted = 0;
    kept_block_masses<false, true>(logits, weights, n, kept, block_mass, &counted);
    LOGITKIT_DEBUG_CHECK(counted == known_kept_count, "draw_kept: the known kept count is right");
  }
#endif
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
