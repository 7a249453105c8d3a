// The sampler: the generator, each filter's kept set, logprobs, the draw's distribution, bias,
// penalties, errors, and a golden sequence that every build must reproduce.
#include <doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "logitkit/accuracy.h"
#include "logitkit/kernels.h"
#include "logitkit/rng.h"
#include "logitkit/sampler.h"
#include "reference.h"

using logitkit::Code;
using logitkit::SampleResult;
using logitkit::SamplingParams;

namespace {

// Float64 reference for the kept set: returns how many of the order's first tokens are kept.
size_t reference_kept(const std::vector<float>& z, const SamplingParams& p) {
  const std::vector<int32_t> ord = ref::order(z);
  const std::vector<double> prob = ref::softmax(z, p.temperature);
  const size_t n = z.size();
  const size_t keep_min = std::min<size_t>(std::max(p.min_tokens_to_keep, 1), n);
  size_t kept = n;
  if (p.top_k > 0 && size_t(p.top_k) < n) kept = std::max<size_t>(p.top_k, keep_min);
  if (p.top_p < 1) {
    double mass = 0, cum = 0;
    for (size_t j = 0; j < kept; ++j) mass += prob[ord[j]];
    size_t len = kept;
    for (size_t j = 0; j < kept; ++j) {
      cum += prob[ord[j]];
      if (cum >= p.top_p * mass) {
        len = j + 1;
        break;
      }
    }
    kept = std::min(kept, std::max(len, keep_min));
  }
  if (p.min_p > 0) {
    size_t c = 0;
    while (c < kept && prob[ord[c]] >= p.min_p * prob[ord[0]]) ++c;
    if (c < kept) kept = std::max(c, keep_min);
  }
  return kept;
}

// One top-p draw over z keeps exactly the float64 reference's nucleus.
void check_nucleus_is_exact(std::vector<float> z, double top_p, uint64_t seed) {
  SamplingParams p = {.top_p = top_p, .seed = seed};
  logitkit::Sampler s;
  s.configure(p);
  SampleResult r;
  REQUIRE(s.sample(z.data(), z.size(), &r).ok());
  CHECK(r.kept == reference_kept(z, p));
}

// Chi-square statistic of observed counts against probabilities (cells with p > 0).
double chi_square(const std::vector<int>& counts, const std::vector<double>& p, int draws) {
  double chi = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] > 0)
      chi += (counts[i] - draws * p[i]) * (counts[i] - draws * p[i]) / (draws * p[i]);
    else
      CHECK(counts[i] == 0);
  }
  return chi;
}
}  // namespace

TEST_CASE("Philox4x32-10 matches the Random123 known-answer vectors") {
  struct KnownAnswer {
    logitkit::Philox4x32 counter;
    uint32_t k0, k1;
    uint32_t want[4];
  };
  const KnownAnswer answers[] = {
      {{{0, 0, 0, 0}}, 0, 0, {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}},
       0xffffffffu,
       0xffffffffu,
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}},
       0xa4093822u,
       0x299f31d0u,
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for (const KnownAnswer& a : answers) {
    const logitkit::Philox4x32 r = logitkit::philox4x32_10(a.counter, a.k0, a.k1);
    for (int i = 0; i < 4; ++i) CHECK(r.word[i] == a.want[i]);
  }
}

TEST_CASE("the filters keep exactly the reference prefix, and logprobs match float64") {
  struct Case {
    double t;
    int32_t k;
    double top_p, min_p;
    int32_t keep;
  };
  const Case cases[] = {{1, 0, 1, 0, 1},      {0.8, 0, 0.95, 0, 1}, {0.8, 50, 1, 0, 1},
                        {1, 40, 0.9, 0, 1},   {0.7, 0, 1, 0.05, 1}, {1.3, 0, 0.5, 0.1, 1},
                        {1, 10, 0.3, 0.2, 5}, {1, 0, 1e-6, 0, 1},   {1, 0, 1e-6, 0, 3},
                        {2, 0, 0.999, 0, 1},  {1, 3, 1, 0.9, 1}};
  for (size_t n : {1, 2, 5, 17, 300, 5000}) {
    for (double sigma : {0.3, 3.0}) {  // flat (wide nucleus) and peaked
      std::vector<float> z = ref::normal_logits(n, sigma, 17 * n);
      for (size_t i = 0; i < n; i += 11) z[i] = z[0];  // ties at every level
      for (const Case& c : cases) {
        SamplingParams p = {.temperature = c.t,
                            .top_k = c.k,
                            .top_p = c.top_p,
                            .min_p = c.min_p,
                            .min_tokens_to_keep = c.keep,
                            .seed = 99};
        logitkit::Sampler s;
        s.configure(p);
        std::vector<int32_t> top_idx(n);
        std::vector<float> top_lp(n);
        SampleResult r;
        REQUIRE(s.sample(z.data(), n, &r, {top_idx.data(), top_lp.data(), uint32_t(n)}).ok());
        const size_t want_kept = reference_kept(z, p);
        INFO("n=" << n << " sigma=" << sigma << " T=" << c.t << " k=" << c.k << " p=" << c.top_p
                  << " minp=" << c.min_p);
        CHECK(r.kept == want_kept);
        const std::vector<int32_t> ord = ref::order(z);
        const std::vector<double> prob = ref::softmax(z, c.t);
        double kept_mass = 0;
        for (size_t j = 0; j < want_kept; ++j) kept_mass += prob[ord[j]];
        bool token_kept = false;
        for (size_t j = 0; j < want_kept; ++j) token_kept |= ord[j] == r.token;
        CHECK(token_kept);
        const double tolerance = logitkit::accuracy::kSampleLogprobAbsoluteError;
        CHECK(std::fabs(r.logprob - std::log(prob[r.token] / kept_mass)) <= tolerance);
        CHECK(std::fabs(r.raw_logprob - (double(z[r.token]) - ref::log_sum_exp(z, 1))) <=
              tolerance);
        for (size_t j = 0; j < n; ++j) {
          CHECK(top_idx[j] == ord[j]);
          if (j < want_kept)
            CHECK(std::fabs(top_lp[j] - std::log(prob[ord[j]] / kept_mass)) <= 2e-5);
          else
            CHECK(top_lp[j] == -ref::kInf);
        }
      }
    }
  }
}

TEST_CASE("a wide nucleus is exact even when the strided estimate is misled") {
  // Every 24th token (the estimator's stride at n = 50000) is high, so the sample sees only those;
  // the true nucleus reaches far into the low tokens and the bracket must widen.
  const size_t n = 50000;
  std::vector<float> z(n);
  for (size_t i = 0; i < n; ++i) z[i] = i % 24 == 0 ? 3.0f : static_cast<float>(i % 7) * 0.01f;
  for (double top_p : {0.3, 0.9, 0.999}) check_nucleus_is_exact(z, top_p, 5);
}

TEST_CASE("a wide nucleus over ties is exact: all-equal logits, two values, +0 mixed with -0") {
  // These take the wide-nucleus path with brackets of one or two logit values; +0 and -0 tie in
  // the order (then by index), so a -0 may not sort after every +0.
  const size_t n = 20000;
  std::vector<std::vector<float>> rows(4, std::vector<float>(n));
  for (size_t i = 0; i < n; ++i) {
    rows[0][i] = 1.5f;
    rows[1][i] = i % 3 == 0 ? 2.0f : 1.0f;
    rows[2][i] = i % 2 == 0 ? 0.0f : -0.0f;
    rows[3][i] = i % 5 == 0 ? -0.0f : (i % 5 == 1 ? 0.0f : (i % 5 == 2 ? 0.25f : -0.25f));
  }
  for (std::vector<float>& z : rows) {
    for (double top_p :
         {0.2, 0.5, 0.6, 0.65, 0.66, 0.67, 0.95}) {  // 0.6-0.67: row 3 ends near its 0 group
      SamplingParams p = {.top_p = top_p, .seed = 8};
      logitkit::Sampler s;
      s.configure(p);
      SampleResult r;
      REQUIRE(s.sample(z.data(), n, &r).ok());
      INFO("row " << (&z - rows.data()) << ", topP " << top_p);
      CHECK(r.kept == reference_kept(z, p));
      const std::vector<int32_t> ord = ref::order(z);
      bool token_kept = false;
      for (size_t j = 0; j < r.kept; ++j) token_kept |= ord[j] == r.token;
      CHECK(token_kept);
    }
  }
}

TEST_CASE(
    "regression (fuzz): a wide nucleus over denormal logits, whose width has no finite scale") {
  // The estimate groups its sample into buckets of equal logit width: 255 / width overflowed to
  // infinity for denormal widths, and the bucket of the top logit was 0 * inf = NaN (a bucket
  // index far outside its array). At T = 1 the row is nearly uniform, so the nucleus is wide.
  const size_t n = 20000;
  const float tiny = std::numeric_limits<float>::denorm_min();
  std::vector<float> z(n);
  for (size_t i = 0; i < n; ++i) z[i] = static_cast<float>(i % 13) * tiny;
  for (double top_p : {0.3, 0.9}) check_nucleus_is_exact(z, top_p, 3);
}

TEST_CASE("draw frequencies follow the filtered distribution (chi-square)") {
  const std::vector<float> z = {2.0f,  1.5f,  1.0f,       0.5f,  0.0f,
                                -0.5f, -1.0f, -ref::kInf, 0.25f, 1.25f};
  struct Case {
    double t, top_p;
    int32_t k;
  };
  for (const Case c : {Case{1, 1, 0}, Case{0.8, 0.9, 0}, Case{1.5, 1, 4}}) {
    SamplingParams p = {.temperature = c.t, .top_k = c.k, .top_p = c.top_p, .seed = 2024};
    logitkit::Sampler s;
    s.configure(p);
    const int draws = 40000;
    std::vector<int> counts(z.size(), 0);
    std::vector<float> row = z;
    for (int d = 0; d < draws; ++d) {
      SampleResult r;
      REQUIRE(s.sample(row.data(), row.size(), &r).ok());
      ++counts[r.token];
    }
    // Expected: the reference kept prefix, renormalised.
    const std::vector<double> prob = ref::softmax(z, c.t);
    const std::vector<int32_t> ord = ref::order(z);
    const size_t kept = reference_kept(z, p);
    std::vector<double> expected(z.size(), 0.0);
    double mass = 0;
    for (size_t j = 0; j < kept; ++j) mass += prob[ord[j]];
    for (size_t j = 0; j < kept; ++j) expected[ord[j]] = prob[ord[j]] / mass;
    // 9 degrees of freedom at most; 27.88 is the 0.999 quantile, so a correct sampler fails 1 in
    // 1000.
    CHECK(chi_square(counts, expected, draws) < 27.88);
  }
}

TEST_CASE("the same seed reproduces; reset restarts the stream; another seed differs") {
  const std::vector<float> z = ref::normal_logits(1000, 1.0, 3);
  SamplingParams p = {.temperature = 0.9, .top_p = 0.95, .seed = 7};
  logitkit::Sampler a, b;
  a.configure(p);
  b.configure(p);
  std::vector<float> row = z;
  std::vector<int32_t> first, second, third;
  for (int i = 0; i < 50; ++i) {
    SampleResult r;
    REQUIRE(a.sample(row.data(), row.size(), &r).ok());
    first.push_back(r.token);
    REQUIRE(b.sample(row.data(), row.size(), &r).ok());
    second.push_back(r.token);
  }
  CHECK(first == second);
  a.reset();
  for (int i = 0; i < 50; ++i) {
    SampleResult r;
    REQUIRE(a.sample(row.data(), row.size(), &r).ok());
    third.push_back(r.token);
  }
  CHECK(first == third);
  CHECK(row == z);  // the caller's logits are unchanged
  p.seed = 8;
  a.configure(p);
  a.reset();
  std::vector<int32_t> other;
  for (int i = 0; i < 50; ++i) {
    SampleResult r;
    REQUIRE(a.sample(row.data(), row.size(), &r).ok());
    other.push_back(r.token);
  }
  CHECK(other != first);
}

TEST_CASE("golden sequence: every build (wasm SIMD, wasm baseline, native) draws the same tokens") {
  std::vector<float> z = ref::grid_logits(50000, 31337);
  SamplingParams p = {.temperature = 0.8,
                      .top_p = 0.95,
                      .min_p = 0.001,
                      .repetition_penalty = 1.3,
                      .presence_penalty = 0.5,
                      .seed = 123456789};
  logitkit::Sampler s;
  s.configure(p);
  const int32_t bias_tokens[] = {17, 42};
  const float bias_values[] = {4.0f, -ref::kInf};
  REQUIRE(s.set_bias(bias_tokens, bias_values, 2).ok());
  std::vector<int32_t> tokens;
  for (int i = 0; i < 12; ++i) {
    SampleResult r;
    REQUIRE(s.sample(z.data(), z.size(), &r).ok());
    tokens.push_back(r.token);
  }
  // Recorded from the native build; the wasm SIMD and baseline builds run this same test.
  const std::vector<int32_t> golden = {6823,  24570, 4397,  21026, 47577, 38554,
                                       18251, 43809, 43663, 3192,  35312, 46145};
  CHECK(tokens == golden);
}

TEST_CASE("greedy (T = 0) returns the first maximum with logprob 0") {
  const std::vector<float> z = {1, 4, 2, 4};
  SamplingParams p;
  p.temperature = 0;
  logitkit::Sampler s;
  s.configure(p);
  std::vector<float> row = z;
  SampleResult r;
  REQUIRE(s.sample(row.data(), 4, &r).ok());
  CHECK(r.token == 1);
  CHECK(r.logprob == 0);
  CHECK(r.raw_logprob == doctest::Approx(double(z[1]) - ref::log_sum_exp(z, 1)));
}

TEST_CASE("logit bias is added before everything; -Infinity bans; banning everything is an error") {
  std::vector<float> z = {5, 0, 0};
  logitkit::Sampler s;
  SamplingParams p;
  p.temperature = 0;
  s.configure(p);
  const int32_t t1[] = {0, 2};
  const float b1[] = {-ref::kInf, 1};
  REQUIRE(s.set_bias(t1, b1, 2).ok());
  SampleResult r;
  REQUIRE(s.sample(z.data(), 3, &r).ok());
  CHECK(r.token == 2);
  CHECK(z == std::vector<float>{5, 0, 0});
  const int32_t t2[] = {0, 1, 2};
  const float b2[] = {-ref::kInf, -ref::kInf, -ref::kInf};
  REQUIRE(s.set_bias(t2, b2, 3).ok());
  CHECK(s.sample(z.data(), 3, &r).code == Code::kAllBanned);
  CHECK(z == std::vector<float>{5, 0, 0});
  const int32_t t3[] = {7};
  const float b3[] = {1};
  REQUIRE(s.set_bias(t3, b3, 1).ok());
  const logitkit::Status bad = s.sample(z.data(), 3, &r);
  CHECK(bad.code == Code::kBadToken);
  CHECK(bad.index == 7);
}

TEST_CASE("penalties follow HF/llama.cpp (repetition) and OpenAI (presence, frequency)") {
  // Logits 2 and -2 for tokens 0 and 1, token 2 at 0. Token 0 seen twice, token 1 once.
  std::vector<float> z = {2, -2, 0, 1.9f};
  SamplingParams p = {.temperature = 1,
                      .repetition_penalty = 2,
                      .presence_penalty = 0.25,
                      .frequency_penalty = 0.125,
                      .penalty_last_n = 3};
  logitkit::Sampler s;
  s.configure(p);
  for (int32_t t : {3, 0, 0, 1}) REQUIRE(s.accept(t).ok());  // window of 3: {0, 0, 1}
  std::vector<int32_t> idx(4);
  std::vector<float> lp(4);
  SampleResult r;
  REQUIRE(s.sample(z.data(), 4, &r, {idx.data(), lp.data(), 4}).ok());
  // token 0: 2/2 - 0.25 - 2*0.125 = 0.5; token 1: -2*2 - 0.25 - 0.125 = -4.375; 2: 0; 3: 1.9
  const std::vector<float> patched = {0.5f, -4.375f, 0, 1.9f};
  const double lse = ref::log_sum_exp(patched, 1);
  CHECK(idx == std::vector<int32_t>{3, 0, 2, 1});
  CHECK(lp[0] == doctest::Approx(1.9 - lse).epsilon(1e-6));
  CHECK(lp[1] == doctest::Approx(0.5 - lse).epsilon(1e-6));
  CHECK(lp[3] == doctest::Approx(-4.375 - lse).epsilon(1e-6));
  CHECK(z == std::vector<float>{2, -2, 0, 1.9f});
}

TEST_CASE("the sampler reports invalid logits like every kernel") {
  std::vector<float> z = {0, 1, std::numeric_limits<float>::quiet_NaN()};
  logitkit::Sampler s;
  SampleResult r;
  const logitkit::Status st = s.sample(z.data(), 3, &r);
  CHECK(st.code == Code::kNaN);
  CHECK(st.index == 2);
}

TEST_CASE("a history id outside the vocabulary is refused where it is given, and named") {
  SamplingParams p;
  p.repetition_penalty = 1.5;  // a stage that reads the history
  logitkit::Sampler s;
  s.configure(p);
  std::vector<float> z = {1, 2, 3};
  SampleResult r;
  // Before the first draw the vocabulary is unknown: any id >= 0 is recorded, and a draw over
  // fewer logits names the history's id (not a bias key) until reset().
  CHECK(s.accept(-1).code == Code::kBadHistoryToken);
  REQUIRE(s.accept(7).ok());
  for (int attempt = 0; attempt < 2; ++attempt) {
    const logitkit::Status bad = s.sample(z.data(), 3, &r);
    CHECK(bad.code == Code::kBadHistoryToken);
    CHECK(bad.index == 7);
  }
  CHECK(z == std::vector<float>{1, 2, 3});
  s.reset();
  REQUIRE(s.sample(z.data(), 3, &r).ok());
  // From then on accept() refuses ids at or beyond the last draw's n, and records nothing.
  const logitkit::Status refused = s.accept(3);
  CHECK(refused.code == Code::kBadHistoryToken);
  CHECK(refused.index == 3);
  CHECK(s.history_size() == 1);
  CHECK(s.accept(2).ok());
  CHECK(s.history_size() == 2);
  // A clone keeps the rule.
  logitkit::Sampler copy;
  REQUIRE(s.clone_into(&copy).ok());
  CHECK(copy.accept(3).code == Code::kBadHistoryToken);
}
