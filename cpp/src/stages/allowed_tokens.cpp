// allowedTokens (vLLM allowed_token_ids): every other token is masked. The candidates become the
// allowed list (or, when an earlier stage listed them, its intersection with it); its tokens with
// a -Infinity logit are dropped after the last processor.
#include <algorithm>

#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct AllowedTokensState {
  Buffer<int32_t> tokens;  // sorted, unique
  bool copy_from(const AllowedTokensState& o) { return tokens.assign(o.tokens); }

  bool enabled(const SamplingParams&) const { return !tokens.empty(); }
  Status apply(Chain& c) const;
  Status set_list(const TokenLists& list);
};

Status AllowedTokensState::apply(Chain& c) const {
  const Buffer<int32_t>& allowed = tokens;
  if (static_cast<size_t>(allowed[allowed.size() - 1]) >= c.n) {
    return {Code::kBadListToken, static_cast<uint32_t>(allowed[allowed.size() - 1])};
  }
  if (c.listed) {
    // An earlier stage (the grammar) already listed the candidates: keep those also allowed here.
    Buffer<int32_t>& list = c.s.list;
    size_t out = 0;
    for (size_t j = 0; j < list.size(); ++j) {
      if (std::binary_search(allowed.begin(), allowed.end(), list[j])) list[out++] = list[j];
    }
    list.truncate(out);
    return out == 0 ? Status{Code::kAllBanned, 0} : Status{};
  }
  if (!c.s.list.reserve(allowed.size()) || !c.s.list_weights.reserve(allowed.size()))
    return {Code::kOutOfMemory, 0};
  c.s.list.clear();
  for (int32_t t : allowed) c.s.list.push_back(t);
  enter_list_form(c, ListOrder::kByIndex);
  return {};
}

// Token ids (>= 0); count 0 clears the list (every token allowed).
Status AllowedTokensState::set_list(const TokenLists& list) {
  Buffer<int32_t>& allowed = tokens;
  const Status single = require_single_tokens(list);
  if (!single.ok()) return single;
  for (uint32_t i = 0; i < list.count; ++i) {
    if (list.tokens[i] < 0) return {Code::kBadListToken, 0};
  }
  if (!allowed.assign(list.tokens, list.count)) return emptied_out_of_memory(allowed);
  std::sort(allowed.begin(), allowed.end());
  allowed.truncate(
      static_cast<size_t>(std::unique(allowed.begin(), allowed.end()) - allowed.begin()));
  return {};
}

}  // namespace

extern const StageUnit kAllowedTokensStage = unit_for<AllowedTokensState>();

}  // namespace logitkit
