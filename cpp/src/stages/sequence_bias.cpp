// sequenceBias (HF SequenceBiasLogitsProcessor, `sequence_bias`): each [tokens, bias] adds its bias
// to its last token's logit when the history ends with the rest of it; a one-token sequence's
// always applies. As in HF, a longer sequence applies only once the whole input (prompt + output,
// input_ids) is at least as long as it, and of equal sequences the last one given wins. Biases on
// the same token add up.
#include <algorithm>
#include <cmath>

#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

struct SequenceBiasState {
  TokenSequences sequences;
  Buffer<float> biases;
  bool copy_from(const SequenceBiasState& o) {
    return sequences.copy_from(o.sequences) && biases.assign(o.biases);
  }

  bool enabled(const SamplingParams&) const { return !sequences.empty(); }
  Status apply(Chain& c) const;
  size_t history_window(const SamplingParams&) const { return sequences.longest(); }
  Status set_list(const TokenLists& list);
};

Status SequenceBiasState::apply(Chain& c) const {
  Status status;
  size_t i = 0;
  sequences.for_each([&](const int32_t* seq, size_t length) {
    const float bias = biases[i++];
    if (!status.ok()) return;
    const int32_t last = seq[length - 1];
    if (static_cast<size_t>(last) >= c.n) {
      status = {Code::kBadListToken, static_cast<uint32_t>(last)};
      return;
    }
    if (length > 1 &&
        (length > c.s.total_length || !history_ends_with(c.s.history, seq, length - 1)))
      return;
    if (c.z[last] == kNegInfinity) return;
    status = patch_logit(c, last, static_cast<double>(c.z[last]) + bias);
  });
  return status;
}

// Token sequences with one bias each (values); of equal sequences only the last is kept.
Status SequenceBiasState::set_list(const TokenLists& list) {
  biases.clear();
  if (list.count > 0 && list.values == nullptr) return {Code::kBadOption, 0};
  Status st = sequences.assign(list);
  if (!st.ok()) return st;
  for (uint32_t i = 0; i < list.count; ++i) {
    if (!std::isfinite(list.values[i]) && list.values[i] != -INFINITY) return {Code::kBadOption, i};
  }
  // Drop a sequence when an equal one comes later (HF's dict keeps the last).
  Buffer<int32_t> tokens;
  Buffer<uint32_t> lengths;
  size_t offset = 0;
  bool stored = true;
  for (uint32_t i = 0; i < list.count && stored; ++i) {
    const uint32_t length = sequences.lengths[i];
    const int32_t* seq = sequences.tokens.data() + offset;
    offset += length;
    bool repeated = false;
    size_t later = offset;
    for (uint32_t j = i + 1; j < list.count && !repeated; ++j) {
      const uint32_t other = sequences.lengths[j];
      repeated = other == length && std::equal(seq, seq + length, sequences.tokens.data() + later);
      later += other;
    }
    if (repeated) continue;
    for (uint32_t k = 0; k < length && stored; ++k) stored = tokens.push_back(seq[k]);
    stored = stored && lengths.push_back(length) && biases.push_back(list.values[i]);
  }
  if (!stored || !sequences.tokens.assign(tokens) || !sequences.lengths.assign(lengths))
    return emptied_out_of_memory(sequences.tokens, sequences.lengths, biases);
  return {};
}

}  // namespace

extern const StageUnit kSequenceBiasStage = unit_for<SequenceBiasState>();

}  // namespace logitkit
