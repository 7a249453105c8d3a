// Top-p's wide-nucleus selection: estimate the prefix's end from a strided sample (a selection on
// its mass, no sort), verify a bracket of logits around it in one pass that also gathers the
// bracket's tokens, then select exactly among those on probability mass.
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
                         uint64_t* out_key, float* out_weight) {
  LOGITKIT_DEBUG_CHECK(low <= high, "scan_bracket's bracket is [low, high]");
  LOGITKIT_DEBUG_CHECK(debug::no_nan(logits, n), "scan_bracket after NaN is ruled out");
  const v128_t vlow = wasm_f32x4_splat(low), vhigh = wasm_f32x4_splat(high);
  BracketScan scan;
  size_t count = 0;
  // Adds one vector's above mass and count; returns its inside mask. (The inside mass is summed
  // from the gather afterwards: a few percent of the row, where a sum here costs every vector.)
  const auto tally = [&](v128_t z, v128_t w, v128_t& above, v128_t& above_count) {
    const v128_t gt = opaque_mask(wasm_f32x4_gt(z, vhigh));
    const v128_t in = opaque_mask(wasm_v128_andnot(wasm_f32x4_ge(z, vlow), gt));
    above = wasm_f32x4_add(above, wasm_v128_and(w, gt));
    above_count = wasm_i32x4_sub(above_count, gt);  // a true lane is -1
    return in;
  };
  // The inside tokens' keys and weights, lowest index first: one entry per inside token (a
  // bracket holds a few percent of the row, so most groups that reach here hold one).
  const auto gather_one = [&](size_t i) {
    out_key[count] = order_key(logits[i] + 0.0f, static_cast<uint32_t>(i));  // -0 + 0 = +0
    out_weight[count++] = weights[i];
  };
  const auto gather = [&](size_t i, uint32_t mask) {
    for (; mask != 0; mask &= mask - 1) gather_one(i + static_cast<size_t>(__builtin_ctz(mask)));
  };
  size_t i = 0;
  for (; i + kLanes <= n;) {
    const size_t end = std::min(n - n % kLanes, i + kBlock);
    v128_t above = wasm_f32x4_splat(0), above_count = wasm_i32x4_splat(0);
    // Two vectors per step: one branch, and V8's loop overhead, per 8 logits.
    for (; i + 2 * kLanes <= end; i += 2 * kLanes) {
      const v128_t in0 =
          tally(wasm_v128_load(logits + i), wasm_v128_load(weights + i), above, above_count);
      const v128_t in1 = tally(wasm_v128_load(logits + i + 4), wasm_v128_load(weights + i + 4),
                               above, above_count);
      if (wasm_v128_any_true(wasm_v128_or(in0, in1))) {
        gather(i, static_cast<uint32_t>(wasm_i32x4_bitmask(in0)) |
                      static_cast<uint32_t>(wasm_i32x4_bitmask(in1)) << 4);
      }
    }
    if (i < end) {
      const v128_t in =
          tally(wasm_v128_load(logits + i), wasm_v128_load(weights + i), above, above_count);
      if (wasm_v128_any_true(in)) gather(i, static_cast<uint32_t>(wasm_i32x4_bitmask(in)));
      i += kLanes;
    }
    scan.above_mass += horizontal_sum(above);
    scan.above_count += horizontal_count(above_count);
  }
  for (; i < n; ++i) {
    if (logits[i] > high) {
      scan.above_mass += weights[i];
      ++scan.above_count;
    } else if (logits[i] >= low) {
      gather_one(i);
    }
  }
  for (size_t j = 0; j < count; ++j) scan.inside_mass += out_weight[j];
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

namespace {

// A kept set {threshold z_b, last_tie_index i_b} whose tie limit excludes nothing (no token ties
// z_b at an index past i_b) becomes the plain threshold z >= z_b, which the draw tests with one
// compare instead of four. `keys` must hold every token whose logit is z_b.
KeptSet without_moot_tie_limit(const uint64_t* keys, size_t count, KeptSet kept) {
  if (kept.last_tie_index == kAllTies) return kept;
  const uint64_t boundary = order_key(kept.threshold + 0.0f, kept.last_tie_index);
  for (size_t j = 0; j < count; ++j) {
    if (keys[j] >> 32 == boundary >> 32 && keys[j] > boundary) return kept;
  }
  kept.last_tie_index = kAllTies;
  return kept;
}

}  // namespace

namespace {

// bucket_mass_select once the keys' smallest and largest upper words are known.
size_t bucket_mass_select_in(uint64_t* key, float* weight, size_t count, double target,
                             KeptSet* kept, size_t* boundary_run, uint32_t first, uint32_t last) {
  LOGITKIT_DEBUG_CHECK(count >= 1, "bucket_mass_select needs a candidate");
  // Buckets of equal width in the keys' upper words (the logits' order), at most kMassBuckets.
  int shift = 0;
  while (((last - first) >> shift) >= kMassBuckets) ++shift;
  const auto bucket_of = [&](uint64_t k) {
    return (static_cast<uint32_t>(k >> 32) - first) >> shift;
  };
  double bucket_mass[kMassBuckets] = {};
  uint32_t bucket_count[kMassBuckets] = {};
  for (size_t j = 0; j < count; ++j) {
    const uint32_t b = bucket_of(key[j]);
    bucket_mass[b] += weight[j];
    ++bucket_count[b];
  }
  // The bucket where the cumulative mass reaches the target.
  double before = 0;
  size_t before_count = 0, b = 0;
  const size_t buckets = ((last - first) >> shift) + 1;
  while (b < buckets && before + bucket_mass[b] < target) {
    before += bucket_mass[b];
    before_count += bucket_count[b];
    ++b;
  }
  if (b == buckets) {  // rounding left the target just above the total: keep every candidate
    *kept = kept_through(*std::max_element(key, key + count));
    if (boundary_run != nullptr) *boundary_run = count;
    return count;
  }
  // Its candidates, moved to the front in their (index) order, then selected exactly.
  size_t m = 0;
  for (size_t j = 0; j < count; ++j) {
    if (bucket_of(key[j]) == b) {
      std::swap(key[m], key[j]);
      std::swap(weight[m], weight[j]);
      ++m;
    }
  }
  // A logit's candidates share a bucket, so the threshold's are all among these m.
  if (boundary_run != nullptr) *boundary_run = m;
  // One logit value (ties): already in the order. A few: sort them. Many: quickselect.
  const bool one_value =
      std::all_of(key, key + m, [&](uint64_t k) { return k >> 32 == key[0] >> 32; });
  // (Either selection keeps "every candidate" through rounding as KeptSet{}; here that is the whole
  // bucket, through its largest key.)
  const auto within_bucket = [&](size_t length) {
    if (length == m && kept->threshold == kNegInf && kept->last_tie_index == kAllTies)
      *kept = kept_through(*std::max_element(key, key + m));
    return before_count + length;
  };
  if (!one_value && m > kSortedBucketMax)
    return within_bucket(mass_select(key, weight, m, target - before, kept));
  if (!one_value) {
    // Insertion sort of the keys with their weights (m is small).
    for (size_t j = 1; j < m; ++j) {
      const uint64_t k = key[j];
      const float w = weight[j];
      size_t q = j;
      for (; q > 0 && key[q - 1] > k; --q) {
        key[q] = key[q - 1];
        weight[q] = weight[q - 1];
      }
      key[q] = k;
      weight[q] = w;
    }
  }
  return within_bucket(mass_prefix_of_sorted(key, weight, m, target - before, kept));
}

}  // namespace

size_t bucket_mass_select(uint64_t* key, float* weight, size_t count, double target, KeptSet* kept,
                          size_t* boundary_run) {
  uint32_t first = UINT32_MAX, last = 0;
  for (size_t j = 0; j < count; ++j) {
    const uint32_t word = static_cast<uint32_t>(key[j] >> 32);
    first = std::min(first, word);
    last = std::max(last, word);
  }
  return bucket_mass_select_in(key, weight, count, target, kept, boundary_run, first, last);
}

size_t select_mass_prefix(const float* logits, const float* weights, size_t n, double total_mass,
                          double target, const MassScratch& scratch, KeptSet* kept) {
  LOGITKIT_DEBUG_CHECK(n >= 1 && target <= total_mass * 1.000001,
                       "select_mass_prefix needs a row and a target within its mass");
  // 1. Estimate where the prefix ends from every stride-th token with weight (fewer than
  //    kMaxMassSamples of them): the prefix of the sample, in the order, whose mass is the same
  //    fraction of the sample's. The sample is grouped into kMassBuckets buckets of equal logit
  //    width (a counting sort: two light passes, no comparison sort), so the estimate walks the
  //    buckets' masses and selects within one bucket, and a sample position's logit is a
  //    selection within its bucket.
  const size_t stride = std::max<size_t>(1, n / (kMaxMassSamples / 2));
  uint64_t* loose_keys = scratch.key;  // free until the bracket's gather below
  size_t samples = 0;
  double sample_mass = 0;
  float top = kNegInf, bottom = kPosInf;
  for (size_t i = 0; i < n; i += stride) {
    if (weights[i] > 0) {
      loose_keys[samples++] = order_key(logits[i] + 0.0f, static_cast<uint32_t>(i));
      sample_mass += weights[i];
      top = std::max(top, logits[i]);
      bottom = std::min(bottom, logits[i]);
    }
  }
  // Bucket 0 holds the largest logits; a larger logit never lands in a later bucket.
  // One bucket when the sampled logits are all equal, when their width overflows, or when it is
  // below (kMassBuckets - 1) / FLT_MAX (denormal logits): the scale would be infinite and a
  // logit at the top would make 0 * inf = NaN. Buckets only speed the estimate up.
  const float width = top - bottom;
  const float scale = width > 0 && width < kPosInf ? (kMassBuckets - 1) / width : 0.0f;
  const float per_logit = scale < kPosInf ? scale : 0.0f;
  const auto bucket_of = [&](uint64_t key) {
    return static_cast<size_t>((top - logits[static_cast<uint32_t>(key)]) * per_logit);
  };
  double bucket_mass[kMassBuckets] = {};
  size_t bucket_start[kMassBuckets + 1] = {};
  uint8_t sample_bucket[kMaxMassSamples];
  static_assert(kMassBuckets <= 256, "a bucket number fits a byte");
  for (size_t j = 0; j < samples; ++j) {
    const size_t b = bucket_of(loose_keys[j]);
    sample_bucket[j] = static_cast<uint8_t>(b);
    bucket_mass[b] += weights[static_cast<uint32_t>(loose_keys[j])];
    ++bucket_start[b + 1];
  }
  for (size_t b = 0; b < kMassBuckets; ++b) bucket_start[b + 1] += bucket_start[b];
  // The grouped sample: keys in sample_keys, weights beside them (free until the bracket's gather;
  // only the estimate reads them).
  uint64_t* keys = scratch.sample_keys;
  float* grouped_weights = scratch.weight;
  {
    size_t fill[kMassBuckets];
    std::copy(bucket_start, bucket_start + kMassBuckets, fill);
    for (size_t j = 0; j < samples; ++j) {
      const size_t at = fill[sample_bucket[j]]++;
      keys[at] = loose_keys[j];
      grouped_weights[at] = weights[static_cast<uint32_t>(loose_keys[j])];
    }
  }
  size_t estimate = 0;
  if (samples > 0) {
    const double sample_target = sample_mass * (target / total_mass);
    double before = 0;
    size_t b = 0;
    while (b + 1 < kMassBuckets && before + bucket_mass[b] < sample_target)
      before += bucket_mass[b++];
    // Rounding can carry the walk past the last sample's bucket: back to it.
    while (bucket_start[b + 1] == bucket_start[b]) before -= bucket_mass[--b];
    KeptSet unused;
    estimate = bucket_start[b] +
               mass_select(keys + bucket_start[b], grouped_weights + bucket_start[b],
                           bucket_start[b + 1] - bucket_start[b], sample_target - before, &unused) -
               1;
  }
  // The logit of the sample's j-th key in the order: a selection within j's bucket.
  const auto sample_logit = [&](size_t j) {
    const size_t b = static_cast<size_t>(
        std::upper_bound(bucket_start, bucket_start + kMassBuckets + 1, j) - bucket_start - 1);
    std::nth_element(keys + bucket_start[b], keys + j, keys + bucket_start[b + 1]);
    return logits[static_cast<uint32_t>(keys[j])];
  };

  // 2. Verify a bracket of logits around the estimate in one pass; widen it until it holds the
  //    prefix's end. The widest bracket, (-inf, +inf), always does, so this terminates. The same
  //    pass gathers the bracket's tokens.
  BracketScan scan;
  float low, high;
  for (size_t margin = std::max<size_t>(4, samples / 64);; margin *= 4) {
    high = estimate >= margin ? sample_logit(estimate - margin) : kPosInf;
    low = estimate + margin < samples ? sample_logit(estimate + margin) : kNegInf;
    const bool widest = high == kPosInf && low == kNegInf;
    scan = scan_bracket(logits, weights, n, low, high, scratch.key, scratch.weight);
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
  size_t boundary_run = scan.inside_count;
  const size_t inside_kept =
      low == high ? mass_prefix_of_sorted(scratch.key, scratch.weight, scan.inside_count,
                                          inside_target, kept)
      : std::isfinite(low) && std::isfinite(high)
          // Both ends are sample logits, so gathered tokens': the keys' word range.
          ? bucket_mass_select_in(scratch.key, scratch.weight, scan.inside_count, inside_target,
                                  kept, &boundary_run,
                                  static_cast<uint32_t>(order_key(high + 0.0f, 0) >> 32),
                                  static_cast<uint32_t>(order_key(low + 0.0f, 0) >> 32))
          : bucket_mass_select(scratch.key, scratch.weight, scan.inside_count, inside_target, kept,
                               &boundary_run);
  // Every token tying the boundary's logit is in the bracket, so in the gather, and among its
  // first boundary_run keys.
  *kept = without_moot_tie_limit(scratch.key, boundary_run, *kept);
  return scan.above_count + inside_kept;
}

}  // namespace logitkit
