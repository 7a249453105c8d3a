// xtc (llama.cpp XTC, "exclude top choices"): with probability xtc_probability (u from stream 1
// of this call, streams.h), drop every candidate with p >= threshold except the least probable of
// them, when at least two qualify and min_tokens_to_keep remain. The dropped tokens are a prefix
// of the order, so what remains is built as an explicit list in one pass when it fires.
#include "../chain.h"
#include "../stage.h"
#include "logitkit/streams.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.xtc_probability > 0 && p.xtc_threshold <= 0.5;
}

Status apply(Chain& c, void*) {
  const double u = uniform01_stream(c.p.seed, c.call, Stream::kXtc);
  if (u > c.p.xtc_probability) return {};
  const MassStats st = mass_stats(c);
  if (st.finite < 2) return {};
  const float cut = float_at_least(logit_of_probability(c, c.p.xtc_threshold, st.mass));
  size_t above = 0;  // candidates with p >= threshold: a prefix of the order
  for_each_logit(c, [&](int32_t, float z) { above += z >= cut; });
  const size_t drop = above > 0 ? above - 1 : 0;
  if (drop == 0 || st.finite - drop < c.min_keep) return {};
  Buffer<int32_t>& list = c.s.list;
  if (c.listed) {
    list_sort_by_order(c);
    for (size_t j = drop; j < list.size(); ++j) list[j - drop] = list[j];
    list.truncate(list.size() - drop);
    enter_list_form(c, ListOrder::kByOrder);
    list_changed(c);
    return {};
  }
  // Prefix form: the dropped tokens are the first `drop` of the order; gather the rest.
  const Status head = ensure_head(c, drop);
  if (!head.ok()) return head;
  const KeptSet dropped = prefix_of(c.s.head_index.data(), c.s.head_value.data(), drop);
  list.clear();
  if (!list.reserve(st.finite) || !c.s.list_weights.reserve(st.finite))
    return {Code::kOutOfMemory, 0};
  for (size_t i = 0; i < c.n; ++i) {
    const float zi = c.z[i];
    const uint32_t index = static_cast<uint32_t>(i);
    if (zi != kNegInfinity && c.kept.contains(zi, index) && !dropped.contains(zi, index))
      list.push_back(static_cast<int32_t>(i));
  }
  enter_list_form(c, ListOrder::kByIndex);
  list_changed(c);
  return {};
}

}  // namespace

extern const StageUnit kXtcStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
