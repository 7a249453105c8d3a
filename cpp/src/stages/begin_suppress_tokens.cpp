// beginSuppressTokens (HF SuppressTokensAtBeginLogitsProcessor, `begin_suppress_tokens`): the
// listed tokens are not sampled at the first position of the output, where input_ids is as long
// as the prompt (the sampler's output is empty: nothing drawn or accepted since the last prompt
// token).
#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct BeginSuppressTokensState : ListState<TokenSet> {
  bool enabled(const SamplingParams&) const { return !list.empty(); }
  Status apply(Chain& c) { return c.s.output_length != 0 ? Status{} : ban_tokens(c, list.tokens); }
};

}  // namespace

extern const StageUnit kBeginSuppressTokensStage = unit_for<BeginSuppressTokensState>();

}  // namespace logitkit
