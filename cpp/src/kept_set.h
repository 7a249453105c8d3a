// The kept set of the sampler's filters and the passes over it (internal to the sampler).
//
// Every filter (top-k, top-p, min-p) keeps a prefix of one total order: logit descending, then
// index ascending. A prefix is described by its last element, so membership is a compare, and the
// filters compose by taking the shorter prefix.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

namespace logitkit {

constexpr uint32_t kAllTies = 0xFFFFFFFFu;

// The kept tokens: logit > threshold, or logit == threshold at an index <= last_tie_index.
struct KeptSet {
  float threshold = -std::numeric_limits<float>::infinity();
  uint32_t last_tie_index = kAllTies;

  bool contains(float z, uint32_t i) const {
    return z > threshold || (z == threshold && i <= last_tie_index);
  }
};

// The first `length` entries of candidates sorted in the order.
inline KeptSet prefix_of(const int32_t* sorted_indices, const float* sorted_values, size_t length) {
  return {sorted_values[length - 1], static_cast<uint32_t>(sorted_indices[length - 1])};
}

// Ranks (value desc, index asc).
inline bool ranks_before(float va, int32_t ia, float vb, int32_t ib) {
  return va > vb || (va == vb && ia < ib);
}

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
// kept_set.cpp). Returns the prefix length, sets *kept.
size_t select_mass_prefix(const float* logits, const float* weights, size_t n, double total_mass,
                          double target, const MassScratch& scratch, KeptSet* kept);

struct Draw {
  int32_t token;
  uint32_t kept;     // kept tokens with nonzero weight
  double kept_mass;  // sum of their weights
};

// Inverse-CDF draw over the kept tokens in index order, u in [0, 1). block_mass has room for
// ceil(n / 256) doubles.
Draw draw_kept(const float* logits, const float* weights, size_t n, const KeptSet& kept, double u,
               double* block_mass);

// The same draw over an explicit list of kept tokens: `tokens` ascending, `weights` theirs. It
// reproduces draw_kept's arithmetic exactly (float sums per block of 256 indices in 4 lanes by
// index mod 4, then double across blocks, then a double walk inside the chosen block), so both
// pick the same token for the same kept set, weights and u. Scratch: room for m doubles and m ints.
Draw draw_list(const int32_t* tokens, const float* weights, size_t m, double u, double* block_mass,
               int32_t* block_start);

}  // namespace logitkit
