// badWords (vLLM bad words / HF bad_words_ids, as token-id sequences): a one-token word is always
// banned; a longer word bans its last token when the history ends with the rest of it.
#include <algorithm>
#include <limits>

#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct BadWordsState {
  TokenSequences words;
  bool copy_from(const BadWordsState& o) { return words.copy_from(o.words); }
};

bool enabled(const SamplingParams&, const void* state) {
  return state_as<BadWordsState>(state).words.count() > 0;
}

Status apply(Chain& c, void* state) {
  const Buffer<int32_t>& h = c.s.history;
  Status status;
  state_as<BadWordsState>(state).words.for_each([&](const int32_t* word, size_t length) {
    if (!status.ok()) return;
    const int32_t last = word[length - 1];
    if (static_cast<size_t>(last) >= c.n) {
      status = {Code::kBadListToken, static_cast<uint32_t>(last)};
      return;
    }
    if (length - 1 > h.size()) return;
    if (!std::equal(word, word + length - 1, h.end() - (length - 1))) return;
    status = patch_logit(c, last, -std::numeric_limits<double>::infinity());
  });
  return status;
}

// The longest word's prefix is what the history must still hold.
size_t history_window(const SamplingParams&, const void* state) {
  return state_as<BadWordsState>(state).words.longest();
}

Status set_list(void* state, const TokenLists& list) {
  return state_as<BadWordsState>(state).words.assign(list);
}

}  // namespace

extern const StageUnit kBadWordsStage = {
    .enabled = enabled,
    .apply = apply,
    .history_window = history_window,
    .set_list = set_list,
    .state = &StateOpsOf<BadWordsState>::kOps,
};

}  // namespace logitkit
