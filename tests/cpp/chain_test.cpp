// The sampler chain against float64 references written from each stage's reference
// implementation (chain_reference.h): every filter alone, chains in the HF and llama.cpp orders,
// stateful stages (mirostat's mu, history for DRY / n-grams / bad words), XTC's and Gumbel's
// Philox draws, outputs (rank, raw top list, n distinct), clone, batches, half input, and golden
// sequences that every build must reproduce.
#include <doctest.h>

#include <cmath>
#include <map>
#include <set>
#include <vector>

#include "chain_check.h"
#include "chain_reference.h"
#include "golden.h"
#include "logitkit/dtype.h"
#include "logitkit/kernels.h"
#include "logitkit/sampler.h"
#include "logitkit/streams.h"
#include "reference.h"

using logitkit::Code;
using logitkit::SampleResult;
using logitkit::SamplingParams;
using logitkit::Stage;

namespace {

using rf::check;
using rf::Config;
using rf::observe;
using rf::Observed;

std::vector<float> fixture(size_t n, double sigma, uint64_t seed) {
  return ref::normal_logits(n, sigma, seed);
}

}  // namespace

TEST_CASE("each filter alone keeps its reference set (HF order, after temperature)") {
  for (size_t n : {7, 300, 3000}) {
    for (double sigma : {1.0, 3.0}) {
      const std::vector<float> z = fixture(n, sigma, 1000 + n);
      for (double t : {1.0, 0.7}) {
        for (int keep : {1, 3}) {
          auto base = [&] {
            Config su;
            su.p = {.temperature = t, .min_tokens_to_keep = keep, .seed = 11};
            return su;
          };
          INFO("n=" << n << " sigma=" << sigma << " T=" << t << " min_keep=" << keep);
          for (double v : {0.2, 0.5, 0.9, 0.99}) {
            Config su = base();
            su.p.typical_p = v;
            rf::run(su, z);
          }
          for (double v : {1e-4, 3e-3, 0.02, 0.2}) {
            Config su = base();
            su.p.epsilon_cutoff = v;
            rf::run(su, z);
            Config se = base();
            se.p.eta_cutoff = v;
            rf::run(se, z);
          }
          for (double v : {0.5, 1.0, 2.0}) {
            Config su = base();
            su.p.top_n_sigma = v;
            rf::run(su, z);
          }
          for (double range : {0.3, 0.9}) {
            for (double exponent : {0.5, 1.0, 2.0}) {
              Config su = base();
              su.p.dynatemp_range = range;
              su.p.dynatemp_exponent = exponent;
              su.p.top_k = 20;  // temperature changes the top list's logprobs, not the set: narrow
                                // it to see it
              rf::run(su, z);
            }
          }
          for (double v : {0.05, 0.2}) {
            Config su = base();
            su.p.top_k = 40;
            su.p.top_p = 0.9;
            su.p.min_p = v;
            rf::run(su, z);
          }
        }
      }
    }
  }
}

TEST_CASE(
    "XTC fires exactly when its Philox draw (stream 1) says so, and removes the reference tokens") {
  const std::vector<float> z = fixture(500, 3.0, 77);
  int fired = 0;
  for (uint64_t seed = 0; seed < 40; ++seed) {
    for (double threshold : {0.01, 0.05, 0.1}) {
      Config su;
      su.p = {.xtc_probability = 0.5, .xtc_threshold = threshold, .seed = seed};
      logitkit::Sampler s;
      REQUIRE(su.apply_to(s).ok());
      const Observed o = observe(s, z);
      const rf::List ref = rf::reference(su, z, {}, {}, 0, 0);
      check(o, ref);
      fired += ref.size() < z.size();
    }
  }
  CHECK(fired > 20);
  CHECK(fired < 100);
}

TEST_CASE(
    "chains of several filters match the reference chain, in the HF and the llama.cpp order") {
  const std::vector<float> z = fixture(4000, 2.5, 5);
  for (bool llama : {false, true}) {
    for (int variant = 0; variant < 6; ++variant) {
      Config su;
      if (llama) su.order = rf::llama_preset();
      su.p.seed = 100 + variant;
      su.p.temperature = 0.8;
      su.p.top_k = variant % 2 ? 0 : 200;
      su.p.top_p = 0.95;
      su.p.min_p = 0.01;
      su.p.typical_p = variant >= 2 ? 0.9 : 1.0;
      su.p.epsilon_cutoff = variant == 3 ? 1e-3 : 0;
      su.p.eta_cutoff = variant == 4 ? 1e-3 : 0;
      su.p.top_n_sigma = variant >= 4 ? 1.5 : -1;
      su.p.xtc_probability = variant == 5 ? 1.0 : 0;
      su.p.xtc_threshold = 0.02;
      su.p.min_tokens_to_keep = 2;
      INFO("llama=" << llama << " variant=" << variant);
      rf::run(su, z);
    }
  }
}

TEST_CASE(
    "mirostat v1 and v2: k / truncation from mu, mu updated by the surprise, reset to 2 tau") {
  const std::vector<float> z = fixture(2000, 2.0, 9);
  for (int mode : {1, 2}) {
    Config su;
    su.p = {
        .temperature = 0.9, .mirostat = mode, .mirostat_tau = 3.0, .mirostat_eta = 0.2, .seed = 4};
    logitkit::Sampler s;
    REQUIRE(su.apply_to(s).ok());
    double mu = 6.0;
    CHECK(s.mirostat_mu() == doctest::Approx(mu));
    for (int step = 0; step < 25; ++step) {
      const Observed o = observe(s, z);
      rf::List ref = rf::reference(su, z, {}, {}, mu, step);
      check(o, ref);
      rf::sort_desc(ref);
      const std::vector<double> p = rf::probs(ref);
      for (size_t i = 0; i < ref.size(); ++i) {
        if (ref[i].id == o.r.token) mu -= 0.2 * (-std::log2(p[i]) - 3.0);
      }
      CHECK(s.mirostat_mu() == doctest::Approx(mu).epsilon(1e-6));  // float weights vs float64
    }
    s.reset();
    CHECK(s.mirostat_mu() == 6.0);
  }
}

TEST_CASE(
    "processors: penalties, DRY, no-repeat n-gram, bad words, allowed tokens against their "
    "references") {
  const size_t n = 64;
  const std::vector<float> z = fixture(n, 1.5, 21);
  // A history with repeats: a b c d a b c x a b c ...
  std::vector<int32_t> h;
  for (int i = 0; i < 40; ++i) h.push_back(int32_t((i * 7) % 13 + (i % 9 == 0 ? 20 : 0)));
  for (int32_t t : {3, 10, 4, 11, 3, 10, 4}) h.push_back(t);
  {  // the fixtures exercise the references (a DRY penalty and n-gram bans do happen)
    std::vector<double> zz(z.begin(), z.end()), dry = zz, ngram = zz;
    rf::dry(dry, h, 1.0, 1.75, 2, -1, {});
    rf::no_repeat_ngram(ngram, h, 3);
    CHECK(dry != zz);
    CHECK(ngram != zz);
  }
  for (int ngram : {1, 2, 3, 4}) {
    Config su;
    su.p = {.no_repeat_ngram_size = ngram, .seed = 1};
    rf::run(su, z, {{}, h});
  }
  for (double mult : {0.8, 2.0}) {
    for (int allowed : {1, 2, 3}) {
      for (int last_n : {-1, 16, 5}) {
        for (int breakers = 0; breakers < 3; ++breakers) {
          Config su;
          su.p = {.dry_multiplier = mult,
                  .dry_base = 1.75,
                  .dry_allowed_length = allowed,
                  .dry_penalty_last_n = last_n,
                  .seed = 2};
          if (breakers >= 1) su.breakers.push_back({10});
          if (breakers >= 2) su.breakers.push_back({4, 11});
          INFO("mult=" << mult << " allowed=" << allowed << " last_n=" << last_n
                       << " breakers=" << breakers);
          rf::run(su, z, {{}, h});
        }
      }
    }
  }
  {
    Config su;
    su.bad_words = {{5}, {4, 11}, {10, 4, 12}, {3, 10, 4, 13}, {99 % n, 1}};
    su.p.seed = 3;
    rf::run(su, z, {{}, h});
  }
  {
    Config su;
    su.p = {.repetition_penalty = 1.3,
            .presence_penalty = 0.2,
            .frequency_penalty = 0.1,
            .penalty_last_n = 20,
            .seed = 4};
    su.allowed = {2, 5, 9, 33, 60};
    su.bias = {{5, 2.0f}, {9, -ref::kInf}};
    rf::run(su, z, {{}, h});
  }
  {
    Config su;  // every processor and several filters at once, llama.cpp order
    su.order = rf::llama_preset();
    su.bias = {{1, 1.5f}};
    su.bad_words = {{4, 11}};
    su.p.no_repeat_ngram_size = 3;
    su.p.repetition_penalty = 1.2;
    su.p.penalty_last_n = 32;
    su.p.dry_multiplier = 0.8;
    su.p.temperature = 0.7;
    su.p.top_k = 30;
    su.p.top_p = 0.9;
    su.p.seed = 5;
    rf::run(su, z, {{}, h});
  }
}

TEST_CASE("allowed tokens that are all banned, or out of range, are errors") {
  std::vector<float> z = {1, 2, 3};
  logitkit::Sampler s;
  SamplingParams p;
  REQUIRE(s.configure(p).ok());
  const int32_t allowed[] = {0, 1};
  REQUIRE(s.set_allowed(allowed, 2).ok());
  const int32_t bias_t[] = {0, 1};
  const float bias_v[] = {-ref::kInf, -ref::kInf};
  REQUIRE(s.set_bias(bias_t, bias_v, 2).ok());
  SampleResult r;
  CHECK(s.sample(z.data(), 3, &r).code == Code::kAllBanned);
  CHECK(z == std::vector<float>{1, 2, 3});
  const int32_t far[] = {7};
  REQUIRE(s.set_allowed(far, 1).ok());
  REQUIRE(s.set_bias(nullptr, nullptr, 0).ok());
  const logitkit::Status bad = s.sample(z.data(), 3, &r);
  CHECK(bad.code == Code::kBadListToken);
  CHECK(bad.index == 7);
}

TEST_CASE("configure rejects a bad order: a stage twice, or a processor after a filter") {
  logitkit::Sampler s;
  SamplingParams p;
  p.order_length = 2;
  p.order[0] = Stage::kTopK;
  p.order[1] = Stage::kTopK;
  CHECK(s.configure(p).code == Code::kBadOption);
  p.order[1] = Stage::kPenalties;
  CHECK(s.configure(p).code == Code::kBadOption);
  p.order[0] = Stage::kPenalties;
  p.order[1] = Stage::kTopK;
  CHECK(s.configure(p).ok());
}

TEST_CASE(
    "n distinct samples are the Gumbel top-k of the kept set with the documented Philox keys") {
  const std::vector<float> z = fixture(1000, 2.0, 31);
  SamplingParams p = {.temperature = 0.9, .top_k = 50, .seed = 12, .n_samples = 6};
  logitkit::Sampler s;
  REQUIRE(s.configure(p).ok());
  for (uint64_t call = 0; call < 5; ++call) {
    std::vector<float> row = z;
    std::vector<int32_t> tokens(6);
    std::vector<float> lps(6);
    SampleResult r;
    REQUIRE(s.sample(row.data(), row.size(), &r, {}, {tokens.data(), lps.data(), 6}).ok());
    CHECK(r.samples == 6);
    CHECK(r.token == tokens[0]);
    // Reference: keys (z - max) / T - log(-log u_i) over the top 50.
    Config su;
    su.p = p;
    rf::List ref = rf::reference(su, z, {}, {}, 0, call);
    rf::sort_desc(ref);
    std::vector<std::pair<double, int32_t>> keys;
    for (const rf::Cand& x : ref) {
      const double u =
          logitkit::uniform01_stream(p.seed, call, logitkit::Stream::kGumbel, uint32_t(x.id));
      keys.push_back({-((x.z - ref[0].z) - std::log(-std::log(u))), x.id});
    }
    std::sort(keys.begin(), keys.end());
    for (size_t j = 0; j < 6; ++j) CHECK(tokens[j] == keys[j].second);
    std::set<int32_t> distinct(tokens.begin(), tokens.end());
    CHECK(distinct.size() == 6);
  }
}

TEST_CASE("the top list can come from the raw distribution (logprobs_raw)") {
  std::vector<float> z = fixture(300, 2.0, 41);
  SamplingParams p = {.temperature = 0.5, .top_k = 3, .seed = 3, .logprobs_raw = true};
  logitkit::Sampler s;
  REQUIRE(s.configure(p).ok());
  std::vector<int32_t> idx(10), want_idx(10);
  std::vector<float> lp(10), want_lp(10);
  SampleResult r;
  REQUIRE(s.sample(z.data(), z.size(), &r, {idx.data(), lp.data(), 10}).ok());
  REQUIRE(
      logitkit::top_logprobs(z.data(), z.size(), 10, 1.0, want_idx.data(), want_lp.data()).ok());
  CHECK(idx == want_idx);
  CHECK(lp == want_lp);
}

TEST_CASE("clone: same history, mu and stream position, then independent") {
  const std::vector<float> z = fixture(3000, 1.5, 51);
  SamplingParams p = {.temperature = 0.9,
                      .top_p = 0.9,
                      .mirostat = 2,
                      .no_repeat_ngram_size = 3,
                      .repetition_penalty = 1.5,
                      .dry_multiplier = 0.5,
                      .seed = 8};
  logitkit::Sampler a;
  REQUIRE(a.configure(p).ok());
  for (int32_t t : {1, 2, 3, 1, 2}) REQUIRE(a.accept(t).ok());
  std::vector<float> row = z;
  SampleResult r;
  for (int i = 0; i < 5; ++i) REQUIRE(a.sample(row.data(), row.size(), &r).ok());
  logitkit::Sampler b;
  REQUIRE(a.clone_into(&b).ok());
  CHECK(b.mirostat_mu() == a.mirostat_mu());
  CHECK(b.history_size() == a.history_size());
  std::vector<int32_t> ta, tb;
  for (int i = 0; i < 10; ++i) {
    REQUIRE(a.sample(row.data(), row.size(), &r).ok());
    ta.push_back(r.token);
    REQUIRE(b.sample(row.data(), row.size(), &r).ok());
    tb.push_back(r.token);
  }
  CHECK(ta == tb);
  REQUIRE(a.accept(7).ok());  // diverge
  REQUIRE(a.sample(row.data(), row.size(), &r).ok());
  CHECK(a.history_size() == b.history_size() + 2);
}

TEST_CASE("sample_rows draws what each row's sampler draws alone") {
  const size_t n = 1000, rows = 3;
  std::vector<float> z;
  for (size_t r = 0; r < rows; ++r) {
    const std::vector<float> row = fixture(n, 2.0, 60 + r);
    z.insert(z.end(), row.begin(), row.end());
  }
  SamplingParams p = {.temperature = 0.8, .top_p = 0.9};
  logitkit::Sampler batch[rows], alone[rows];
  logitkit::Sampler* handles[rows];
  for (size_t r = 0; r < rows; ++r) {
    p.seed = 10 + r;
    REQUIRE(batch[r].configure(p).ok());
    REQUIRE(alone[r].configure(p).ok());
    handles[r] = &batch[r];
  }
  for (int step = 0; step < 4; ++step) {
    SampleResult results[rows];
    uint32_t failed = 99;
    REQUIRE(logitkit::sample_rows(handles, rows, z.data(), n, results, {}, {}, &failed).ok());
    for (size_t r = 0; r < rows; ++r) {
      std::vector<float> row(z.begin() + r * n, z.begin() + (r + 1) * n);
      SampleResult one;
      REQUIRE(alone[r].sample(row.data(), n, &one).ok());
      CHECK(one.token == results[r].token);
      CHECK(one.logprob == results[r].logprob);
    }
  }
}

TEST_CASE("float16 and bfloat16 words convert exactly") {
  const uint16_t half[] = {0x3C00, 0xC000, 0x7BFF, 0x0001, 0x03FF, 0x8000, 0x7C00, 0xFC00, 0x3555};
  const float want_half[] = {1.0f,  -2.0f,     65504.0f,   0x1p-24f,       0x3FFp-24f,
                             -0.0f, ref::kInf, -ref::kInf, 0.333251953125f};
  float out[9];
  logitkit::convert_half(half, 9, logitkit::DType::kFloat16, out);
  for (int i = 0; i < 9; ++i) CHECK(out[i] == want_half[i]);
  CHECK(std::signbit(out[5]));
  const uint16_t nan16 = 0x7E00;
  logitkit::convert_half(&nan16, 1, logitkit::DType::kFloat16, out);
  CHECK(std::isnan(out[0]));
  const uint16_t bf[] = {0x3F80, 0xC040, 0x7F80, 0x0001, 0x4049};
  const float want_bf[] = {1.0f, -3.0f, ref::kInf, 0x1p-133f, 3.140625f};
  logitkit::convert_half(bf, 5, logitkit::DType::kBFloat16, out);
  for (int i = 0; i < 5; ++i) CHECK(out[i] == want_bf[i]);
}

TEST_CASE(
    "golden sequences with every stage: every build (wasm SIMD, wasm baseline, native) draws the "
    "same tokens") {
  const std::vector<float> z = ref::grid_logits(32000, 4242);
  struct Golden {
    bool llama;
    int variant;
    std::vector<int32_t> tokens;
  };
  auto configure = [](Config& su, int variant) {
    su.p.seed = 987654321 + variant;
    su.bias = {{17, 3.0f}, {42, -ref::kInf}};
    su.p.repetition_penalty = 1.2;
    su.p.presence_penalty = 0.3;
    su.p.frequency_penalty = 0.1;
    su.p.no_repeat_ngram_size = variant == 0 ? 2 : 0;
    su.bad_words = {{100, 101}, {7}};
    su.p.dry_multiplier = 0.8;
    su.breakers = {{5}};
    su.p.temperature = 0.8;
    su.p.dynatemp_range = variant == 1 ? 0.3 : 0;
    su.p.top_k = variant == 2 ? 0 : 400;
    su.p.top_p = 0.97;
    su.p.min_p = 0.002;
    su.p.typical_p = variant == 3 ? 0.95 : 1;
    su.p.epsilon_cutoff = variant == 4 ? 1e-4 : 0;
    su.p.eta_cutoff = variant == 5 ? 1e-4 : 0;
    su.p.top_n_sigma = variant == 6 ? 2.5 : -1;
    su.p.xtc_probability = variant == 7 ? 0.5 : 0;
    su.p.xtc_threshold = 0.001;
    su.p.mirostat = variant == 8 ? 2 : variant == 9 ? 1 : 0;
    su.p.n_samples = variant == 10 ? 3 : 1;
  };
  std::vector<std::vector<int32_t>> all;
  for (bool llama : {false, true}) {
    for (int variant = 0; variant < 11; ++variant) {
      Config su;
      if (llama) su.order = rf::llama_preset();
      configure(su, variant);
      logitkit::Sampler s;
      REQUIRE(su.apply_to(s).ok());
      std::vector<int32_t> dst(3);
      std::vector<float> dlp(3);
      all.push_back(ref::draw_tokens(s, z, 8, {dst.data(), dlp.data(), 3}));
    }
  }
  // Recorded from the native build; the wasm SIMD and baseline builds run this same test.
  const std::vector<std::vector<int32_t>> golden = {
      {2860, 20805, 25583, 27847, 586, 9241, 28041, 22325},
      {12190, 29865, 27577, 3489, 13749, 12977, 2448, 7183},
      {21666, 17, 24900, 9686, 29020, 22545, 23896, 31787},
      {5526, 17428, 3019, 19570, 13749, 12354, 20495, 19115},
      {9212, 8108, 17872, 19880, 28194, 9241, 19325, 1287},
      {17, 20229, 26515, 27278, 23841, 26076, 29666, 17},
      {17, 17, 17, 907, 17, 17, 14747, 17},
      {31087, 27981, 9484, 2553, 8631, 22842, 31084, 1650},
      {9972, 27742, 25669, 5247, 17, 8227, 28019, 17},
      {6758, 17, 5770, 28019, 9839, 1523, 16350, 2860},
      {24331, 5770, 19464, 29548, 27694, 17, 9038, 27147},
      {2860, 20805, 25583, 27847, 586, 9241, 28019, 22287},
      {12638, 29865, 27599, 4044, 13960, 13131, 2733, 7936},
      {21690, 17, 24921, 9706, 29023, 22544, 23896, 31787},
      {5730, 17371, 3033, 19570, 13760, 12564, 20495, 18985},
      {9241, 8108, 17655, 19880, 28194, 9282, 19325, 1287},
      {17, 20229, 26515, 27278, 23841, 26076, 29666, 17},
      {29666, 24516, 13760, 17, 4044, 13602, 14279, 28041},
      {31087, 27981, 9468, 2665, 31084, 22588, 10420, 1685},
      {9972, 27742, 25669, 5034, 17, 8227, 28019, 17},
      {6758, 17, 5770, 28019, 9839, 1523, 16350, 2860},
      {24331, 5770, 19464, 29548, 27694, 17, 9038, 27147}};
  ref::check_golden(all, golden);
}

TEST_CASE("the history stays bounded unless a stage reads all of it") {
  SamplingParams p;
  p.repetition_penalty = 1.1;  // penalties over 64
  logitkit::Sampler windowed, plain, unbounded;
  REQUIRE(windowed.configure(p).ok());
  REQUIRE(plain.configure(SamplingParams{}).ok());
  p.no_repeat_ngram_size = 3;  // HF reads the whole history
  REQUIRE(unbounded.configure(p).ok());
  for (int i = 0; i < 10000; ++i) {
    REQUIRE(windowed.accept(i % 97).ok());
    REQUIRE(plain.accept(i % 97).ok());
    REQUIRE(unbounded.accept(i % 97).ok());
  }
  CHECK(windowed.history_size() <= 2 * 64 + 64);
  CHECK(windowed.history_size() >= 64);
  CHECK(plain.history_size() <= 64);
  CHECK(unbounded.history_size() == 10000);
}
