// Token lists as the stages that take one keep them (internal): single token ids, or token-id
// sequences (flat tokens and per-sequence lengths). Each validates the caller's TokenLists and
// copies it; on a failure it is left empty.
#pragma once
#include <cstddef>
#include <cstdint>

#include "logitkit/buffer.h"
#include "logitkit/sampler.h"

namespace logitkit {

// Empties the given buffers and returns kOutOfMemory: a list whose copy failed is left empty.
template <typename... Buffers>
Status emptied_out_of_memory(Buffers&... emptied) {
  (emptied.clear(), ...);
  return {Code::kOutOfMemory, 0};
}

// kBadOption (index: the sequence) unless every sequence of `list` is one token long.
Status require_single_tokens(const TokenLists& list);

struct TokenSequences {
  Buffer<int32_t> tokens;  // flat
  Buffer<uint32_t> lengths;

  size_t count() const { return lengths.size(); }
  bool empty() const { return lengths.empty(); }
  // Sequences of length >= 1 (kBadOption, index: the sequence) of token ids >= 0 (kBadListToken).
  Status assign(const TokenLists& list);
  bool copy_from(const TokenSequences& other) {
    return tokens.assign(other.tokens) && lengths.assign(other.lengths);
  }
  // The longest sequence's length (0 for none).
  size_t longest() const;
  // Calls visit(sequence, length) for each sequence in order.
  template <typename Visit>
  void for_each(Visit visit) const {
    size_t offset = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      visit(tokens.data() + offset, static_cast<size_t>(lengths[i]));
      offset += lengths[i];
    }
  }
};

// Single token ids (a stage's banned tokens): >= 0 (kBadListToken), one token per sequence
// (kBadOption).
struct TokenSet {
  Buffer<int32_t> tokens;
  bool empty() const { return tokens.empty(); }
  Status assign(const TokenLists& list);
  bool copy_from(const TokenSet& other) { return tokens.assign(other.tokens); }
};

// The state of a stage whose list is a List (TokenSet or TokenSequences), for unit_for (stage.h):
// set_list validates and stores it, a clone copies it. A stage adds its hooks and any scratch.
template <typename List>
struct ListState {
  List list;
  Status set_list(const TokenLists& given) { return list.assign(given); }
  bool copy_from(const ListState& other) { return list.copy_from(other.list); }
};

// Whether the history ends with `length` tokens equal to `prefix` (length 0: always).
inline bool history_ends_with(const Buffer<int32_t>& h, const int32_t* prefix, size_t length) {
  if (length > h.size()) return false;
  const int32_t* tail = h.data() + h.size() - length;
  for (size_t i = 0; i < length; ++i)
    if (tail[i] != prefix[i]) return false;
  return true;
}

}  // namespace logitkit
