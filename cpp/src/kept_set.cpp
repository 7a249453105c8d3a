// Mass selection and the inverse-CDF draw over a kept prefix.
#include "kept_set.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kPosInf = std::numeric_limits<float>::infinity();

// A key whose ascending order is the total order (logit descending, then index ascending) for
// logits that are not NaN: the float's bits mapped to a descending unsigned integer, then the
// index. -0 must be passed as +0 (they tie in the order).
uint64_t order_key(float z, uint32_t index) {
  uint32_t bits;
  std::memcpy(&bits, &z, sizeof bits);
  const uint32_t descending = (bits & 0x80000000u) != 0 ? bits : ~bits & 0x7FFFFFFFu;
  return static_cast<uint64_t>(descending) << 32 | index;
}

// The KeptSet whose last element has this key: the prefix up to and including it.
KeptSet kept_through(uint64_t key) {
  const uint32_t descending = static_cast<uint32_t>(key >> 32);
  const uint32_t bits = (descending & 0x80000000u) != 0 ? descending : ~descending & 0x7FFFFFFFu;
  float z;
  std::memcpy(&z, &bits, sizeof z);
  return {z, static_cast<uint32_t>(key)};
}

// Mass and count of the tokens above a logit bracket (z > high) and inside it (low <= z <= high).
// The inside tokens are also gathered, in index order, as keys and weights into the scratch.
struct BracketScan {
  double above_mass = 0, inside_mass = 0;
  size_t above_count = 0, inside_count = 0;
};

BracketScan scan_bracket(const float* logits, const float* weights, size_t n, float low, float high,
                         const MassScratch& out) {
  const v128_t vlow = wasm_f32x4_splat(low), vhigh = wasm_f32x4_splat(high),
               zero = wasm_f32x4_splat(0);
  uint64_t* const out_key = out.key;  // locals: the stores below could alias `out` itself
  float* const out_weight = out.weight;
  BracketScan scan;
  size_t count = 0;
  size_t i = 0;
  for (; i + kLanes <= n;) {
    const size_t end = std::min(n - n % kLanes, i + kBlock);
    v128_t above = wasm_f32x4_splat(0), inside = above, above_count = wasm_i32x4_splat(0);
    for (; i < end; i += kLanes) {
      const v128_t z = wasm_v128_load(logits + i), w = wasm_v128_load(weights + i);
      const v128_t gt = wasm_f32x4_gt(z, vhigh);
      const v128_t in = wasm_v128_andnot(wasm_f32x4_ge(z, vlow), gt);
      above = wasm_f32x4_add(above, wasm_v128_and(w, gt));
      inside = wasm_f32x4_add(inside, wasm_v128_and(w, in));
      above_count = wasm_i32x4_sub(above_count, gt);  // a true lane is -1
      if (wasm_v128_any_true(in)) {
        // Branch-free compaction: every lane is written, and the count advances past inside
        // lanes only. The writes stay below i + kLanes <= n, inside the scratch.
        const uint32_t mask = static_cast<uint32_t>(wasm_i32x4_bitmask(in));
        float zs[kLanes], ws[kLanes];
        wasm_v128_store(zs, wasm_f32x4_add(z, zero));  // -0 + 0 = +0
        wasm_v128_store(ws, w);
        for (uint32_t lane = 0; lane < kLanes; ++lane) {
          out_key[count] = order_key(zs[lane], static_cast<uint32_t>(i + lane));
          out_weight[count] = ws[lane];
          count += (mask >> lane) & 1;
        }
      }
    }
    scan.above_mass += horizontal_sum(above);
    scan.inside_mass += horizontal_sum(inside);
    scan.above_count += static_cast<uint32_t>(wasm_i32x4_extract_lane(above_count, 0)) +
                        static_cast<uint32_t>(wasm_i32x4_extract_lane(above_count, 1)) +
                        static_cast<uint32_t>(wasm_i32x4_extract_lane(above_count, 2)) +
                        static_cast<uint32_t>(wasm_i32x4_extract_lane(above_count, 3));
  }
  for (; i < n; ++i) {
    if (logits[i] > high) {
      scan.above_mass += weights[i];
      ++scan.above_count;
    } else if (logits[i] >= low) {
      scan.inside_mass += weights[i];
      out_key[count] = order_key(logits[i] + 0.0f, static_cast<uint32_t>(i));
      out_weight[count++] = weights[i];
    }
  }
  scan.inside_count = count;
  return scan;
}

// The block where the cumulative mass first exceeds `target`; *cumulative gets the mass before it.
// The walk stops at the last block with mass, so rounding can never land in an empty block.
size_t block_of(const double* block_mass, size_t last_nonzero, double target, double* cumulative) {
  size_t b = 0;
  while (b < last_nonzero && (block_mass[b] == 0 || *cumulative + block_mass[b] <= target)) {
    *cumulative += block_mass[b];
    ++b;
  }
  return b;
}

// The shortest prefix of `count` candidates already in the order whose mass reaches `target`.
size_t mass_prefix_of_sorted(const uint64_t* key, const float* weight, size_t count, double target,
                             KeptSet* kept) {
  double mass = 0;
  for (size_t j = 0; j < count; ++j) {
    mass += weight[j];
    if (mass >= target) {
      *kept = kept_through(key[j]);
      return j + 1;
    }
  }
  *kept = KeptSet{};  // rounding left the target just above the total: keep every candidate
  return count;
}

// Quickselect on probability mass over `count` candidates (key, weight): finds the shortest prefix
// of the order whose mass reaches `target`. Returns its length and sets *kept. Expected O(count);
// the arrays are permuted together. count >= 1.
size_t mass_select(uint64_t* key, float* weight, size_t count, double target, KeptSet* kept) {
  const auto swap_entries = [&](size_t a, size_t b) {
    std::swap(key[a], key[b]);
    std::swap(weight[a], weight[b]);
  };
  size_t lo = 0, hi = count, before_lo = 0;
  double mass_before_lo = 0;
  while (lo < hi) {
    // Median of three as the pivot, moved to hi - 1.
    const size_t mid = lo + (hi - lo) / 2;
    size_t a = lo, b = mid, c = hi - 1;
    if (key[b] < key[a]) std::swap(a, b);
    if (key[c] < key[b]) std::swap(b, c);
    if (key[b] < key[a]) std::swap(a, b);
    swap_entries(b, hi - 1);
    const uint64_t pivot = key[hi - 1];
    // Lomuto partition without a data-dependent branch (the comparison is a coin flip on random
    // logits): every entry is swapped into place and `store` advances only past those before it.
    size_t store = lo;
    double mass = 0;
    for (size_t j = lo; j < hi - 1; ++j) {
      const size_t before = key[j] < pivot;
      mass += static_cast<double>(weight[j]) * static_cast<double>(before);
      swap_entries(j, store);
      store += before;
    }
    swap_entries(store, hi - 1);
    const double pivot_weight = weight[store];
    if (mass_before_lo + mass >= target && store > lo) {
      hi = store;  // the prefix ends strictly before the pivot
    } else if (mass_before_lo + mass + pivot_weight >= target) {
      *kept = kept_through(pivot);
      return before_lo + (store - lo) + 1;
    } else {
      mass_before_lo += mass + pivot_weight;
      before_lo += store - lo + 1;
      lo = store + 1;
    }
  }
  // Rounding left the target just above the total: keep every candidate.
  *kept = KeptSet{};
  return count;
}

}  // namespace

size_t select_mass_prefix(const float* logits, const float* weights, size_t n, double total_mass,
                          double target, const MassScratch& scratch, KeptSet* kept) {
  // 1. Estimate where the prefix ends from every stride-th token with weight (fewer than
  //    kMaxMassSamples of them), sorted by key.
  const size_t stride = std::max<size_t>(1, n / (kMaxMassSamples / 2));
  uint64_t* keys = scratch.sample_keys;
  size_t samples = 0;
  double sample_mass = 0;
  for (size_t i = 0; i < n; i += stride) {
    if (weights[i] > 0) {
      keys[samples++] = order_key(logits[i] + 0.0f, static_cast<uint32_t>(i));
      sample_mass += weights[i];
    }
  }
  std::sort(keys, keys + samples);
  const auto sample_index = [keys](size_t j) { return static_cast<uint32_t>(keys[j]); };
  const double sample_target = sample_mass * (target / total_mass);
  size_t estimate = samples > 0 ? samples - 1 : 0;
  double cumulative = 0;
  for (size_t j = 0; j < samples; ++j) {
    cumulative += weights[sample_index(j)];
    if (cumulative >= sample_target) {
      estimate = j;
      break;
    }
  }

  // 2. Verify a bracket of logits around the estimate in one pass; widen it until it holds the
  //    prefix's end. The widest bracket, (-inf, +inf), always does, so this terminates. The same
  //    pass gathers the bracket's tokens.
  BracketScan scan;
  float low, high;
  for (size_t margin = std::max<size_t>(4, samples / 64);; margin *= 4) {
    high = estimate >= margin ? logits[sample_index(estimate - margin)] : kPosInf;
    low = estimate + margin < samples ? logits[sample_index(estimate + margin)] : kNegInf;
    const bool widest = high == kPosInf && low == kNegInf;
    scan = scan_bracket(logits, weights, n, low, high, scratch);
    if (widest || (scan.above_mass < target && scan.above_mass + scan.inside_mass >= target)) break;
  }

  // 3. Exact selection among the bracket's tokens only.
  if (scan.inside_count == 0) {  // only possible through rounding at the widest bracket
    *kept = KeptSet{};
    return n;
  }
  const double inside_target = target - scan.above_mass;
  // One logit value inside (all-equal logits, massive ties): the gather, in index order, is
  // already in the order, so one cumulative walk finds the end.
  if (low == high) {
    return scan.above_count + mass_prefix_of_sorted(scratch.key, scratch.weight, scan.inside_count,
                                                    inside_target, kept);
  }
  return scan.above_count +
         mass_select(scratch.key, scratch.weight, scan.inside_count, inside_target, kept);
}

Draw draw_kept(const float* logits, const float* weights, size_t n, const KeptSet& kept, double u,
               double* block_mass) {
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
  const uint32_t kept_count = static_cast<uint32_t>(
      wasm_i32x4_extract_lane(nonzero, 0) + wasm_i32x4_extract_lane(nonzero, 1) +
      wasm_i32x4_extract_lane(nonzero, 2) + wasm_i32x4_extract_lane(nonzero, 3));
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
