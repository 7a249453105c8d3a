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
};

bool enabled(const SamplingParams&, const void* state) {
  return state_as<SequenceBiasState>(state).sequences.count() > 0;
}

Status apply(Chain& c, void* state) {
  const SequenceBiasState& sb = state_as<SequenceBiasState>(state);
  Status status;
  size_t i = 0;
  sb.sequences.for_each([&](const int32_t* seq, size_t length) {
    const float bias = sb.biases[i++];
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

size_t history_window(const SamplingParams&, const void* state) {
  return state_as<SequenceBiasState>(state).sequences.longest();
}

// Token sequences with one bias each (values); of equal sequences only the last is kept.
Status set_list(void* state, const TokenLists& list) {
  SequenceBiasState& sb = state_as<SequenceBiasState>(state);
  sb.biases.clear();
  if (list.count > 0 && list.values == nullptr) return {Code::kBadOption, 0};
  Status st = sb.sequences.assign(list);
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
    const uint32_t length = sb.sequences.lengths[i];
    const int32_t* seq = sb.sequences.tokens.data() + offset;
    offset += length;
    bool repeated = false;
    size_t later = offset;
    for (uint32_t j = i + 1; j < list.count && !repeated; ++j) {
      const uint32_t other = sb.sequences.lengths[j];
      repeated =
          other == length && std::equal(seq, seq + length, sb.sequences.tokens.data() + later);
      later += other;
    }
    if (repeated) continue;
    for (uint32_t k = 0; k < length && stored; ++k) stored = tokens.push_back(seq[k]);
    stored = stored && lengths.push_back(length) && sb.biases.push_back(list.values[i]);
  }
  if (!stored || !sb.sequences.tokens.assign(tokens) || !sb.sequences.lengths.assign(lengths)) {
    sb.sequences.tokens.clear();
    sb.sequences.lengths.clear();
    sb.biases.clear();
    return {Code::kOutOfMemory, 0};
  }
  return {};
}

}  // namespace

extern const StageUnit kSequenceBiasStage = {
    .enabled = enabled,
    .apply = apply,
    .history_window = history_window,
    .set_list = set_list,
    .state = &StateOpsOf<SequenceBiasState>::kOps,
};

}  // namespace logitkit
