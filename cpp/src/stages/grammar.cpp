// grammar (structured output, xgrammar's and llguidance's token bitmask): tokens whose bit is clear
// are masked. Its list is the bitmask of the next token, set before each draw: `count` 32-bit words
// passed as TokenLists::tokens, bit (id & 31) of word (id >> 5) set when token id is allowed; ids
// past the last word are disallowed (padding). count 0 detaches the grammar. It is the first stage
// of both order presets, so no later processor or filter sees a disallowed token: a masked logit
// is -Infinity, which penalties and biases leave at -Infinity, and allowedTokens intersects an
// explicit list. The grammar engine that computes the masks lives in another module; the wrapper
// copies each step's mask in (web/src/grammar/).
#include <cstring>

#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct GrammarState {
  Buffer<uint32_t> bitmask;  // empty: no grammar
  bool copy_from(const GrammarState& o) { return bitmask.assign(o.bitmask); }

  bool enabled(const SamplingParams&) const { return !bitmask.empty(); }
  Status apply(Chain& c) const;
  Status set_list(const TokenLists& list);
};

// A list form pays off below this share of allowed tokens; above it, patching the disallowed ones
// keeps the prefix form's full-vocabulary passes. Both forms draw the same token (chain.h).
constexpr size_t kListShare = 8;

inline bool bit(const uint32_t* mask, size_t words, size_t id) {
  return (id >> 5) < words && ((mask[id >> 5] >> (id & 31)) & 1u) != 0;
}

Status GrammarState::apply(Chain& c) const {
  const uint32_t* mask = bitmask.data();
  const size_t words = bitmask.size();
  size_t allowed = 0;
  const size_t full_words = c.n >> 5;
  for (size_t w = 0; w < full_words && w < words; ++w)
    allowed += static_cast<size_t>(__builtin_popcount(mask[w]));
  for (size_t id = full_words << 5; id < c.n; ++id) allowed += bit(mask, words, id) ? 1 : 0;
  if (allowed == 0) return {Code::kAllBanned, 0};
  if (allowed == c.n) return {};
  if (allowed <= c.n / kListShare) {
    if (!c.s.list.reserve(allowed) || !c.s.list_weights.reserve(allowed))
      return {Code::kOutOfMemory, 0};
    c.s.list.clear();
    for (size_t w = 0; w < words && (w << 5) < c.n; ++w) {
      for (uint32_t bits = mask[w]; bits != 0; bits &= bits - 1) {
        const size_t id = (w << 5) + static_cast<size_t>(__builtin_ctz(bits));
        if (id < c.n) c.s.list.push_back(static_cast<int32_t>(id));
      }
    }
    enter_list_form(c, ListOrder::kByIndex);
    return {};
  }
  if (!c.s.patches.reserve(c.s.patches.size() + (c.n - allowed))) return {Code::kOutOfMemory, 0};
  for (size_t id = 0; id < c.n; ++id) {
    if (!bit(mask, words, id) && c.z[id] != kNegInfinity) {
      const Status st = patch_logit(c, static_cast<int32_t>(id), kNegInfinity);
      if (!st.ok()) return st;
    }
  }
  return {};
}

Status GrammarState::set_list(const TokenLists& list) {
  if (list.lengths != nullptr) return {Code::kBadOption, 0};
  if (!bitmask.resize(list.count)) return emptied_out_of_memory(bitmask);
  if (list.count != 0) std::memcpy(bitmask.data(), list.tokens, list.count * sizeof(uint32_t));
  return {};
}

}  // namespace

extern const StageUnit kGrammarStage = unit_for<GrammarState>();

}  // namespace logitkit
