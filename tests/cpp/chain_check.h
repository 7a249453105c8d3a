// A sampler configuration, the float64 reference chain for it (chain_reference.h's stages in its
// order, with its compat rules), and the check of a sampler's final distribution (one draw with the
// whole vocabulary as the top list) against it: shared by the chain and compat doctests.
#pragma once
#include <doctest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "chain_reference.h"
#include "logitkit/sampler.h"
#include "logitkit/streams.h"

namespace rf {

struct Observed {
  logitkit::SampleResult r;
  std::map<int32_t, double> kept;  // token -> final logprob
  std::vector<int32_t> top;        // the whole top list
};

inline Observed observe(logitkit::Sampler& s, std::vector<float> z) {
  const size_t n = z.size();
  std::vector<int32_t> idx(n);
  std::vector<float> lp(n);
  Observed o;
  const logitkit::Status st = s.sample(z.data(), n, &o.r, {idx.data(), lp.data(), uint32_t(n)});
  REQUIRE(st.ok());
  for (size_t j = 0; j < n; ++j) {
    if (lp[j] != -std::numeric_limits<float>::infinity()) o.kept[idx[j]] = lp[j];
  }
  o.top = idx;
  return o;
}

// Same kept set, logprobs within 2e-5 of float64, the token inside, its rank in the order.
inline void check(const Observed& o, List ref) {
  std::set<int32_t> want;
  for (const Cand& x : ref) want.insert(x.id);
  std::set<int32_t> got;
  for (auto [t, lp] : o.kept) got.insert(t);
  CHECK(got == want);
  if (got != want) return;
  sort_desc(ref);
  const std::vector<double> p = probs(ref);
  for (size_t i = 0; i < ref.size(); ++i) {
    if (p[i] > 1e-30) CHECK(std::fabs(o.kept.at(ref[i].id) - std::log(p[i])) <= 2e-5);
    CHECK(o.top[i] == ref[i].id);  // the top list is the final distribution, most probable first
    if (ref[i].id == o.r.token) {
      CHECK(o.r.rank == i + 1);
      CHECK(std::fabs(o.r.logprob - std::log(p[i])) <= 2e-5);
    }
  }
  CHECK(want.count(o.r.token) == 1);
}

// A sampler configuration with its lists; `order` empty: the default order of its rules.
struct Config {
  logitkit::SamplingParams p;
  std::vector<logitkit::Stage> order;
  std::map<int32_t, float> bias;
  std::vector<int32_t> allowed, suppress, begin_suppress, stop;
  std::vector<std::pair<std::vector<int32_t>, double>> sequence_bias;
  std::vector<std::vector<int32_t>> bad_words, breakers;

  Config() = default;
  explicit Config(logitkit::Compat rules) { p.compat = static_cast<int32_t>(rules); }
  Config(logitkit::Compat rules, const logitkit::SamplingParams& params) : p(params) {
    p.compat = static_cast<int32_t>(rules);
  }
  logitkit::Compat rules() const { return static_cast<logitkit::Compat>(p.compat); }

  // Sets the lists (each must be accepted), then configures.
  logitkit::Status apply_to(logitkit::Sampler& s) {
    using logitkit::Stage;
    std::copy(order.begin(), order.end(), p.order);
    p.order_length = static_cast<uint8_t>(order.size());
    std::vector<int32_t> bt;
    std::vector<float> bv;
    for (auto [t, b] : bias) {
      bt.push_back(t);
      bv.push_back(b);
    }
    REQUIRE(s.set_bias(bt.data(), bv.data(), uint32_t(bt.size())).ok());
    REQUIRE(s.set_allowed(allowed.data(), uint32_t(allowed.size())).ok());
    for (auto [stage, ids] : {std::pair{Stage::kSuppressTokens, &suppress},
                              std::pair{Stage::kBeginSuppressTokens, &begin_suppress},
                              std::pair{Stage::kStopTokens, &stop}}) {
      REQUIRE(s.set_list(stage, {ids->data(), nullptr, nullptr, uint32_t(ids->size())}).ok());
    }
    std::vector<int32_t> flat;
    std::vector<uint32_t> lengths;
    std::vector<float> values;
    for (const auto& [seq, b] : sequence_bias) {
      flat.insert(flat.end(), seq.begin(), seq.end());
      lengths.push_back(uint32_t(seq.size()));
      values.push_back(float(b));
    }
    REQUIRE(s.set_list(Stage::kSequenceBias,
                       {flat.data(), lengths.data(), values.data(), uint32_t(lengths.size())})
                .ok());
    for (auto kind : {logitkit::SequenceKind::kBadWords, logitkit::SequenceKind::kDryBreakers}) {
      flat.clear();
      lengths.clear();
      for (const auto& q : kind == logitkit::SequenceKind::kBadWords ? bad_words : breakers) {
        flat.insert(flat.end(), q.begin(), q.end());
        lengths.push_back(uint32_t(q.size()));
      }
      REQUIRE(s.set_sequences(kind, flat.data(), lengths.data(), uint32_t(lengths.size())).ok());
    }
    return s.configure(p);
  }
};

// llama.cpp's order preset, as an explicit order.
inline std::vector<logitkit::Stage> llama_preset() {
  return {logitkit::kOrderLlamaCpp, logitkit::kOrderLlamaCpp + logitkit::kStageCount};
}

// Applies a row operation to the candidates only (a processor after a filter, llama.cpp's chains).
template <typename Op>
void on_candidates(List& c, size_t n, Op op) {
  std::vector<double> row(n, -INFINITY);
  for (const Cand& x : c) row[x.id] = x.z;
  op(row);
  for (Cand& x : c) x.z = row[x.id];
}

// The reference chain with the compat rules, as tests/js/chain-reference.mjs states them: the token
// bans and sequence biases first, then the order (llama.cpp: as listed, or its mirostat chain):
// processors on the row (on the candidates once a filter ran), the allowed tokens when the
// candidates are listed, then the filters. `mu` is mirostat's, `call` the draw's stream position.
inline List reference(const Config& cf, const std::vector<float>& z32,
                      const std::vector<int32_t>& prompt, const std::vector<int32_t>& output,
                      double mu, uint64_t call = 0) {
  using logitkit::Compat;
  using logitkit::Stage;
  const logitkit::SamplingParams& p = cf.p;
  const Compat rules = cf.rules();
  const bool llama = rules == Compat::kLlamaCpp, hf = rules == Compat::kTransformers;
  const bool ties = hf || rules == Compat::kVllm;
  const bool split = rules == Compat::kVllm || rules == Compat::kOpenAI;
  const size_t n = z32.size();
  std::vector<int32_t> all = prompt;
  all.insert(all.end(), output.begin(), output.end());
  std::vector<Stage> stages = cf.order;
  if (stages.empty()) {
    const Stage* preset = llama ? logitkit::kOrderLlamaCpp : logitkit::kOrderHF;
    stages.assign(preset, preset + logitkit::kStageCount);
  }
  const bool mirostat_chain = llama && p.mirostat != 0;
  if (mirostat_chain) stages = {Stage::kLogitBias, Stage::kTemperature, Stage::kMirostat};
  const size_t min_keep = std::max(p.min_tokens_to_keep, 1);

  std::vector<double> z(z32.begin(), z32.end());
  sequence_bias(z, all, cf.sequence_bias);
  suppress(z, cf.suppress);
  if (output.empty()) suppress(z, cf.begin_suppress);
  stop_token_bans(z, cf.stop, p.suppress_stop_tokens, size_t(p.min_new_tokens),
                  size_t(p.min_length), prompt.size(), output.size());
  auto processor = [&](Stage stage, std::vector<double>& row) {
    switch (stage) {
      case Stage::kLogitBias:
        for (auto [t, b] : cf.bias) row[t] += b;
        break;
      case Stage::kBadWords:
        if (rules == Compat::kVllm)
          bad_words(row, output, cf.bad_words);
        else
          bad_words(row, all, cf.bad_words, hf);
        break;
      case Stage::kNoRepeatNgram:
        no_repeat_ngram(row, all, size_t(p.no_repeat_ngram_size));
        break;
      case Stage::kPenalties:
        if (p.penalty_last_n == 0) break;
        if (split)
          penalties_split(row, prompt, output, p.penalty_last_n, p.repetition_penalty,
                          p.frequency_penalty, p.presence_penalty);
        else
          penalties(row, all, p.penalty_last_n, p.repetition_penalty, p.frequency_penalty,
                    p.presence_penalty);
        break;
      case Stage::kDry:
        dry(row, all, p.dry_multiplier, p.dry_base, p.dry_allowed_length, p.dry_penalty_last_n,
            cf.breakers);
        break;
      default:
        break;
    }
  };
  List c;
  bool listed = false;
  auto list_candidates = [&] {
    listed = true;
    for (size_t t = 0; t < n; ++t) {
      const bool allowed =
          cf.allowed.empty() || std::count(cf.allowed.begin(), cf.allowed.end(), int32_t(t)) > 0;
      if (allowed && z[t] != -INFINITY) c.push_back({int32_t(t), z[t]});
    }
  };
  for (Stage st : stages) {
    if (logitkit::is_processor(st)) {
      if (!listed)
        processor(st, z);
      else
        on_candidates(c, n, [&](std::vector<double>& row) { processor(st, row); });
      continue;
    }
    if (!listed) list_candidates();
    switch (st) {
      case Stage::kTemperature:
        if (mirostat_chain)
          temperature(c, p.temperature);
        else if (p.temperature != 1 || p.dynatemp_range > 0)
          dynatemp(c, p.temperature, p.dynatemp_range, p.dynatemp_exponent);
        break;
      case Stage::kTopK:
        if (ties)
          top_k_ties(c, p.top_k, min_keep);
        else
          top_k(c, p.top_k, llama ? 1 : min_keep);
        break;
      case Stage::kTopP:
        top_p(c, p.top_p, min_keep);
        break;
      case Stage::kMinP:
        min_p(c, p.min_p, min_keep);
        break;
      case Stage::kTypicalP:
        if (llama)
          typical_llama(c, p.typical_p, min_keep);
        else
          typical(c, p.typical_p, min_keep);
        break;
      case Stage::kEpsilon:
        epsilon(c, p.epsilon_cutoff, min_keep, hf);
        break;
      case Stage::kEta:
        eta(c, p.eta_cutoff, min_keep, hf);
        break;
      case Stage::kTopNSigma:
        top_n_sigma(c, p.top_n_sigma);
        break;
      case Stage::kXtc:
        xtc(c, p.xtc_probability, p.xtc_threshold, min_keep,
            logitkit::uniform01_stream(p.seed, call, logitkit::Stream::kXtc));
        break;
      case Stage::kMirostat:
        if (p.mirostat == 1) mirostat_v1(c, mu, p.mirostat_m, n);
        if (p.mirostat == 2) mirostat_v2(c, mu);
        break;
      default:
        break;
    }
  }
  if (!listed) list_candidates();
  return c;
}

// The tokens a sampler accepted before the draw: prompt tokens, then output tokens.
struct History {
  std::vector<int32_t> prompt, output;
};

// Configures a sampler with `cf`, accepts the history, draws once and checks the draw against the
// reference chain (mirostat at its initial mu, 2 tau).
inline Observed run(Config cf, const std::vector<float>& z, const History& h = {}) {
  logitkit::Sampler s;
  REQUIRE(cf.apply_to(s).ok());
  for (int32_t t : h.prompt) REQUIRE(s.accept(t, true).ok());
  for (int32_t t : h.output) REQUIRE(s.accept(t).ok());
  const Observed o = observe(s, z);
  check(o, reference(cf, z, h.prompt, h.output, 2 * cf.p.mirostat_tau));
  return o;
}

}  // namespace rf
