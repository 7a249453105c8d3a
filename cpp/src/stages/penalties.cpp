// penalties: repetition (HF / llama.cpp: divide a positive logit by r, multiply a negative one),
// then presence and frequency (OpenAI: z -= presence * [count > 0] + frequency * count), over the
// last penalty_last_n tokens of the history. With vLLM's and OpenAI's rules presence and frequency
// count the output only (vLLM apply_penalties; OpenAI: "how often that token was sampled"); the
// repetition penalty still sees prompt and output. With llama.cpp's, the penalties may follow a
// filter: they then change the candidates only, on the scaled logits (z / T), as in its chain.
#include <algorithm>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

struct PenaltiesState {
  Buffer<int32_t> window_tokens;   // scratch: the window's tokens, sorted,
  Buffer<int32_t> counted_tokens;  // and the ones presence and frequency count, sorted
  bool copy_from(const PenaltiesState&) { return true; }

  bool enabled(const SamplingParams& p) const {
    return p.penalty_last_n != 0 &&
           (p.repetition_penalty != 1 || p.presence_penalty != 0 || p.frequency_penalty != 0);
  }
  Status apply(Chain& c);
  size_t history_window(const SamplingParams& p) const {
    return p.penalty_last_n < 0 ? kWholeHistory : static_cast<size_t>(p.penalty_last_n);
  }
};

Status PenaltiesState::apply(Chain& c) {
  const SamplingParams& p = c.p;
  const Buffer<int32_t>& history = c.s.history;
  const size_t size = history.size();
  const size_t window =
      p.penalty_last_n < 0 ? size : std::min(size, static_cast<size_t>(p.penalty_last_n));
  if (window == 0) return {};
  const bool output_only = p.follows(Compat::kVllm) || p.follows(Compat::kOpenAI);
  const size_t counted = output_only ? std::min(window, c.s.output_held()) : window;
  // Count each distinct token of the window: sort a copy, then walk runs; the counted tokens (the
  // window's last ones) likewise, merged along.
  if (!window_tokens.assign(history.data() + size - window, window) ||
      !counted_tokens.assign(history.data() + size - counted, counted))
    return {Code::kOutOfMemory, 0};
  std::sort(window_tokens.begin(), window_tokens.end());
  std::sort(counted_tokens.begin(), counted_tokens.end());
  if (c.filtering) {
    const Status st = begin_late_patches(c);
    if (!st.ok()) return st;
  }
  size_t q = 0;
  for (size_t run = 0; run < window;) {
    const int32_t token = window_tokens[run];
    size_t end = run;
    while (end < window && window_tokens[end] == token) ++end;
    run = end;
    if (static_cast<size_t>(token) >= c.n)
      return {Code::kBadHistoryToken, static_cast<uint32_t>(token)};
    while (q < counted && counted_tokens[q] < token) ++q;
    size_t count = 0;
    for (; q < counted && counted_tokens[q] == token; ++q) ++count;
    double z = c.z[token];
    if (p.repetition_penalty != 1) z = z > 0 ? z / p.repetition_penalty : z * p.repetition_penalty;
    if (count > 0)
      z -= c.temp * (p.presence_penalty + p.frequency_penalty * static_cast<double>(count));
    const Status st = patch_logit(c, token, z);
    if (!st.ok()) return st;
  }
  return c.filtering ? end_late_patches(c) : Status{};
}

}  // namespace

extern const StageUnit kPenaltiesStage = unit_for<PenaltiesState>();

}  // namespace logitkit
