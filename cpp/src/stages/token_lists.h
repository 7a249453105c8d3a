// Token lists as the stages that take one keep them (internal): single token ids, or token-id
// sequences (flat tokens and per-sequence lengths). Each validates the caller's TokenLists and
// copies it; on a failure it is left empty.
#pragma once
#include <cstddef>
#include <cstdint>

#include "logitkit/buffer.h"
#include "logitkit/sampler.h"

namespace logitkit {

// kBadOption (index: the sequence) unless every sequence of `list` is one token long.
Status require_single_tokens(const TokenLists& list);

struct TokenSequences {
  Buffer<int32_t> tokens;  // flat
  Buffer<uint32_t> lengths;

  size_t count() const { return lengths.size(); }
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

}  // namespace logitkit
