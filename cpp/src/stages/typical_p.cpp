// typicalP (HF TypicalLogitsWarper): sort by |-log p_i - H|, keep the shortest such prefix whose
// mass reaches typical_p plus every token tied with its last, and at least min_tokens_to_keep
// (llama.cpp's rules: the first position whose mass exceeds typical_p, no tie extension). It
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

  bool enabled(const SamplingParams& p) const { return p.typical_p < 1; }
  Status apply(Chain& c);
};

Status TypicalPState::apply(Chain& c) {
  Status st = to_list(c);
  if (!st.ok()) return st;
  ensure_list_weights(c);
  Buffer<int32_t>& candidates = c.s.list;
  const Buffer<float>& weights = c.s.list_weights;
  const size_t m = candidates.size();
  if (!rank.resize(m) || !distance.resize(m)) return {Code::kOutOfMemory, 0};
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
    distance[j] = std::fabs(-log_p - entropy);
    rank[j] = static_cast<int32_t>(j);
  }
  const float* z = c.z;
  const int32_t* list = candidates.data();
  const double* shifted = distance.data();
  std::sort(rank.begin(), rank.end(), [&](int32_t a, int32_t b) {
    if (shifted[a] != shifted[b]) return shifted[a] < shifted[b];
    return ranks_before(z[list[a]], list[a], z[list[b]], list[b]);
  });
  size_t length = 0;
  double cumulative = 0;
  if (c.p.follows(Compat::kLlamaCpp)) {
    // llama_sampler_typical_apply: up to the first position whose cumulative mass exceeds p, at
    // least min_keep, and no more (no extension to ties).
    length = m;
    for (size_t q = 0; q < m; ++q) {
      cumulative += weights[rank[q]] / mass;
      if (cumulative > c.p.typical_p && q + 1 >= c.min_keep) {
        length = q + 1;
        break;
      }
    }
  } else {
    // last_ind = how many cumulative sums stay below typical_p, clamped to m - 1.
    size_t below = 0;
    for (size_t q = 0; q < m; ++q) {
      cumulative += weights[rank[q]] / mass;
      if (cumulative < c.p.typical_p)
        ++below;
      else
        break;
    }
    const double cut = shifted[rank[std::min(below, m - 1)]];
    while (length < m && shifted[rank[length]] <= cut) ++length;
    length = std::max(length, std::min(c.min_keep, m));
  }
  if (length >= m) return {};
  for (size_t q = 0; q < length; ++q) rank[q] = list[rank[q]];
  candidates.assign(rank.data(), length);
  enter_list_form(c, ListOrder::kNeither);
  list_changed(c);
  return {};
}

}  // namespace

extern const StageUnit kTypicalPStage = unit_for<TypicalPState>();

}  // namespace logitkit
