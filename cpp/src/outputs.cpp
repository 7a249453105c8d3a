// The draw and the outputs that read the final distribution.
#include "outputs.h"

#include <algorithm>
#include <cmath>

#include "logitkit/kernels.h"
#include "logitkit/rng.h"
#include "logitkit/streams.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {

namespace {

// How many kept tokens have weight, when the prefix says it without a pass: a weight is zero
// exactly when the exp's power of two underflows (exp.h), which happens below one logit, so when
// the prefix's last logit has weight every kept token does, and they are its kept_len tokens
// (every prefix filter counts them). A prefix through -Infinity, or one with a tie limit, is
// counted by the draw's pass.
uint32_t known_kept_count(const Chain& c) {
  if (!(c.kept.threshold > kNegInfinity) || c.kept.last_tie_index != kAllTies)
    return kCountKeptTokens;
  // The last logit's weight by the weights pass itself over that one logit: the same bits.
  float weight;
  exact_exp_store_sum(&c.kept.threshold, 1, c.max, c.inv_t, &weight);
  return weight > 0 ? static_cast<uint32_t>(c.kept_len) : kCountKeptTokens;
}

}  // namespace

Status draw_final(Chain& c, Draw* drawn) {
  detail::SamplerState& s = c.s;
  const double u = uniform01(c.p.seed, c.call);
  if (!c.listed) {
    ensure_weights(c);
    if (!s.block_mass.resize((c.n + simd::kBlock - 1) / simd::kBlock))
      return {Code::kOutOfMemory, 0};
    *drawn =
        draw_kept(c.z, s.weights.data(), c.n, c.kept, u, s.block_mass.data(), known_kept_count(c));
    return {};
  }
  list_sort_by_index(c);
  ensure_list_weights(c);
  const size_t m = s.list.size();
  if (!s.list_block_mass.resize(m) || !s.list_block_start.resize(m)) return {Code::kOutOfMemory, 0};
  *drawn = draw_list(s.list.data(), s.list_weights.data(), m, u, s.list_block_mass.data(),
                     s.list_block_start.data());
  return {};
}

Status distinct_samples(Chain& c, double log_mass, const SampleList& samples,
                        SampleResult* result) {
  detail::SamplerState& s = c.s;
  result->samples = 0;
  const size_t want = std::min<size_t>(c.p.n_samples >= 2 ? static_cast<size_t>(c.p.n_samples) : 0,
                                       samples.capacity);
  if (want < 2) return {};
  const size_t room = c.listed ? s.list.size() : c.n;
  if (!s.gumbel_keys.resize(room) || !s.gumbel_tokens.resize(room)) return {Code::kOutOfMemory, 0};
  size_t count = 0;
  const double max = c.max, inv_t = c.inv_t;
  for_each_candidate(c, [&](int32_t t, float z, float w) {
    if (w <= 0) return;
    const double ui = uniform01_stream(c.p.seed, c.call, Stream::kGumbel, static_cast<uint32_t>(t));
    s.gumbel_keys[count] = (static_cast<double>(z) - max) * inv_t - std::log(-std::log(ui));
    s.gumbel_tokens[count++] = t;
  });
  // Sort positions by key (desc, then token asc) for the best `taken`.
  const size_t taken = std::min(want, count);
  Buffer<int32_t>& pos = s.gumbel_rank;
  if (!pos.resize(count)) return {Code::kOutOfMemory, 0};
  for (size_t j = 0; j < count; ++j) pos[j] = static_cast<int32_t>(j);
  const double* key = s.gumbel_keys.data();
  const int32_t* tok = s.gumbel_tokens.data();
  std::partial_sort(pos.begin(), pos.begin() + taken, pos.end(), [&](int32_t a, int32_t b) {
    return key[a] > key[b] || (key[a] == key[b] && tok[a] < tok[b]);
  });
  for (size_t j = 0; j < taken; ++j) {
    samples.tokens[j] = tok[pos[j]];
    samples.logprobs[j] = static_cast<float>(final_logprob(c, tok[pos[j]], log_mass));
  }
  result->samples = static_cast<uint32_t>(taken);
  result->token = samples.tokens[0];
  return {};
}

uint32_t final_rank(Chain& c, int32_t token) {
  if (!c.listed) {
    // A prefix: every token ranking before a kept token is kept.
    return static_cast<uint32_t>(count_ranking_before(c.z, c.n, static_cast<size_t>(token)) + 1);
  }
  const float zt = c.z[token];
  size_t before = 0;
  for (int32_t t : c.s.list) before += ranks_before(c.z[t], t, zt, token);
  return static_cast<uint32_t>(before + 1);
}

Status final_top_list(Chain& c, double log_mass, const TopList& top) {
  detail::SamplerState& s = c.s;
  const size_t top_n = std::min<size_t>(top.capacity, c.n);
  if (top_n == 0) return {};
  if (!c.listed) {
    top_k_unchecked(c.z, c.n, top_n, top.indices, top.logprobs);
    for (size_t j = 0; j < top_n; ++j) {
      const int32_t t = top.indices[j];
      top.logprobs[j] = c.kept.contains(top.logprobs[j], static_cast<uint32_t>(t))
                            ? static_cast<float>(final_logprob(c, t, log_mass))
                            : kNegInfinity;
    }
    return {};
  }
  const size_t m = s.list.size();  // ascending (sorted for the draw)
  if (!s.drawn_list.assign(s.list.data(), m)) return {Code::kOutOfMemory, 0};
  list_sort_by_order(c);
  const size_t shown = std::min(top_n, m);
  for (size_t j = 0; j < shown; ++j) {
    top.indices[j] = s.list[j];
    top.logprobs[j] = static_cast<float>(final_logprob(c, s.list[j], log_mass));
  }
  if (top_n <= m) return {};
  // Then the filtered tokens by logit: the head of the order, past the kept ones.
  const size_t scan = std::min(c.n, top_n + m);
  const Status head = ensure_head(c, scan);
  if (!head.ok()) return head;
  size_t j = shown;
  for (size_t q = 0; q < scan && j < top_n; ++q) {
    const int32_t t = s.head_index[q];
    if (std::binary_search(s.drawn_list.begin(), s.drawn_list.end(), t)) continue;
    top.indices[j] = t;
    top.logprobs[j++] = kNegInfinity;
  }
  return {};
}

}  // namespace logitkit
