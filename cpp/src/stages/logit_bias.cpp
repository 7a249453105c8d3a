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

  bool enabled(const SamplingParams&) const { return !tokens.empty(); }
  Status apply(Chain& c) const;
  Status set_list(const TokenLists& list);
};

Status LogitBiasState::apply(Chain& c) const {
  for (size_t b = 0; b < tokens.size(); ++b) {
    const int32_t token = tokens[b];
    if (token < 0 || static_cast<size_t>(token) >= c.n)
      return {Code::kBadToken, static_cast<uint32_t>(token)};
    const Status st = patch_logit(c, token, static_cast<double>(c.z[token]) + biases[b]);
    if (!st.ok()) return st;
  }
  return {};
}

// Token ids with one bias each (values).
Status LogitBiasState::set_list(const TokenLists& list) {
  if (list.count > 0 && list.values == nullptr) return {Code::kBadOption, 0};
  const Status single = require_single_tokens(list);
  if (!single.ok()) return single;
  if (!tokens.assign(list.tokens, list.count) || !biases.assign(list.values, list.count))
    return emptied_out_of_memory(tokens, biases);
  return {};
}

}  // namespace

extern const StageUnit kLogitBiasStage = unit_for<LogitBiasState>();

}  // namespace logitkit
