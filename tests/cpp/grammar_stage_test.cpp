// The sampler's grammar stage (cpp/src/stages/grammar.cpp): a token bitmask applied before every
// other stage. Its oracle is the chain itself on a row whose disallowed logits were set to
// -Infinity beforehand: same token, logprob, kept count, rank and top list (rawLogprob is the
// unmasked row's), for sparse masks (list form), dense ones (patched prefix form), masks shorter
// than the row, and with penalties, biases, allowed tokens and filters after it. Then errors, and
// golden constrained sequences that every build (native, wasm SIMD, wasm baseline) reproduces.
#include <doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "golden.h"
#include "logitkit/kernels.h"
#include "logitkit/sampler.h"
#include "reference.h"

using logitkit::Code;
using logitkit::SampleResult;
using logitkit::SamplingParams;
using logitkit::Stage;

namespace {

using Mask = std::vector<uint32_t>;

Mask mask_of(size_t n, bool (*allowed)(size_t)) {
  Mask m((n + 31) / 32, 0);
  for (size_t id = 0; id < n; ++id)
    if (allowed(id)) m[id >> 5] |= 1u << (id & 31);
  return m;
}

bool mask_allows(const Mask& m, size_t id) {
  return (id >> 5) < m.size() && ((m[id >> 5] >> (id & 31)) & 1u) != 0;
}

logitkit::Status set_mask(logitkit::Sampler& s, const Mask& m) {
  return s.set_list(Stage::kGrammar, {reinterpret_cast<const int32_t*>(m.data()), nullptr, nullptr,
                                      static_cast<uint32_t>(m.size())});
}

struct Draw {
  SampleResult r;
  std::vector<int32_t> top_ids;
  std::vector<float> top_lp;
};

Draw draw(logitkit::Sampler& s, std::vector<float> z, uint32_t top = 16) {
  Draw d;
  d.top_ids.resize(top);
  d.top_lp.resize(top);
  REQUIRE(s.sample(z.data(), z.size(), &d.r, {d.top_ids.data(), d.top_lp.data(), top}).ok());
  return d;
}

void configure_pair(logitkit::Sampler& a, logitkit::Sampler& b, const SamplingParams& p,
                    const std::vector<int32_t>& bias_tokens, const std::vector<float>& biases,
                    const std::vector<int32_t>& allowed) {
  for (logitkit::Sampler* s : {&a, &b}) {
    REQUIRE(s->set_bias(bias_tokens.data(), biases.data(), uint32_t(bias_tokens.size())).ok());
    REQUIRE(s->set_allowed(allowed.data(), uint32_t(allowed.size())).ok());
    REQUIRE(s->configure(p).ok());
  }
}

// `masked` (with the grammar) against `plain` (no grammar, fed the row masked by hand), along a
// few draws with the same history.
void check_against_premasked(const SamplingParams& p, const Mask& m,
                             const std::vector<int32_t>& bias_tokens = {},
                             const std::vector<float>& biases = {},
                             const std::vector<int32_t>& allowed = {}) {
  const std::vector<float> z = ref::normal_logits(3000, 2.0, p.seed + 77);
  std::vector<float> premasked = z;
  for (size_t id = 0; id < z.size(); ++id)
    if (!mask_allows(m, id)) premasked[id] = -ref::kInf;
  logitkit::Sampler masked, plain, unmasked;
  configure_pair(masked, plain, p, bias_tokens, biases, allowed);
  REQUIRE(set_mask(masked, m).ok());
  for (int step = 0; step < 6; ++step) {
    const Draw a = draw(masked, z);
    const Draw b = draw(plain, premasked);
    CHECK(a.r.token == b.r.token);
    // The list form sums the kept mass in another order than the prefix form: rounding apart.
    CHECK(std::fabs(a.r.logprob - b.r.logprob) <= 1e-6);
    CHECK(a.r.kept == b.r.kept);
    CHECK(a.r.rank == b.r.rank);
    // The top list's kept tokens (entries past them are filtered ones, at -Infinity, whose order
    // the contract leaves open).
    CHECK(a.top_lp == b.top_lp);
    for (size_t j = 0; j < a.top_ids.size() && a.top_lp[j] != -ref::kInf; ++j)
      CHECK(a.top_ids[j] == b.top_ids[j]);
    CHECK(mask_allows(m, static_cast<size_t>(a.r.token)));
    // rawLogprob is read before every stage: the unmasked row's.
    double lse = 0;
    REQUIRE(logitkit::log_sum_exp(z.data(), z.size(), 1.0, &lse).ok());
    CHECK(std::fabs(a.r.raw_logprob - (z[static_cast<size_t>(a.r.token)] - lse)) <= 1e-5);
  }
}

}  // namespace

TEST_CASE("grammar stage: draws what the chain draws on the row masked beforehand") {
  const Mask sparse = mask_of(3000, [](size_t id) { return id % 37 == 5 || id == 2999; });
  const Mask dense = mask_of(3000, [](size_t id) { return id % 5 != 0; });
  const Mask all = mask_of(3000, [](size_t) { return true; });
  const Mask short_mask = mask_of(2048, [](size_t id) { return id % 3 != 0; });  // ids >= 2048: no
  for (const Mask* m : {&sparse, &dense, &all, &short_mask}) {
    SamplingParams p;
    p.seed = 11;
    check_against_premasked(p, *m);
    p.temperature = 0.7;
    p.top_k = 40;
    p.top_p = 0.9;
    p.seed = 12;
    check_against_premasked(p, *m);
    SamplingParams q;  // processors after the grammar: a bias cannot bring a disallowed token back
    q.repetition_penalty = 1.3;
    q.presence_penalty = 0.5;
    q.penalty_last_n = 16;
    q.min_p = 0.01;
    q.seed = 13;
    check_against_premasked(q, *m, {0, 5, 42, 1000}, {50.0f, 2.0f, 30.0f, -1.0f});
    for (size_t i = 0; i < logitkit::kStageCount; ++i) q.order[i] = logitkit::kOrderLlamaCpp[i];
    q.order_length = logitkit::kStageCount;
    q.typical_p = 0.95;
    q.seed = 14;
    check_against_premasked(q, *m, {5, 42}, {3.0f, 9.0f});
    SamplingParams r;  // allowed tokens intersect the grammar's list
    r.seed = 15;
    check_against_premasked(r, *m, {}, {}, {5, 42, 190, 1000, 1001, 2999});
  }
}

TEST_CASE("grammar stage: errors, detaching, and the order") {
  logitkit::Sampler s;
  REQUIRE(s.configure({}).ok());
  std::vector<float> z = ref::normal_logits(100, 1.0, 3);
  const Mask none(4, 0);
  REQUIRE(set_mask(s, none).ok());
  SampleResult r;
  CHECK(s.sample(z.data(), z.size(), &r).code == Code::kAllBanned);
  // Allowed tokens whose logits are all -Infinity: nothing left either.
  Mask one(4, 0);
  one[0] = 1u << 7;
  REQUIRE(set_mask(s, one).ok());
  z[7] = -ref::kInf;
  CHECK(s.sample(z.data(), z.size(), &r).code == Code::kAllBanned);
  z[7] = 0;
  REQUIRE(s.sample(z.data(), z.size(), &r).ok());
  CHECK(r.token == 7);
  // The grammar is first in both presets, and a custom order that lacks it gets it first, whether
  // the mask is set before configure() or after it.
  Stage active[logitkit::kStageCount];
  REQUIRE(s.active_stages(active) >= 1);
  CHECK(active[0] == Stage::kGrammar);
  CHECK(logitkit::kOrderHF[0] == Stage::kGrammar);
  CHECK(logitkit::kOrderLlamaCpp[0] == Stage::kGrammar);
  SamplingParams p;
  p.top_k = 1;
  p.order[0] = Stage::kTopK;
  p.order_length = 1;
  REQUIRE(s.configure(p).ok());
  REQUIRE(s.active_stages(active) == 2);
  CHECK(active[0] == Stage::kGrammar);
  CHECK(active[1] == Stage::kTopK);
  z[7] = -5;  // top-k alone would keep the row's argmax; the grammar allows only token 7
  REQUIRE(s.sample(z.data(), z.size(), &r).ok());
  CHECK(r.token == 7);
  logitkit::Sampler later;
  REQUIRE(later.configure(p).ok());
  REQUIRE(set_mask(later, one).ok());
  REQUIRE(later.sample(z.data(), z.size(), &r).ok());
  CHECK(r.token == 7);
  // count 0 detaches it; sequences are not a mask.
  REQUIRE(set_mask(s, {}).ok());
  CHECK(s.configure(p).ok());
  REQUIRE(s.active_stages(active) == 1);
  CHECK(active[0] == Stage::kTopK);
  const int32_t words[] = {1, 2};
  const uint32_t lengths[] = {2};
  CHECK(s.set_list(Stage::kGrammar, {words, lengths, nullptr, 1}).code == Code::kBadOption);
}

TEST_CASE("grammar stage: a clone keeps the mask, reset keeps it too (the wrapper refills it)") {
  const Mask m = mask_of(500, [](size_t id) { return id % 11 == 3; });
  std::vector<float> z = ref::normal_logits(500, 1.5, 9);
  logitkit::Sampler s, c;
  SamplingParams p;
  p.seed = 5;
  REQUIRE(s.configure(p).ok());
  REQUIRE(set_mask(s, m).ok());
  REQUIRE(s.clone_into(&c).ok());
  const Draw a = draw(s, z), b = draw(c, z);
  CHECK(a.r.token == b.r.token);
  CHECK(a.r.token % 11 == 3);
  s.reset();
  CHECK(draw(s, z).r.token % 11 == 3);
}

TEST_CASE(
    "golden constrained sequences: every build (wasm SIMD, wasm baseline, native) draws the same "
    "tokens") {
  // A small token-level automaton over a 32000-token vocabulary stands in for a grammar: state 0
  // allows ids = 0 mod 7 (sparse: list form), state 1 every id not = 0 mod 3 (dense: patched
  // form), state 2 five ids; the drawn token picks the next state.
  const size_t n = 32000;
  const std::vector<float> z = ref::grid_logits(n, 777);
  const Mask masks[3] = {
      mask_of(n, [](size_t id) { return id % 7 == 0; }),
      mask_of(n, [](size_t id) { return id % 3 != 0; }),
      mask_of(n,
              [](size_t id) {
                return id == 3 || id == 99 || id == 1234 || id == 20000 || id == 31999;
              }),
  };
  std::vector<std::vector<int32_t>> all;
  for (int variant = 0; variant < 4; ++variant) {
    SamplingParams p = {.temperature = variant == 1 ? 0.6 : 1.0,
                        .top_k = variant == 2 ? 50 : 0,
                        .top_p = variant == 2 ? 0.9 : 1.0,
                        .min_p = variant == 3 ? 0.001 : 0.0,
                        .repetition_penalty = variant == 3 ? 1.4 : 1.0,
                        .seed = static_cast<uint64_t>(2026 + variant)};
    if (variant == 3) {
      for (size_t i = 0; i < logitkit::kStageCount; ++i) p.order[i] = logitkit::kOrderLlamaCpp[i];
      p.order_length = logitkit::kStageCount;
    }
    logitkit::Sampler s;
    REQUIRE(s.configure(p).ok());
    int state = 0;
    std::vector<int32_t> tokens;
    for (int i = 0; i < 12; ++i) {
      REQUIRE(set_mask(s, masks[state]).ok());
      std::vector<float> row = z;
      SampleResult r;
      REQUIRE(s.sample(row.data(), row.size(), &r).ok());
      CHECK(mask_allows(masks[state], static_cast<size_t>(r.token)));
      tokens.push_back(r.token);
      state = static_cast<int>(static_cast<uint32_t>(r.token) % 3);
    }
    all.push_back(tokens);
  }
  // Recorded from the native build; the wasm SIMD and baseline builds run this same test.
  const std::vector<std::vector<int32_t>> golden = {

      {13482, 31584, 21819, 23156, 1234, 10049, 31999, 26147, 1234, 27469, 10631, 1234},
      {24514, 21844, 16919, 99, 1834, 9044, 1234, 14953, 1081, 26759, 1234, 4681},
      {17822, 1234, 7100, 99, 2576, 1234, 20398, 12497, 1234, 3827, 1234, 29839},
      {13517, 1234, 27713, 99, 7770, 784, 1151, 1234, 10430, 1234, 16856, 1234}};
  ref::check_golden(all, golden);
}

TEST_CASE("apply_bitmask: disallowed and past-the-mask logits become -Infinity, others untouched") {
  for (size_t n : {1u, 3u, 4u, 31u, 32u, 33u, 100u, 1027u}) {
    for (size_t words : {size_t(0), (n + 31) / 32, (n + 31) / 32 + 2, n / 64}) {
      std::vector<uint32_t> mask(words);
      for (size_t w = 0; w < words; ++w)
        mask[w] = 0x9E3779B9u * static_cast<uint32_t>(w + 1) ^ 0x5bd1e995u;
      if (words > 0) mask[0] |= 0xF0u;  // a run of four allowed tokens
      std::vector<float> z = ref::normal_logits(n, 1.0, n + words);
      z[0] = -ref::kInf;
      const std::vector<float> before = z;
      logitkit::apply_bitmask(z.data(), n, mask.data(), words);
      for (size_t id = 0; id < n; ++id) {
        const bool allowed = mask_allows(mask, id);
        INFO("n=" << n << " words=" << words << " id=" << id);
        if (allowed)
          CHECK(std::memcmp(&z[id], &before[id], sizeof(float)) == 0);
        else
          CHECK(z[id] == -ref::kInf);
      }
    }
  }
}
