// Top-p's wide-nucleus selection: estimate the prefix's end from a strided sample, verify a
// bracket of logits around it in one pass that also gathers the bracket's tokens, then select
// exactly among those on probability mass.
#include "mass_select.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "debug_check.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr float kPosInf = std::numeric_limits<float>::infinity();

}  // namespace

uint64_t order_key(float z, uint32_t index) {
  LOGITKIT_DEBUG_CHECK(z == z && !(z == 0 && std::signbit(z)), "order_key takes no NaN and no -0");
  uint32_t bits;
  std::memcpy(&bits, &z, sizeof bits);
  const uint32_t descending = (bits & 0x80000000u) != 0 ? bits : ~bits & 0x7FFFFFFFu;
  return static_cast<uint64_t>(descending) << 32 | index;
}

KeptSet kept_through(uint64_t key) {
  const uint32_t descending = static_cast<uint32_t>(key >> 32);
  const uint32_t bits = (descending & 0x80000000u) != 0 ? descending : ~descending & 0x7FFFFFFFu;
  float z;
  std::memcpy(&z, &bits, sizeof z);
  return {z, static_cast<uint32_t>(key)};
}

BracketScan scan_bracket(const float* logits, const float* weights, size_t n, float low, float high,
                         const MassScratch& out) {
  LOGITKIT_DEBUG_CHECK(low <= high, "scan_bracket's bracket is [low, high]");
  LOGITKIT_DEBUG_CHECK(debug::no_nan(logits, n), "scan_bracket after NaN is ruled out");
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
    scan.above_count += horizontal_count(above_count);
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

size_t mass_select(uint64_t* key, float* weight, size_t count, double target, KeptSet* kept) {
  LOGITKIT_DEBUG_CHECK(count >= 1, "mass_select needs a candidate");
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

size_t select_mass_prefix(const float* logits, const float* weights, size_t n, double total_mass,
                          double target, const MassScratch& scratch, KeptSet* kept) {
  LOGITKIT_DEBUG_CHECK(n >= 1 && target <= total_mass * 1.000001,
                       "select_mass_prefix needs a row and a target within its mass");
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

}  // namespace logitkit
