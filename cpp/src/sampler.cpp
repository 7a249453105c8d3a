// The sampler chain: processors (in-place patches), filters (chain.h's two candidate forms), then
// an inverse-CDF draw in index order, the outputs (logprob, rank, top list, n distinct samples)
// and the state updates (history, mirostat's mu).
#include "logitkit/sampler.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "chain.h"
#include "draw.h"
#include "logitkit/kernels.h"
#include "logitkit/rng.h"
#include "logitkit/streams.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

const Stage kOrderHF[kStageCount] = {
    Stage::kLogitBias, Stage::kAllowedTokens, Stage::kBadWords,    Stage::kNoRepeatNgram,
    Stage::kPenalties, Stage::kDry,           Stage::kTemperature, Stage::kTopK,
    Stage::kTopP,      Stage::kMinP,          Stage::kTypicalP,    Stage::kEpsilon,
    Stage::kEta,       Stage::kTopNSigma,     Stage::kXtc,         Stage::kMirostat};
const Stage kOrderLlamaCpp[kStageCount] = {
    Stage::kLogitBias, Stage::kAllowedTokens, Stage::kBadWords,    Stage::kNoRepeatNgram,
    Stage::kPenalties, Stage::kDry,           Stage::kTopNSigma,   Stage::kTopK,
    Stage::kTypicalP,  Stage::kTopP,          Stage::kMinP,        Stage::kEpsilon,
    Stage::kEta,       Stage::kXtc,           Stage::kTemperature, Stage::kMirostat};

const char* stage_name(Stage stage) {
  static const char* const names[kStageCount] = {
      "logitBias",   "allowedTokens", "badWords", "noRepeatNgram", "penalties", "dry",
      "temperature", "topK",          "topP",     "minP",          "typicalP",  "epsilon",
      "eta",         "topNSigma",     "xtc",      "mirostat"};
  const size_t i = static_cast<size_t>(stage);
  return i < kStageCount ? names[i] : "?";
}

bool stage_enabled(Stage stage, const SamplingParams& p, bool has_bias, bool has_allowed,
                   bool has_bad_words) {
  switch (stage) {
    case Stage::kLogitBias:
      return has_bias;
    case Stage::kAllowedTokens:
      return has_allowed;
    case Stage::kBadWords:
      return has_bad_words;
    case Stage::kNoRepeatNgram:
      return p.no_repeat_ngram_size > 0;
    case Stage::kPenalties:
      return p.penalty_last_n != 0 &&
             (p.repetition_penalty != 1 || p.presence_penalty != 0 || p.frequency_penalty != 0);
    case Stage::kDry:
      return p.dry_multiplier != 0 && p.dry_base >= 1 && p.dry_penalty_last_n != 0;
    case Stage::kTemperature:
      return p.temperature != 1 || p.dynatemp_range > 0;
    case Stage::kTopK:
      return p.top_k > 0;
    case Stage::kTopP:
      return p.top_p < 1;
    case Stage::kMinP:
      return p.min_p > 0;
    case Stage::kTypicalP:
      return p.typical_p < 1;
    case Stage::kEpsilon:
      return p.epsilon_cutoff > 0;
    case Stage::kEta:
      return p.eta_cutoff > 0;
    case Stage::kTopNSigma:
      return p.top_n_sigma > 0;
    case Stage::kXtc:
      return p.xtc_probability > 0 && p.xtc_threshold <= 0.5;
    case Stage::kMirostat:
      return p.mirostat == 1 || p.mirostat == 2;
  }
  return false;
}

namespace {

constexpr double kLn2 = 0.6931471805599453;

const Stage* order_of(const SamplingParams& p, size_t* length) {
  if (p.order_length == 0) {
    *length = kStageCount;
    return kOrderHF;
  }
  *length = p.order_length;
  return p.order;
}

Status run_stage(Chain& c, Stage stage) {
  switch (stage) {
    case Stage::kLogitBias:
      return apply_logit_bias(c);
    case Stage::kAllowedTokens:
      return apply_allowed_tokens(c);
    case Stage::kBadWords:
      return apply_bad_words(c);
    case Stage::kNoRepeatNgram:
      return apply_no_repeat_ngram(c);
    case Stage::kPenalties:
      return stage_enabled(stage, c.p, false, false, false) ? apply_penalties(c) : Status{};
    case Stage::kDry:
      return apply_dry(c);
    case Stage::kTemperature:
      return stage_enabled(stage, c.p, false, false, false) ? apply_temperature(c) : Status{};
    case Stage::kTopK:
      return apply_top_k(c);
    case Stage::kTopP:
      return apply_top_p(c);
    case Stage::kMinP:
      return apply_min_p(c);
    case Stage::kTypicalP:
      return apply_typical_p(c);
    case Stage::kEpsilon:
      return apply_epsilon(c);
    case Stage::kEta:
      return apply_eta(c);
    case Stage::kTopNSigma:
      return apply_top_n_sigma(c);
    case Stage::kXtc:
      return apply_xtc(c);
    case Stage::kMirostat:
      return apply_mirostat(c);
  }
  return {};
}

// After the last processor: the candidates' maximum, and whether any token is left.
Status finish_processors(Chain& c) {
  if (c.listed) {
    Buffer<int32_t>& list = c.s.list;
    size_t out = 0;
    for (size_t j = 0; j < list.size(); ++j) {
      if (c.z[list[j]] != kNegInfinity) list[out++] = list[j];
    }
    list.truncate(out);
    if (out == 0) return {Code::kAllBanned, 0};
    list_changed(c);
    return {};
  }
  if (!c.patched) return {};
  const Scan cur = scan_logits(c.z, c.n);
  if (cur.status.code == Code::kAllNegativeInf) return {Code::kAllBanned, 0};
  c.max = cur.max;
  return {};
}

// The draw and every output that reads the final distribution (patched logits still in place).
Status draw_and_outputs(Chain& c, SampleResult* result, const TopList& top,
                        const SampleList& samples) {
  detail::SamplerState& s = c.s;
  const double u = uniform01(c.p.seed, c.call);
  Draw drawn;
  if (!c.listed) {
    ensure_weights(c);
    if (!s.block_mass.resize((c.n + kBlock - 1) / kBlock)) return {Code::kOutOfMemory, 0};
    drawn = draw_kept(c.z, s.weights.data(), c.n, c.kept, u, s.block_mass.data());
  } else {
    list_sort_by_index(c);
    ensure_list_weights(c);
    const size_t m = s.list.size();
    if (!s.list_block_mass.resize(m) || !s.list_block_start.resize(m))
      return {Code::kOutOfMemory, 0};
    drawn = draw_list(s.list.data(), s.list_weights.data(), m, u, s.list_block_mass.data(),
                      s.list_block_start.data());
  }
  const double log_mass = std::log(drawn.kept_mass);
  const auto logprob_of = [&](int32_t t) {
    return (static_cast<double>(c.z[t]) - c.max) * c.inv_t - log_mass;
  };
  result->token = drawn.token;
  result->kept = drawn.kept_count;
  result->samples = 0;

  // n distinct samples without replacement: Gumbel top-k over the kept tokens, with
  // key_i = (z_i - max) / T - log(-log u_i), u_i from stream 2 at (this call, token i).
  const size_t want = std::min<size_t>(c.p.n_samples >= 2 ? static_cast<size_t>(c.p.n_samples) : 0,
                                       samples.capacity);
  if (want >= 2) {
    const size_t room = c.listed ? s.list.size() : c.n;
    if (!s.gumbel_keys.resize(room) || !s.gumbel_tokens.resize(room))
      return {Code::kOutOfMemory, 0};
    size_t count = 0;
    const double max = c.max, inv_t = c.inv_t;
    for_each_candidate(c, [&](int32_t t, float z, float w) {
      if (w <= 0) return;
      const double ui =
          uniform01_stream(c.p.seed, c.call, Stream::kGumbel, static_cast<uint32_t>(t));
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
      samples.logprobs[j] = static_cast<float>(logprob_of(tok[pos[j]]));
    }
    result->samples = static_cast<uint32_t>(taken);
    result->token = samples.tokens[0];
  }
  result->logprob = logprob_of(result->token);

  // Rank in the final distribution: 1 + the kept tokens ranking before it in the order.
  const float zt = c.z[result->token];
  if (c.listed) {
    size_t before = 0;
    for (int32_t t : s.list) before += ranks_before(c.z[t], t, zt, result->token);
    result->rank = static_cast<uint32_t>(before + 1);
  } else {
    // A prefix: every token ranking before a kept token is kept.
    result->rank = static_cast<uint32_t>(
        count_ranking_before(c.z, c.n, static_cast<size_t>(result->token)) + 1);
  }

  // The top list of the final distribution: kept tokens first (most probable first), then the
  // filtered ones (-Infinity) by logit.
  const size_t top_n = std::min<size_t>(top.capacity, c.n);
  if (top_n > 0 && !c.p.logprobs_raw) {
    if (!c.listed) {
      top_k_unchecked(c.z, c.n, top_n, top.indices, top.logprobs);
      for (size_t j = 0; j < top_n; ++j) {
        const float z = top.logprobs[j];
        top.logprobs[j] =
            c.kept.contains(z, static_cast<uint32_t>(top.indices[j]))
                ? static_cast<float>((static_cast<double>(z) - c.max) * c.inv_t - log_mass)
                : kNegInfinity;
      }
    } else {
      const size_t m = s.list.size();  // ascending (sorted for the draw)
      if (!s.drawn_list.assign(s.list.data(), m)) return {Code::kOutOfMemory, 0};
      list_sort_by_order(c);
      const size_t shown = std::min(top_n, m);
      for (size_t j = 0; j < shown; ++j) {
        top.indices[j] = s.list[j];
        top.logprobs[j] = static_cast<float>(logprob_of(s.list[j]));
      }
      if (top_n > m) {
        const size_t scan = std::min(c.n, top_n + m);
        if (!s.head_index.reserve(scan) || !s.head_value.reserve(scan))
          return {Code::kOutOfMemory, 0};
        top_k_unchecked(c.z, c.n, scan, s.head_index.data(), s.head_value.data());
        size_t j = shown;
        for (size_t q = 0; q < scan && j < top_n; ++q) {
          const int32_t t = s.head_index[q];
          if (std::binary_search(s.drawn_list.begin(), s.drawn_list.end(), t)) continue;
          top.indices[j] = t;
          top.logprobs[j++] = kNegInfinity;
        }
      }
    }
  }
  return {};
}

}  // namespace

Status Sampler::configure(const SamplingParams& params) {
  if (params.order_length > kStageCount) return {Code::kBadOption, 0};
  bool seen[kStageCount] = {};
  bool filters_started = false;
  for (size_t i = 0; i < params.order_length; ++i) {
    const size_t stage = static_cast<size_t>(params.order[i]);
    if (stage >= kStageCount || seen[stage]) return {Code::kBadOption, static_cast<uint32_t>(i)};
    seen[stage] = true;
    if (!is_processor(params.order[i]))
      filters_started = true;
    else if (filters_started)
      return {Code::kBadOption, static_cast<uint32_t>(i)};
  }
  s_.params = params;
  s_.mu = 2 * params.mirostat_tau;
  return {};
}

Status Sampler::set_bias(const int32_t* tokens, const float* biases, uint32_t count) {
  if (!s_.bias_tokens.assign(tokens, count) || !s_.bias_values.assign(biases, count)) {
    s_.bias_tokens.clear();
    s_.bias_values.clear();
    return {Code::kOutOfMemory, 0};
  }
  return {};
}

Status Sampler::set_allowed(const int32_t* tokens, uint32_t count) {
  for (uint32_t i = 0; i < count; ++i) {
    if (tokens[i] < 0) return {Code::kBadListToken, 0};
  }
  if (!s_.allowed.assign(tokens, count)) {
    s_.allowed.clear();
    return {Code::kOutOfMemory, 0};
  }
  std::sort(s_.allowed.begin(), s_.allowed.end());
  s_.allowed.truncate(
      static_cast<size_t>(std::unique(s_.allowed.begin(), s_.allowed.end()) - s_.allowed.begin()));
  return {};
}

Status Sampler::set_sequences(SequenceKind kind, const int32_t* tokens, const uint32_t* lengths,
                              uint32_t count) {
  Buffer<int32_t>& flat = kind == SequenceKind::kBadWords ? s_.bad_words : s_.breakers;
  Buffer<uint32_t>& sizes =
      kind == SequenceKind::kBadWords ? s_.bad_word_lengths : s_.breaker_lengths;
  size_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (lengths[i] == 0) return {Code::kBadOption, i};
    total += lengths[i];
  }
  for (size_t i = 0; i < total; ++i) {
    if (tokens[i] < 0) return {Code::kBadListToken, 0};
  }
  if (!flat.assign(tokens, total) || !sizes.assign(lengths, count)) {
    flat.clear();
    sizes.clear();
    return {Code::kOutOfMemory, 0};
  }
  return {};
}

size_t Sampler::active_stages(Stage* out) const {
  size_t length, count = 0;
  const Stage* order = order_of(s_.params, &length);
  for (size_t i = 0; i < length; ++i) {
    if (stage_enabled(order[i], s_.params, !s_.bias_tokens.empty(), !s_.allowed.empty(),
                      !s_.bad_word_lengths.empty())) {
      out[count++] = order[i];
    }
  }
  return count;
}

Status Sampler::accept(int32_t token) {
  if (token < 0) return {Code::kBadToken, 0};
  // Keep what the stages can read: everything for n-gram blocking or an unbounded window, else the
  // longest window (penalties, DRY, bad-word prefixes); compact when the buffer fills.
  // Only stages that are switched on count, so a plain sampler's history stays bounded.
  const SamplingParams& p = s_.params;
  const bool penalties = stage_enabled(Stage::kPenalties, p, false, false, false);
  const bool dry = stage_enabled(Stage::kDry, p, false, false, false);
  const bool keep_all = p.no_repeat_ngram_size > 0 || (penalties && p.penalty_last_n < 0) ||
                        (dry && p.dry_penalty_last_n < 0);
  size_t keep = 0;
  if (penalties) keep = std::max<size_t>(keep, static_cast<size_t>(std::max(p.penalty_last_n, 0)));
  if (dry) keep = std::max<size_t>(keep, static_cast<size_t>(std::max(p.dry_penalty_last_n, 0)));
  for (uint32_t length : s_.bad_word_lengths) keep = std::max<size_t>(keep, length);
  Buffer<int32_t>& h = s_.history;
  if (!keep_all && h.size() >= 2 * keep + 64) {
    std::copy(h.end() - keep, h.end(), h.begin());
    h.truncate(keep);
  }
  if (!h.push_back(token)) return {Code::kOutOfMemory, 0};
  return {};
}

void Sampler::reset() {
  s_.history.clear();
  s_.draws = 0;
  s_.mu = 2 * s_.params.mirostat_tau;
}

Status Sampler::clone_into(Sampler* dst) const {
  detail::SamplerState& d = dst->s_;
  d.params = s_.params;
  d.draws = s_.draws;
  d.mu = s_.mu;
  if (!d.bias_tokens.assign(s_.bias_tokens) || !d.bias_values.assign(s_.bias_values) ||
      !d.allowed.assign(s_.allowed) || !d.bad_words.assign(s_.bad_words) ||
      !d.bad_word_lengths.assign(s_.bad_word_lengths) || !d.breakers.assign(s_.breakers) ||
      !d.breaker_lengths.assign(s_.breaker_lengths) || !d.history.assign(s_.history)) {
    return {Code::kOutOfMemory, 0};
  }
  return {};
}

Status Sampler::sample(float* logits, size_t n, SampleResult* result, const TopList& top,
                       const SampleList& samples) {
  const Scan raw = scan_logits(logits, n);
  if (!raw.status.ok()) return raw.status;
  detail::SamplerState& s = s_;
  const SamplingParams& p = s.params;
  if (!s.weights.resize(n)) return {Code::kOutOfMemory, 0};

  Chain c(s, logits, n);
  c.min_keep = std::min<size_t>(static_cast<size_t>(std::max(p.min_tokens_to_keep, 1)), n);
  // Call c of the seed belongs to the c-th successful sample() since the last reset, whatever the
  // stages do (streams.h).
  c.call = s.draws;
  c.max = raw.max;
  c.kept_len = n;
  s.patches.clear();

  size_t length;
  const Stage* order = order_of(p, &length);
  Status status;
  size_t k = 0;
  for (; status.ok() && k < length && is_processor(order[k]); ++k) status = run_stage(c, order[k]);
  if (status.ok()) status = finish_processors(c);
  for (; status.ok() && k < length; ++k) status = run_stage(c, order[k]);
  if (status.ok()) status = draw_and_outputs(c, result, top, samples);

  // Restore the caller's logits (in reverse, so a token patched twice gets its original back).
  for (size_t j = s.patches.size(); j-- > 0;) logits[s.patches[j].token] = s.patches[j].original;
  s.patches.clear();
  if (!status.ok()) return status;

  // The token's log-probability in softmax(logits) at T = 1, before every stage.
  double raw_sum = c.raw_logprob_sum;
  if (raw_sum < 0) raw_sum = sum_exp(logits, n, raw.max, 1.0);
  result->raw_logprob = static_cast<double>(logits[result->token]) - raw.max - std::log(raw_sum);
  const size_t top_n = std::min<size_t>(top.capacity, n);
  if (top_n > 0 && p.logprobs_raw) {
    const Status st = top_logprobs(logits, n, top_n, 1.0, top.indices, top.logprobs);
    if (!st.ok()) return st;
  }
  // Mirostat's feedback: mu -= eta * (surprise - tau), surprise = -log2 p(token) in the final
  // distribution.
  bool mirostat = false;
  for (size_t i = 0; i < length; ++i) mirostat |= order[i] == Stage::kMirostat;
  ++s.draws;
  if (mirostat && (p.mirostat == 1 || p.mirostat == 2)) {
    s.mu -= p.mirostat_eta * (-result->logprob / kLn2 - p.mirostat_tau);
  }
  return accept(result->token);
}

Status sample_rows(Sampler* const* samplers, size_t rows, float* logits, size_t n,
                   SampleResult* results, const TopList* tops, const SampleList* samples,
                   uint32_t* failed_row) {
  for (size_t r = 0; r < rows; ++r) {
    const Status st =
        samplers[r]->sample(logits + r * n, n, &results[r], tops ? tops[r] : TopList{},
                            samples ? samples[r] : SampleList{});
    if (!st.ok()) {
      *failed_row = static_cast<uint32_t>(r);
      return st;
    }
  }
  return {};
}

}  // namespace logitkit
