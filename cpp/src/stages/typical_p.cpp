// typicalP (HF TypicalLogitsWarper): sort by |-log p_i - H|, keep the shortest such prefix whose
// mass reaches typical_p plus every token tied with its last, and at least min_tokens_to_keep. It
// does not keep a prefix of the order, so it works on the explicit list: O(m log m) for m
// candidates, cheap after a topK.
#include <algorithm>
#include <cmath>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

struct TypicalPState {
  Buffer<int32_t> rank;     // scratch: candidate positions by distance from the entropy,
  Buffer<double> distance;  // and those distances |-log p - H|
  bool copy_from(const TypicalPState&) { return true; }
};

bool enabled(const SamplingParams& p, const void*) {
  return p.typical_p < 1;
}

Status apply(Chain& c, void* state) {
  Status st = to_list(c);
  if (!st.ok()) return st;
  ensure_list_weights(c);
  TypicalPState& s = state_as<TypicalPState>(state);
  Buffer<int32_t>& candidates = c.s.list;
  const Buffer<float>& weights = c.s.list_weights;
  const size_t m = candidates.size();
  if (!s.rank.resize(m) || !s.distance.resize(m)) return {Code::kOutOfMemory, 0};
  double mass = 0;
  for (size_t j = 0; j < m; ++j) mass += weights[j];
  const double log_mass = std::log(mass);
  double entropy = 0;
  for (size_t j = 0; j < m; ++j) {
    const double w = weights[j];
    if (w > 0)
      entropy -=
          (w / mass) * ((static_cast<double>(c.z[candidates[j]]) - c.max) * c.inv_t - log_mass);
  }
  for (size_t j = 0; j < m; ++j) {
    const double log_p = (static_cast<double>(c.z[candidates[j]]) - c.max) * c.inv_t - log_mass;
    s.distance[j] = std::fabs(-log_p - entropy);
    s.rank[j] = static_cast<int32_t>(j);
  }
  const float* z = c.z;
  const int32_t* list = candidates.data();
  const double* shifted = s.distance.data();
  std::sort(s.rank.begin(), s.rank.end(), [&](int32_t a, int32_t b) {
    if (shifted[a] != shifted[b]) return shifted[a] < shifted[b];
    return ranks_before(z[list[a]], list[a], z[list[b]], list[b]);
  });
  // last_ind = how many cumulative sums stay below typical_p, clamped to m - 1.
  double cumulative = 0;
  size_t below = 0;
  for (size_t q = 0; q < m; ++q) {
    cumulative += weights[s.rank[q]] / mass;
    if (cumulative < c.p.typical_p)
      ++below;
    else
      break;
  }
  const double cut = shifted[s.rank[std::min(below, m - 1)]];
  size_t length = 0;
  while (length < m && shifted[s.rank[length]] <= cut) ++length;
  length = std::max(length, std::min(c.min_keep, m));
  if (length >= m) return {};
  for (size_t q = 0; q < length; ++q) s.rank[q] = list[s.rank[q]];
  candidates.assign(s.rank.data(), length);
  enter_list_form(c, ListOrder::kNeither);
  list_changed(c);
  return {};
}

}  // namespace

extern const StageUnit kTypicalPStage = {
    .enabled = enabled,
    .apply = apply,
    .state = &StateOpsOf<TypicalPState>::kOps,
};

}  // namespace logitkit
