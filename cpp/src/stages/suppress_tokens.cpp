// suppressTokens (HF SuppressTokensLogitsProcessor, `suppress_tokens`): the listed tokens are
// never sampled.
#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct SuppressTokensState : ListState<TokenSet> {
  bool enabled(const SamplingParams&) const { return !list.empty(); }
  Status apply(Chain& c) { return ban_tokens(c, list.tokens); }
};

}  // namespace

extern const StageUnit kSuppressTokensStage = unit_for<SuppressTokensState>();

}  // namespace logitkit
