// Logit processors: sparse in-place patches of the logits, each recorded so that sample() restores
// the caller's row. allowedTokens instead narrows the candidates to an explicit list.
#include <algorithm>
#include <cfloat>
#include <limits>

#include "../chain.h"

namespace logitkit {

namespace {

// Clamps a patched logit: a bias can push a large logit past FLT_MAX.
float finite_or_masked(double z) {
  if (z > FLT_MAX) return FLT_MAX;
  if (z < -FLT_MAX) return kNegInfinity;
  return static_cast<float>(z);
}

}  // namespace

Status patch_logit(Chain& c, int32_t token, double value) {
  if (!c.s.patches.push_back({token, c.z[token]})) return {Code::kOutOfMemory, 0};
  c.z[token] = finite_or_masked(value);
  c.patched = true;
  return {};
}

// OpenAI logit_bias: z += bias; -Infinity bans.
Status apply_logit_bias(Chain& c) {
  const detail::SamplerState& s = c.s;
  for (size_t b = 0; b < s.bias_tokens.size(); ++b) {
    const int32_t token = s.bias_tokens[b];
    if (token < 0 || static_cast<size_t>(token) >= c.n)
      return {Code::kBadToken, static_cast<uint32_t>(token)};
    const Status st = patch_logit(c, token, static_cast<double>(c.z[token]) + s.bias_values[b]);
    if (!st.ok()) return st;
  }
  return {};
}

// vLLM allowed_token_ids: every other token is masked. The candidates become the allowed list.
Status apply_allowed_tokens(Chain& c) {
  const Buffer<int32_t>& allowed = c.s.allowed;
  if (allowed.empty()) return {};
  if (!allowed.empty() && static_cast<size_t>(allowed[allowed.size() - 1]) >= c.n) {
    return {Code::kBadListToken, static_cast<uint32_t>(allowed[allowed.size() - 1])};
  }
  if (!c.s.list.reserve(allowed.size()) || !c.s.list_weights.reserve(allowed.size()))
    return {Code::kOutOfMemory, 0};
  c.s.list.clear();
  for (int32_t t : allowed) c.s.list.push_back(t);  // sorted and unique (set_allowed)
  c.listed = true;
  c.list_by_index = true;
  c.list_by_order = false;
  return {};  // -Infinity entries are dropped after the last processor (finish_processors)
}

// vLLM bad_words / HF bad_words_ids as token-id sequences: a one-token word is always banned; a
// longer word bans its last token when the history ends with the rest of it.
Status apply_bad_words(Chain& c) {
  const detail::SamplerState& s = c.s;
  const Buffer<int32_t>& h = s.history;
  size_t offset = 0;
  for (size_t w = 0; w < s.bad_word_lengths.size(); ++w) {
    const size_t length = s.bad_word_lengths[w];
    const int32_t* word = s.bad_words.data() + offset;
    offset += length;
    const int32_t last = word[length - 1];
    if (static_cast<size_t>(last) >= c.n) return {Code::kBadListToken, static_cast<uint32_t>(last)};
    if (length - 1 > h.size()) continue;
    if (!std::equal(word, word + length - 1, h.end() - (length - 1))) continue;
    const Status st = patch_logit(c, last, -std::numeric_limits<double>::infinity());
    if (!st.ok()) return st;
  }
  return {};
}

// HF NoRepeatNGramLogitsProcessor: ban every token that would complete an n-gram already present
// in the history (the whole history, as HF's input_ids). O(history * n) per call.
Status apply_no_repeat_ngram(Chain& c) {
  const size_t size = static_cast<size_t>(c.p.no_repeat_ngram_size);
  const Buffer<int32_t>& h = c.s.history;
  const size_t len = h.size();
  if (size == 0 || len + 1 < size) return {};
  const int32_t* prefix = h.data() + len - (size - 1);
  for (size_t start = 0; start + size <= len; ++start) {
    if (!std::equal(prefix, prefix + size - 1, h.data() + start)) continue;
    const int32_t token = h[start + size - 1];
    if (static_cast<size_t>(token) >= c.n) return {Code::kBadToken, static_cast<uint32_t>(token)};
    if (c.z[token] == kNegInfinity) continue;
    const Status st = patch_logit(c, token, -std::numeric_limits<double>::infinity());
    if (!st.ok()) return st;
  }
  return {};
}

// Repetition (HF / llama.cpp: divide a positive logit by r, multiply a negative one), then
// presence and frequency (OpenAI: z -= presence * [count > 0] + frequency * count), over the last
// penalty_last_n tokens.
Status apply_penalties(Chain& c) {
  const SamplingParams& p = c.p;
  detail::SamplerState& s = c.s;
  const size_t size = s.history.size();
  const size_t window =
      p.penalty_last_n < 0 ? size : std::min(size, static_cast<size_t>(p.penalty_last_n));
  if (window == 0) return {};
  // Count each distinct token of the window: sort a copy, then walk runs.
  if (!s.window.assign(s.history.data() + size - window, window)) return {Code::kOutOfMemory, 0};
  std::sort(s.window.begin(), s.window.end());
  for (size_t run = 0; run < window;) {
    const int32_t token = s.window[run];
    size_t end = run;
    while (end < window && s.window[end] == token) ++end;
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

}  // namespace logitkit
