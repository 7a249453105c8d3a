// badWords (vLLM bad words / HF bad_words_ids, as token-id sequences): a one-token word is always
// banned; a longer word bans its last token when the history ends with the rest of it. With vLLM's
// rules the rest must be in the output (apply_bad_words reads the output tokens); with HF's, a
// word longer than the whole input (prompt + output: input_ids) is skipped
// (SequenceBiasLogitsProcessor, which NoBadWordsLogitsProcessor is).
#include <algorithm>
#include <limits>

#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

// Its list: the words.
struct BadWordsState : ListState<TokenSequences> {
  bool enabled(const SamplingParams&) const { return !list.empty(); }

  Status apply(Chain& c) {
    const Buffer<int32_t>& h = c.s.history;
    const size_t readable = c.p.follows(Compat::kVllm) ? c.s.output_held() : h.size();
    const bool hf = c.p.follows(Compat::kTransformers);
    Status status;
    list.for_each([&](const int32_t* word, size_t length) {
      if (!status.ok()) return;
      const int32_t last = word[length - 1];
      if (static_cast<size_t>(last) >= c.n) {
        status = {Code::kBadListToken, static_cast<uint32_t>(last)};
        return;
      }
      if (length - 1 > readable) return;
      if (hf && length > 1 && length > c.s.total_length) return;
      if (!history_ends_with(h, word, length - 1)) return;
      status = patch_logit(c, last, -std::numeric_limits<double>::infinity());
    });
    return status;
  }

  // The longest word's prefix is what the history must still hold.
  size_t history_window(const SamplingParams&) const { return list.longest(); }
};

}  // namespace

extern const StageUnit kBadWordsStage = unit_for<BadWordsState>();

}  // namespace logitkit
