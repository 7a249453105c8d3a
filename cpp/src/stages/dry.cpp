// DRY ("Don't Repeat Yourself"), following llama.cpp's llama_sampler_dry_apply step by step, with
// sequence breakers given as token-id sequences (as llama.cpp's own token-based test wrapper does:
// head = the first token, tail = the rest). O(window * breaker length) for step 1, O(window) for
// the Z-algorithm, O(window log window) to collect the penalised tokens; no per-call allocation
// after warm-up (std::sort on scratch arrays).
#include <algorithm>
#include <cmath>

#include "../chain.h"
#include "../stage.h"
#include "token_lists.h"

namespace logitkit {
namespace {

// Its list: the sequence breakers (head = the first token, tail = the rest).
struct DryState : ListState<TokenSequences> {
  Buffer<int32_t> repeat_lengths;  // scratch: step 2's repeat lengths
  Buffer<int64_t> pairs;           // scratch: step 3's (token, length) pairs

  bool enabled(const SamplingParams& p) const {
    return p.dry_multiplier != 0 && p.dry_base >= 1 && p.dry_penalty_last_n != 0;
  }
  Status apply(Chain& c);
  size_t history_window(const SamplingParams& p) const {
    return p.dry_penalty_last_n < 0 ? kWholeHistory : static_cast<size_t>(p.dry_penalty_last_n);
  }
};

Status DryState::apply(Chain& c) {
  const SamplingParams& p = c.p;
  const TokenSequences& breakers = list;
  const Buffer<int32_t>& h = c.s.history;
  const int len = static_cast<int>(h.size());
  const int effective = p.dry_penalty_last_n < 0 ? len : p.dry_penalty_last_n;
  const int last_n = std::min(len, effective);
  const int allowed = p.dry_allowed_length;
  if (last_n <= allowed) return {};
  auto rat = [&](int i) { return h[static_cast<size_t>(len - 1 - i)]; };  // i-th token from the end

  // Step 1: the most recent restart sequence limits the repetition length.
  int rep_limit = last_n;
  for (int i = 0; i < last_n; ++i) {
    const int32_t token = rat(i);
    int longest = -1;
    size_t offset = 0;
    for (size_t b = 0; b < breakers.lengths.size(); ++b) {
      const int32_t* seq = breakers.tokens.data() + offset;
      const int tail = static_cast<int>(breakers.lengths[b]) - 1;
      offset += breakers.lengths[b];
      if (seq[0] != token || tail <= longest || tail > i) continue;
      bool match = true;
      for (int k = 0; k < tail && match; ++k) match = seq[1 + k] == rat(i - k - 1);
      if (match) longest = tail;
    }
    if (longest >= 0) {
      rep_limit = i - longest;
      break;
    }
  }
  if (rep_limit < allowed) return {};

  // Step 2: the Z-algorithm in reverse: repeat[last - k] = length of the longest suffix of the
  // window that also ends k tokens earlier (capped at rep_limit).
  if (!repeat_lengths.resize(static_cast<size_t>(last_n))) return {Code::kOutOfMemory, 0};
  int32_t* repeat = repeat_lengths.data();
  std::fill(repeat, repeat + last_n, 0);
  {
    const int last = last_n - 1;
    int rt = 0, lt = 0;
    for (int k = 1; k < last_n; ++k) {
      if (k > rt) {
        int n = 0;
        while (n + k < last_n && rat(n) == rat(n + k)) ++n;
        repeat[last - k] = std::min(n, rep_limit);
        if (n > 0) {
          lt = k;
          rt = k + n - 1;
        }
      } else {
        const int pair = k - lt;
        const int right_part_len = rt - k + 1;
        if (repeat[last - pair] < right_part_len) {
          repeat[last - k] = std::min(repeat[last - pair], rep_limit);
        } else {
          int i = rt + 1;
          while (i < last_n && rat(i) == rat(i - k)) ++i;
          repeat[last - k] = std::min(i - k, rep_limit);
          lt = k;
          rt = i - 1;
        }
      }
    }
  }

  // Step 3: the token after each repeat would extend it; keep the longest per token.
  pairs.clear();
  if (!pairs.reserve(static_cast<size_t>(last_n))) return {Code::kOutOfMemory, 0};
  for (int i = 0; i < last_n - 1; ++i) {
    const int repeat_len = repeat[i];
    if (repeat_len < allowed) continue;
    const int32_t token = rat(last_n - 2 - i);
    pairs.push_back((static_cast<int64_t>(token) << 32) | static_cast<uint32_t>(repeat_len));
  }
  std::sort(pairs.begin(), pairs.end());

  // Step 4: z -= multiplier * base^(length - allowed), the exponent capped so the power stays
  // finite. After a filter (llama.cpp's chains) only the candidates change, on z / T.
  if (c.filtering) {
    const Status st = begin_late_patches(c);
    if (!st.ok()) return st;
  }
  const double kFloatMaxLog = 88.7228391;
  int max_exponent = 0;
  if (p.dry_base > 1.000001) max_exponent = static_cast<int>(kFloatMaxLog / std::log(p.dry_base));
  for (size_t j = 0; j < pairs.size(); ++j) {
    const int32_t token = static_cast<int32_t>(pairs[j] >> 32);
    if (j + 1 < pairs.size() && static_cast<int32_t>(pairs[j + 1] >> 32) == token)
      continue;  // the longest is last
    if (static_cast<size_t>(token) >= c.n)
      return {Code::kBadHistoryToken, static_cast<uint32_t>(token)};
    bool single_token_breaker = false;
    size_t offset = 0;
    for (size_t b = 0; b < breakers.lengths.size(); ++b) {
      single_token_breaker |= breakers.lengths[b] == 1 && breakers.tokens[offset] == token;
      offset += breakers.lengths[b];
    }
    if (single_token_breaker) continue;
    int exponent = static_cast<int>(pairs[j] & 0xFFFFFFFF) - allowed;
    if (max_exponent > 0 && exponent > max_exponent) exponent = max_exponent;
    const double penalty = p.dry_multiplier * std::pow(p.dry_base, exponent);
    const Status st = patch_logit(c, token, static_cast<double>(c.z[token]) - c.temp * penalty);
    if (!st.ok()) return st;
  }
  return c.filtering ? end_late_patches(c) : Status{};
}

}  // namespace

extern const StageUnit kDryStage = unit_for<DryState>();

}  // namespace logitkit
