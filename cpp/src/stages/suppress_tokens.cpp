// suppressTokens (HF SuppressTokensLogitsProcessor, `suppress_tokens`): the listed tokens are
// never sampled.
#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct SuppressTokensState {
  TokenSet banned;
  bool copy_from(const SuppressTokensState& o) { return banned.copy_from(o.banned); }
};

bool enabled(const SamplingParams&, const void* state) {
  return !state_as<SuppressTokensState>(state).banned.tokens.empty();
}

Status apply(Chain& c, void* state) {
  return ban_tokens(c, state_as<SuppressTokensState>(state).banned.tokens);
}

Status set_list(void* state, const TokenLists& list) {
  return state_as<SuppressTokensState>(state).banned.assign(list);
}

}  // namespace

extern const StageUnit kSuppressTokensStage = {
    .enabled = enabled,
    .apply = apply,
    .set_list = set_list,
    .state = &StateOpsOf<SuppressTokensState>::kOps,
};

}  // namespace logitkit
