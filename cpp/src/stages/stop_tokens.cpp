// stopTokens: the stop tokens (its list: HF `eos_token_id`, vLLM `stop_token_ids`) are banned
// while the output is shorter than min_new_tokens (HF MinNewTokensLengthLogitsProcessor, vLLM
// MinTokensLogitsProcessor) or prompt + output is shorter than min_length (HF
// MinLengthLogitsProcessor, whose length is input_ids'), and always with suppress_stop_tokens
// (llama.cpp `ignore_eos`, which biases the end-of-generation tokens to -Infinity).
#include <algorithm>

#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

// Its list: the stop tokens.
struct StopTokensState : ListState<TokenSet> {
  bool enabled(const SamplingParams& p) const {
    return !list.empty() && (p.min_new_tokens > 0 || p.min_length > 0 || p.suppress_stop_tokens);
  }

  Status apply(Chain& c) {
    const SamplingParams& p = c.p;
    const bool short_output =
        c.s.output_length < static_cast<uint64_t>(std::max(p.min_new_tokens, 0));
    const bool short_input = c.s.total_length < static_cast<uint64_t>(std::max(p.min_length, 0));
    if (!p.suppress_stop_tokens && !short_output && !short_input) return {};
    return ban_tokens(c, list.tokens);
  }
};

}  // namespace

extern const StageUnit kStopTokensStage = unit_for<StopTokensState>();

}  // namespace logitkit
