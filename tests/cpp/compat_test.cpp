// The `compat` rules and the stages for configs pasted from llama.cpp, HF, vLLM and OpenAI, against
// float64 ports of each reference's own code (chain_reference.h): llama.cpp's mirostat chains, its
// top-k without min_keep, its `samplers` lists (dropped stages, penalties after filters), the
// prompt / output penalty split (vLLM, OpenAI), HF's suppress / begin-suppress / sequence-bias and
// the stop-token bans, top-k ties (HF, vLLM); each on fixtures of our own, alone and in chains;
// and golden sequences every build must reproduce.
#include <doctest.h>

#include <cmath>
#include <map>
#include <utility>
#include <vector>

#include "chain_check.h"
#include "chain_reference.h"
#include "golden.h"
#include "logitkit/sampler.h"
#include "reference.h"

using logitkit::Code;
using logitkit::Compat;
using logitkit::SampleResult;
using logitkit::SamplingParams;
using logitkit::Stage;

namespace {

using rf::Config;
using rf::History;
using rf::llama_preset;
using rf::reference;
using rf::run;

// Logits with many ties (steps of 1/2 in [-2, 2]).
std::vector<float> tied_logits(size_t n, uint64_t seed) {
  std::vector<float> z = ref::grid_logits(n, seed);
  for (float& v : z) v = std::round((v + 8.0f) / 2.0f) / 2.0f - 2.0f;
  return z;
}

// The three fixtures of every item: small and peaked, wide, and tied.
std::vector<std::vector<float>> fixtures() {
  return {ref::normal_logits(12, 2, 1), ref::normal_logits(500, 1.5, 2), tied_logits(40, 3)};
}

const History kHistories[] = {
    {{}, {}}, {{0, 1, 2, 1}, {}}, {{}, {3, 3, 4}}, {{5, 0, 6, 5}, {1, 5, 2, 2, 7}}};

}  // namespace

TEST_CASE("item 1: a llama.cpp mirostat chain runs only logit bias, temperature and mirostat") {
  Config a(Compat::kLlamaCpp, {.temperature = 0.8,
                               .top_k = 40,
                               .top_p = 0.95,
                               .min_p = 0.05,
                               .mirostat = 2,
                               .repetition_penalty = 1.1});
  a.order = llama_preset();
  // The issue's example: llama.cpp keeps 7 of 8 tokens, with these logprobs.
  {
    const std::vector<float> z = {2, 1.5, 1, 0, -1, -2, -3, -4};
    const rf::Observed o = run(a, z, {{}, {0}});
    const double want[] = {-0.661, -1.286, -1.911, -3.161, -4.411, -5.661, -6.911};
    CHECK(o.kept.size() == 7);
    for (int i = 0; i < 7; ++i) CHECK(std::fabs(o.kept.at(i) - want[i]) < 5e-4);
  }
  // mirostat 1, an order that never names it (a `samplers` list)
  Config b(
      Compat::kLlamaCpp,
      {.temperature = 1.2, .top_k = 2, .mirostat = 1, .mirostat_tau = 3, .repetition_penalty = 2});
  b.bias = {{4, 3.0f}};
  b.order = {Stage::kLogitBias, Stage::kTopK, Stage::kPenalties};
  // dynamic temperature is not part of a mirostat chain
  Config c(Compat::kLlamaCpp, {.dynatemp_range = 0.5,
                               .mirostat = 2,
                               .mirostat_tau = 2,
                               .mirostat_eta = 0.3,
                               .min_tokens_to_keep = 3});
  c.order = {Stage::kTopK, Stage::kTemperature};
  for (const Config& cf : {a, b, c}) {
    for (const std::vector<float>& z : fixtures()) {
      Config copy = cf;
      logitkit::Sampler s;
      REQUIRE(copy.apply_to(s).ok());
      Stage active[logitkit::kStageCount];
      const size_t count = s.active_stages(active);
      CHECK(active[count - 1] == Stage::kMirostat);
      for (size_t i = 0; i < count; ++i)
        CHECK((active[i] == Stage::kLogitBias || active[i] == Stage::kTemperature ||
               active[i] == Stage::kMirostat));
      std::vector<int32_t> history = {0, 1};
      for (int32_t t : history) REQUIRE(s.accept(t, true).ok());
      double mu = 2 * cf.p.mirostat_tau;
      for (int step = 0; step < 5; ++step) {
        rf::List want = reference(cf, z, history, {}, mu);
        const rf::Observed o = rf::observe(s, z);
        rf::check(o, want);
        rf::sort_desc(want);
        const std::vector<double> p = rf::probs(want);
        for (size_t i = 0; i < want.size(); ++i)
          if (want[i].id == o.r.token)
            mu -= cf.p.mirostat_eta * (-std::log2(p[i]) - cf.p.mirostat_tau);
        CHECK(std::fabs(s.mirostat_mu() - mu) <= 1e-5 * std::max(1.0, std::fabs(mu)));
        history.push_back(o.r.token);
      }
    }
  }
}

TEST_CASE("item 2: llama.cpp's top-k has no min_keep; its other stages and HF's keep it") {
  Config a(Compat::kLlamaCpp, {.top_k = 1, .min_tokens_to_keep = 3});
  a.order = {Stage::kTopK, Stage::kTemperature};
  CHECK(run(a, {3, 2, 1, 0}).kept.size() == 1);
  Config hf(Compat::kTransformers, {.top_k = 1, .min_tokens_to_keep = 3});
  CHECK(run(hf, {3, 2, 1, 0}).kept.size() == 3);
  Config b(Compat::kLlamaCpp, {.top_k = 2, .top_p = 0.1, .min_tokens_to_keep = 4});
  b.order = {Stage::kTopK, Stage::kTopP};
  Config c(Compat::kLlamaCpp,
           {.top_k = 3, .min_p = 0.9, .typical_p = 0.3, .min_tokens_to_keep = 5});
  c.order = {Stage::kTopK, Stage::kMinP, Stage::kTypicalP, Stage::kTemperature};
  // typical-p first: llama.cpp's cut, min_keep applies
  Config d(Compat::kLlamaCpp, {.typical_p = 0.5, .min_tokens_to_keep = 2});
  d.order = {Stage::kTypicalP, Stage::kTopK};
  for (const Config& cf : {a, b, c, d, hf})
    for (const std::vector<float>& z : fixtures()) run(cf, z);
}

TEST_CASE("item 3: llama.cpp samplers lists drop unlisted stages and may put penalties anywhere") {
  // "kpt": min_p and the penalties are set but not listed
  Config a(Compat::kLlamaCpp, {.top_k = 5, .top_p = 0.8, .min_p = 0.2, .repetition_penalty = 1.5});
  a.order = {Stage::kLogitBias, Stage::kTopK, Stage::kTopP, Stage::kTemperature};
  // penalties after top-k
  Config b(Compat::kLlamaCpp, {.top_k = 6, .repetition_penalty = 2, .presence_penalty = 0.5});
  b.order = {Stage::kTopK, Stage::kPenalties, Stage::kTemperature};
  // "tkep": penalties on the scaled logits of the kept candidates
  Config c(Compat::kLlamaCpp,
           {.temperature = 0.7, .top_k = 8, .top_p = 0.7, .frequency_penalty = 0.4});
  c.order = {Stage::kTemperature, Stage::kTopK, Stage::kPenalties, Stage::kTopP};
  // an empty list: only logit bias (and the bans)
  Config d(Compat::kLlamaCpp, {.temperature = 0.5, .top_k = 1});
  d.bias = {{2, 1.5f}};
  d.order = {Stage::kLogitBias};
  for (const Config& cf : {a, b, c, d})
    for (const std::vector<float>& z : fixtures())
      for (const History& h : kHistories) run(cf, z, h);
  // Without llama.cpp's rules a processor after a filter is still refused.
  Config e = b;
  e.p.compat = static_cast<int32_t>(Compat::kNone);
  logitkit::Sampler s;
  const logitkit::Status st = e.apply_to(s);
  CHECK(st.code == Code::kBadOption);
  CHECK(st.index == 1);
}

TEST_CASE("item 5: vLLM and OpenAI count presence and frequency over the output only") {
  Config issue(Compat::kVllm,
               {.repetition_penalty = 1.5, .presence_penalty = 1, .penalty_last_n = -1});
  const rf::Observed o = run(issue, {2, 2, 2}, {{0}, {1}});
  const double want[] = {-1.199, -2.199, -0.532};
  for (int i = 0; i < 3; ++i) CHECK(std::fabs(o.kept.at(i) - want[i]) < 5e-4);

  Config a(Compat::kVllm, {.repetition_penalty = 1.4,
                           .presence_penalty = 0.6,
                           .frequency_penalty = 0.3,
                           .penalty_last_n = -1});
  Config b(Compat::kOpenAI,
           {.presence_penalty = 1.2, .frequency_penalty = 0.9, .penalty_last_n = -1});
  // HF: the repetition penalty over all of input_ids
  Config c(Compat::kTransformers, {.repetition_penalty = 1.6, .penalty_last_n = -1});
  // llama.cpp: one ring of the last n, prompt included
  Config d(Compat::kLlamaCpp,
           {.repetition_penalty = 1.6, .presence_penalty = 0.4, .penalty_last_n = 5});
  d.order = {Stage::kPenalties, Stage::kTemperature};
  // a short window still splits
  Config e(Compat::kVllm,
           {.top_k = 4, .repetition_penalty = 0.8, .frequency_penalty = -0.5, .penalty_last_n = 3});
  for (const Config& cf : {a, b, c, d, e})
    for (const std::vector<float>& z : fixtures())
      for (const History& h : kHistories) run(cf, z, h);

  // A prompt token after output starts a new generation: the earlier output becomes prompt.
  Config f(Compat::kVllm);
  f.p.presence_penalty = 2;
  logitkit::Sampler s;
  REQUIRE(f.apply_to(s).ok());
  REQUIRE(s.accept(0, true).ok());
  REQUIRE(s.accept(1).ok());
  CHECK(s.output_length() == 1);
  REQUIRE(s.accept(2, true).ok());
  CHECK(s.output_length() == 0);
  CHECK(s.total_length() == 3);
  const rf::Observed after = rf::observe(s, {2, 2, 2});
  CHECK(std::fabs(after.kept.at(0) - after.kept.at(1)) < 1e-6);
}

TEST_CASE("item 6: suppress, begin-suppress, sequence bias and the stop-token bans") {
  Config a(Compat::kTransformers);
  a.suppress = {0, 3, 7};
  Config b(Compat::kTransformers);
  b.suppress = {1};
  b.begin_suppress = {2, 5};
  Config c(Compat::kTransformers);
  c.p.top_k = 5;
  c.begin_suppress = {0, 1, 2};
  Config d(Compat::kTransformers);
  d.sequence_bias = {{{4}, 2.5}, {{1, 5}, -3}, {{4}, 1.0}};  // the last of equal sequences wins
  Config e(Compat::kTransformers);
  e.sequence_bias = {{{5, 2, 2}, 4}, {{7}, -1}, {{2, 2}, 0.5}};
  e.p.repetition_penalty = 1.3;
  e.p.penalty_last_n = -1;
  Config f(Compat::kTransformers);
  f.p.top_k = 3;
  f.sequence_bias = {{{0, 1, 2, 3}, 6}, {{2, 2}, -20}};
  Config g(Compat::kTransformers);
  g.stop = {2, 9};
  g.p.min_new_tokens = 3;
  Config h(Compat::kTransformers);
  h.stop = {1};
  h.p.min_length = 6;
  Config i(Compat::kVllm);
  i.stop = {1, 4};
  i.p.min_new_tokens = 3;
  i.p.top_k = 3;
  Config j(Compat::kLlamaCpp);  // ignore_eos
  j.stop = {0, 5};
  j.p.suppress_stop_tokens = true;
  j.order = {Stage::kTopK, Stage::kTemperature};
  j.p.top_k = 4;
  for (const Config& cf : {a, b, c, d, e, f, g, h, i, j})
    for (const std::vector<float>& z : fixtures())
      for (const History& hist : kHistories) run(cf, z, hist);
  // Every token banned: a clear status, not a trap.
  Config all(Compat::kNone);
  all.suppress = {0, 1, 2};
  logitkit::Sampler s;
  REQUIRE(all.apply_to(s).ok());
  std::vector<float> z = {1, 2, 3};
  SampleResult r;
  CHECK(s.sample(z.data(), 3, &r).code == Code::kAllBanned);
  std::vector<float> small = {1, 2};  // a suppressed id past the vocabulary
  CHECK(s.sample(small.data(), 2, &r).code == Code::kBadListToken);
  // Negative ids and a sequence bias without values are refused.
  const int32_t negative[] = {-1};
  CHECK(s.set_list(Stage::kSuppressTokens, {negative, nullptr, nullptr, 1}).code ==
        Code::kBadListToken);
  const int32_t one[] = {1};
  CHECK(s.set_list(Stage::kSequenceBias, {one, nullptr, nullptr, 1}).code == Code::kBadOption);
}

TEST_CASE("item 7: HF and vLLM top-k keep every token tied with the k-th") {
  Config hf(Compat::kTransformers);
  hf.p.top_k = 2;
  CHECK(run(hf, {2, 1, 1, 1, 0}).kept.size() == 4);
  Config vllm(Compat::kVllm);
  vllm.p.top_k = 2;
  CHECK(run(vllm, {2, 1, 1, 1, 0}).kept.size() == 4);
  Config own(Compat::kNone);
  own.p.top_k = 2;
  CHECK(run(own, {2, 1, 1, 1, 0}).kept.size() == 2);
  Config a(Compat::kTransformers);
  a.p.top_k = 3;
  // epsilon and eta keep the min_keep-th's ties too
  Config b(Compat::kTransformers,
           {.top_k = 2, .epsilon_cutoff = 0.3, .eta_cutoff = 0.2, .min_tokens_to_keep = 2});
  Config c(Compat::kVllm, {.top_k = 5, .top_p = 0.6});
  Config d(Compat::kVllm, {.top_k = 1, .min_p = 0.5});
  for (const Config& cf : {a, b, c, d})
    for (const std::vector<float>& z : {tied_logits(40, 11), tied_logits(300, 12)}) run(cf, z);
}

TEST_CASE(
    "golden sequences with the compat rules and the new stages: every build (wasm SIMD, wasm "
    "baseline, native) draws the same tokens") {
  const std::vector<float> z = ref::grid_logits(32000, 777);
  std::vector<Config> configs;
  {
    Config c(Compat::kLlamaCpp);  // mirostat chain
    c.p.mirostat = 2;
    c.p.mirostat_tau = 11;  // mu = 22 bits: a few hundred of the 32000 grid logits stay
    c.p.temperature = 0.9;
    c.order = llama_preset();
    configs.push_back(c);
  }
  {
    // "kept"-style list: penalties after filters, typical's cut
    Config c(Compat::kLlamaCpp,
             {.temperature = 0.7, .top_k = 90, .typical_p = 0.8, .repetition_penalty = 1.4});
    c.order = {Stage::kTopK, Stage::kTypicalP, Stage::kPenalties, Stage::kTemperature};
    configs.push_back(c);
  }
  {
    Config c(Compat::kTransformers);  // the HF processors, top-k ties
    c.p.top_k = 40;
    c.sequence_bias = {{{1, 2}, 3}, {{9}, 2}};
    c.suppress = {5};
    c.begin_suppress = {6};
    c.stop = {7};
    c.p.min_new_tokens = 3;
    configs.push_back(c);
  }
  {
    // vLLM order and penalty split
    Config c(Compat::kVllm, {.top_k = 60,
                             .min_p = 0.05,
                             .repetition_penalty = 1.3,
                             .presence_penalty = 0.5,
                             .penalty_last_n = -1});
    c.stop = {8};
    c.p.min_new_tokens = 2;
    configs.push_back(c);
  }
  {
    Config c(Compat::kOpenAI,
             {.top_p = 0.9, .presence_penalty = 1, .frequency_penalty = 0.5, .penalty_last_n = -1});
    configs.push_back(c);
  }
  std::vector<std::vector<int32_t>> all;
  for (size_t i = 0; i < configs.size(); ++i) {
    configs[i].p.seed = 55555 + i;
    logitkit::Sampler s;
    REQUIRE(configs[i].apply_to(s).ok());
    for (int32_t t : {1, 2, 3, 4}) REQUIRE(s.accept(t, true).ok());
    all.push_back(ref::draw_tokens(s, z, 8));
  }
  // Recorded from the native build; the wasm SIMD and baseline builds run this same test.
  const std::vector<std::vector<int32_t>> golden = {
      {26145, 23500, 23599, 22302, 19754, 19161, 4564, 22342},
      {4725, 3564, 14267, 26402, 23264, 13782, 26870, 11807},
      {8638, 28003, 25869, 2106, 8210, 27537, 17876, 8210},
      {24284, 5682, 14267, 3759, 7100, 28676, 23264, 8638},
      {15139, 28701, 28653, 22038, 31981, 20736, 15698, 4993}};
  ref::check_golden(all, golden);
}
