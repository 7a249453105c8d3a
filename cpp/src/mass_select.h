// Top-p's selection on probability mass over the whole vocabulary, for a nucleus too wide for
// the sorted first try (internal to the sampler). The passes are declared here so that
// tests/cpp/passes_test.cpp can run each one at the vector-tile edges.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kept_set.h"

namespace logitkit {

// Scratch for select_mass_prefix: key and weight have room for n entries, sample_keys for
// kMaxMassSamples.
constexpr size_t kMaxMassSamples = 4096;
struct MassScratch {
  uint64_t* key;
  float* weight;
  uint64_t* sample_keys;
};

// The top-p prefix over all n tokens when it is too wide for a sorted first try: the shortest
// prefix whose mass reaches `target`. Expected O(n) with about two light passes (see
// mass_select.cpp). Returns the prefix length, sets *kept.
size_t select_mass_prefix(const float* logits, const float* weights, size_t n, double total_mass,
                          double target, const MassScratch& scratch, KeptSet* kept);

// A key whose ascending order is the total order (logit descending, then index ascending) for
// logits that are not NaN: the float's bits mapped to a descending unsigned integer, then the
// index. -0 must be passed as +0 (they tie in the order).
uint64_t order_key(float z, uint32_t index);

// The KeptSet whose last element has this key: the prefix up to and including it.
KeptSet kept_through(uint64_t key);

// Mass and count of the tokens above a logit bracket (z > high) and inside it (low <= z <= high).
// The inside tokens are also gathered, by ascending index, as their order keys (order_key) into
// out_key and their weights into out_weight (room for n each).
struct BracketScan {
  double above_mass = 0, inside_mass = 0;
  size_t above_count = 0, inside_count = 0;
};
BracketScan scan_bracket(const float* logits, const float* weights, size_t n, float low, float high,
                         uint64_t* out_key, float* out_weight);

// The shortest prefix of `count` candidates already in the order (key ascending) whose mass
// reaches `target`. Returns its length and sets *kept (every candidate when rounding leaves the
// target just above the total).
size_t mass_prefix_of_sorted(const uint64_t* key, const float* weight, size_t count, double target,
                             KeptSet* kept);

// The same prefix over `count` >= 1 candidates in any order, by quickselect on mass: expected
// O(count); the arrays are permuted together.
size_t mass_select(uint64_t* key, float* weight, size_t count, double target, KeptSet* kept);

// The same prefix again, by bucketing: the candidates' masses summed into at most kMassBuckets
// buckets of equal width in key order (in `count` order, so the sums are fixed), a walk to the
// bucket where the cumulative mass reaches the target, and an exact selection among that bucket's
// candidates only (sorted when at most kSortedBucketMax, else mass_select). Two light passes over
// the candidates instead of quickselect's partitions; the arrays are permuted together. When
// `boundary_run` is given it is set to a length m such that key[0, m) holds every candidate whose
// logit is the kept set's threshold (the chosen bucket's candidates, a few percent of them).
constexpr size_t kMassBuckets = 256;
constexpr size_t kSortedBucketMax = 64;
size_t bucket_mass_select(uint64_t* key, float* weight, size_t count, double target, KeptSet* kept,
                          size_t* boundary_run = nullptr);

}  // namespace logitkit
