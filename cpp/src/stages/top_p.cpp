// topP (HF / llama.cpp): the smallest prefix of the order whose mass reaches top_p of the
// candidates' mass, never shorter than min_tokens_to_keep. On the full vocabulary it first tries
// the 256 most probable tokens (llama.cpp's trick); a wider nucleus is selected on mass without a
// sort (mass_select.h).
#include <algorithm>

#include "../chain.h"
#include "../mass_select.h"
#include "../stage.h"

namespace logitkit {
namespace {

constexpr size_t kTopPFirstTry = 256;

struct TopPState {
  Buffer<uint64_t> mass_keys;    // scratch: the bracket's tokens' order keys,
  Buffer<float> mass_weights;    // their weights,
  Buffer<uint64_t> sample_keys;  // and the sample's keys
  bool copy_from(const TopPState&) { return true; }
};

bool enabled(const SamplingParams& p, const void*) {
  return p.top_p < 1;
}

// The list form: a cumulative walk over the list in the order.
Status apply_to_list(Chain& c) {
  list_sort_by_order(c);
  ensure_list_weights(c);
  const Buffer<float>& w = c.s.list_weights;
  const size_t m = c.s.list.size();
  double mass = 0;
  for (size_t j = 0; j < m; ++j) mass += w[j];
  const double target = c.p.top_p * mass;
  double cumulative = 0;
  size_t length = m;
  for (size_t j = 0; j < m; ++j) {
    cumulative += w[j];
    if (cumulative >= target) {
      length = j + 1;
      break;
    }
  }
  return keep_first(c, std::max(length, c.min_keep));
}

Status apply(Chain& c, void* state) {
  if (c.listed) return apply_to_list(c);
  ensure_weights(c);
  const size_t first_try = std::min(c.n, std::max(kTopPFirstTry, c.min_keep));
  const double mass = c.kept_len == c.n ? c.weights_total : mass_stats(c).mass;
  const double target = c.p.top_p * mass;
  // Every weight is <= 1 + kExactExpRelativeError (the maximum's is exactly 1), so when first_try
  // tokens cannot reach the target the first try would fail: skip it and go straight to the
  // wide-nucleus selection.
  const bool hopeless =
      c.head_len == 0 && c.kept_len == c.n && static_cast<double>(first_try) * 1.000001 < target;
  if (!hopeless) {
    if (c.head_len == 0) {
      const Status st = ensure_head(c, first_try);
      if (!st.ok()) return st;
    }
    double cumulative = 0;
    for (size_t j = 0; j < std::min(c.kept_len, c.head_len); ++j) {
      cumulative += c.s.weights[c.s.head_index[j]];
      if (cumulative >= target)
        return keep_first(c, std::min(c.kept_len, std::max(j + 1, c.min_keep)));
    }
  }
  if (c.head_len < c.kept_len) {
    // The nucleus is wider than the first try: select on mass without sorting.
    TopPState& s = state_as<TopPState>(state);
    if (!s.mass_keys.reserve(c.n) || !s.mass_weights.reserve(c.n) ||
        !s.sample_keys.reserve(kMaxMassSamples))
      return {Code::kOutOfMemory, 0};
    const MassScratch scratch{s.mass_keys.data(), s.mass_weights.data(), s.sample_keys.data()};
    c.kept_len =
        select_mass_prefix(c.z, c.s.weights.data(), c.n, c.weights_total, target, scratch, &c.kept);
    c.head_len = 0;  // the sorted first try says nothing about the wider prefix
  }
  return {};
}

}  // namespace

extern const StageUnit kTopPStage = {
    .enabled = enabled,
    .apply = apply,
    .state = &StateOpsOf<TopPState>::kOps,
};

}  // namespace logitkit
