// noRepeatNgram (HF NoRepeatNGramLogitsProcessor): bans every token that would complete an n-gram
// already present in the history (the whole history, as HF's input_ids). O(history * n) per call.
#include <algorithm>
#include <limits>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.no_repeat_ngram_size > 0;
}

Status apply(Chain& c, void*) {
  const size_t size = static_cast<size_t>(c.p.no_repeat_ngram_size);
  const Buffer<int32_t>& h = c.s.history;
  const size_t len = h.size();
  if (len + 1 < size) return {};
  const int32_t* prefix = h.data() + len - (size - 1);
  for (size_t start = 0; start + size <= len; ++start) {
    if (!std::equal(prefix, prefix + size - 1, h.data() + start)) continue;
    const int32_t token = h[start + size - 1];
    if (static_cast<size_t>(token) >= c.n)
      return {Code::kBadHistoryToken, static_cast<uint32_t>(token)};
    if (c.z[token] == kNegInfinity) continue;
    const Status st = patch_logit(c, token, -std::numeric_limits<double>::infinity());
    if (!st.ok()) return st;
  }
  return {};
}

size_t history_window(const SamplingParams&, const void*) {
  return kWholeHistory;
}

}  // namespace

extern const StageUnit kNoRepeatNgramStage = {
    .enabled = enabled,
    .apply = apply,
    .history_window = history_window,
};

}  // namespace logitkit
