// logitBias (OpenAI logit_bias): z += bias for each listed token; -Infinity bans it.
#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct LogitBiasState {
  Buffer<int32_t> tokens;  // as given: checked against n when applied
  Buffer<float> biases;
  bool copy_from(const LogitBiasState& o) {
    return tokens.assign(o.tokens) && biases.assign(o.biases);
  }
};

bool enabled(const SamplingParams&, const void* state) {
  return !state_as<LogitBiasState>(state).tokens.empty();
}

Status apply(Chain& c, void* state) {
  const LogitBiasState& bias = state_as<LogitBiasState>(state);
  for (size_t b = 0; b < bias.tokens.size(); ++b) {
    const int32_t token = bias.tokens[b];
    if (token < 0 || static_cast<size_t>(token) >= c.n)
      return {Code::kBadToken, static_cast<uint32_t>(token)};
    const Status st = patch_logit(c, token, static_cast<double>(c.z[token]) + bias.biases[b]);
    if (!st.ok()) return st;
  }
  return {};
}

// Token ids with one bias each (values).
Status set_list(void* state, const TokenLists& list) {
  LogitBiasState& bias = state_as<LogitBiasState>(state);
  if (list.count > 0 && list.values == nullptr) return {Code::kBadOption, 0};
  const Status single = require_single_tokens(list);
  if (!single.ok()) return single;
  if (!bias.tokens.assign(list.tokens, list.count) ||
      !bias.biases.assign(list.values, list.count)) {
    bias.tokens.clear();
    bias.biases.clear();
    return {Code::kOutOfMemory, 0};
  }
  return {};
}

}  // namespace

extern const StageUnit kLogitBiasStage = {
    .enabled = enabled,
    .apply = apply,
    .set_list = set_list,
    .state = &StateOpsOf<LogitBiasState>::kOps,
};

}  // namespace logitkit
