#include "token_lists.h"

namespace logitkit {

Status require_single_tokens(const TokenLists& list) {
  if (list.lengths == nullptr) return {};
  for (uint32_t i = 0; i < list.count; ++i) {
    if (list.lengths[i] != 1) return {Code::kBadOption, i};
  }
  return {};
}

Status TokenSequences::assign(const TokenLists& list) {
  size_t total = 0;
  for (uint32_t i = 0; i < list.count; ++i) {
    const uint32_t length = list.lengths != nullptr ? list.lengths[i] : 1;
    if (length == 0) return {Code::kBadOption, i};
    total += length;
  }
  for (size_t i = 0; i < total; ++i) {
    if (list.tokens[i] < 0) return {Code::kBadListToken, 0};
  }
  bool stored = tokens.assign(list.tokens, total) && lengths.resize(list.count);
  for (uint32_t i = 0; stored && i < list.count; ++i)
    lengths[i] = list.lengths != nullptr ? list.lengths[i] : 1;
  return stored ? Status{} : emptied_out_of_memory(tokens, lengths);
}

size_t TokenSequences::longest() const {
  size_t longest = 0;
  for (uint32_t length : lengths) longest = length > longest ? length : longest;
  return longest;
}

Status TokenSet::assign(const TokenLists& list) {
  tokens.clear();
  const Status single = require_single_tokens(list);
  if (!single.ok()) return single;
  for (uint32_t i = 0; i < list.count; ++i) {
    if (list.tokens[i] < 0) return {Code::kBadListToken, i};
  }
  if (!tokens.assign(list.tokens, list.count)) return {Code::kOutOfMemory, 0};
  return {};
}

}  // namespace logitkit
