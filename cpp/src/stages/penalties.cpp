// penalties: repetition (HF / llama.cpp: divide a positive logit by r, multiply a negative one),
// then presence and frequency (OpenAI: z -= presence * [count > 0] + frequency * count), over the
// last penalty_last_n tokens of the history.
#include <algorithm>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

struct PenaltiesState {
  Buffer<int32_t> window;  // scratch: the window's tokens, sorted
  bool copy_from(const PenaltiesState&) { return true; }
};

bool enabled(const SamplingParams& p, const void*) {
  return p.penalty_last_n != 0 &&
         (p.repetition_penalty != 1 || p.presence_penalty != 0 || p.frequency_penalty != 0);
}

Status apply(Chain& c, void* state) {
  const SamplingParams& p = c.p;
  Buffer<int32_t>& sorted = state_as<PenaltiesState>(state).window;
  const Buffer<int32_t>& history = c.s.history;
  const size_t size = history.size();
  const size_t window =
      p.penalty_last_n < 0 ? size : std::min(size, static_cast<size_t>(p.penalty_last_n));
  if (window == 0) return {};
  // Count each distinct token of the window: sort a copy, then walk runs.
  if (!sorted.assign(history.data() + size - window, window)) return {Code::kOutOfMemory, 0};
  std::sort(sorted.begin(), sorted.end());
  for (size_t run = 0; run < window;) {
    const int32_t token = sorted[run];
    size_t end = run;
    while (end < window && sorted[end] == token) ++end;
    if (static_cast<size_t>(token) >= c.n) return {Code::kBadToken, static_cast<uint32_t>(token)};
    const double count = static_cast<double>(end - run);
    double z = c.z[token];
    if (p.repetition_penalty != 1) z = z > 0 ? z / p.repetition_penalty : z * p.repetition_penalty;
    z -= p.presence_penalty + p.frequency_penalty * count;
    const Status st = patch_logit(c, token, z);
    if (!st.ok()) return st;
    run = end;
  }
  return {};
}

size_t history_window(const SamplingParams& p, const void*) {
  return p.penalty_last_n < 0 ? kWholeHistory : static_cast<size_t>(p.penalty_last_n);
}

}  // namespace

extern const StageUnit kPenaltiesStage = {
    .enabled = enabled,
    .apply = apply,
    .history_window = history_window,
    .state = &StateOpsOf<PenaltiesState>::kOps,
};

}  // namespace logitkit
