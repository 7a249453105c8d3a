// The kept set of the sampler's prefix filters (internal to the sampler).
//
// Every prefix filter (top-k, top-p, min-p, ...) keeps a prefix of one total order: logit
// descending, then index ascending. A prefix is described by its last element, so membership is a
// compare, and the filters compose by taking the shorter prefix. mass_select.h finds a prefix by
// its probability mass; draw.h draws from one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>

#include "debug_check.h"

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
  LOGITKIT_DEBUG_CHECK(length >= 1, "a prefix holds a token");
  return {sorted_values[length - 1], static_cast<uint32_t>(sorted_indices[length - 1])};
}

// Ranks (value desc, index asc).
inline bool ranks_before(float va, int32_t ia, float vb, int32_t ib) {
  return va > vb || (va == vb && ia < ib);
}

}  // namespace logitkit
