// beginSuppressTokens (HF SuppressTokensAtBeginLogitsProcessor, `begin_suppress_tokens`): the
// listed tokens are not sampled at the first position of the output, where input_ids is as long
// as the prompt (the sampler's output is empty: nothing drawn or accepted since the last prompt
// token).
#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct BeginSuppressTokensState {
  TokenSet banned;
  bool copy_from(const BeginSuppressTokensState& o) { return banned.copy_from(o.banned); }
};

bool enabled(const SamplingParams&, const void* state) {
  return !state_as<BeginSuppressTokensState>(state).banned.tokens.empty();
}

Status apply(Chain& c, void* state) {
  if (c.s.output_length != 0) return {};
  return ban_tokens(c, state_as<BeginSuppressTokensState>(state).banned.tokens);
}

Status set_list(void* state, const TokenLists& list) {
  return state_as<BeginSuppressTokensState>(state).banned.assign(list);
}

}  // namespace

extern const StageUnit kBeginSuppressTokensStage = {
    .enabled = enabled,
    .apply = apply,
    .set_list = set_list,
    .state = &StateOpsOf<BeginSuppressTokensState>::kOps,
};

}  // namespace logitkit
