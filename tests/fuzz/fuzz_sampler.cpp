// libFuzzer harness for the sampler chain: random logits, options (every compat rule set), stage
// order, bias, lists (bans, sequence biases), a grammar's token bitmask and prompt / output
// history. Invariants, on every input:
// - an invalid row, a bias or list token outside the vocabulary, or bans that leave nothing are
//   reported as such; anything else succeeds;
// - the token is in [0, n) with a finite (patched) logit, and the grammar's mask allows it;
//   logprob and rawLogprob are finite and <= 0; 1 <= rank <= kept; the top list is sorted and <= 0;
// - the caller's logits are unchanged afterwards;
// - a clone draws what the original draws, and reset() repeats the stream.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "fuzz_input.h"
#include "logitkit/sampler.h"

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

logitkit::SamplingParams params_from(fuzz::Bytes& in) {
  logitkit::SamplingParams p;
  const uint8_t on = in.u8(), on2 = in.u8();
  p.temperature = fuzz::temperature(in);
  if (on & 1) p.top_k = in.u8() % 64;
  if (on & 2) p.top_p = (in.u8() + 1) / 256.0;
  if (on & 4) p.min_p = in.u8() / 256.0;
  if (on & 8) p.typical_p = (in.u8() + 1) / 256.0;
  if (on & 16) p.epsilon_cutoff = in.u8() / 1024.0;
  if (on & 32) p.eta_cutoff = in.u8() / 1024.0;
  if (on & 64) p.top_n_sigma = in.u8() / 32.0;
  if (on & 128) {
    p.xtc_probability = in.u8() / 255.0;
    p.xtc_threshold = in.u8() / 512.0;
  }
  if (on2 & 1) p.repetition_penalty = 0.5 + in.u8() / 128.0;
  if (on2 & 2) p.presence_penalty = (static_cast<int8_t>(in.u8())) / 32.0;
  if (on2 & 4) p.frequency_penalty = (static_cast<int8_t>(in.u8())) / 32.0;
  if (on2 & 8) p.penalty_last_n = static_cast<int32_t>(in.u8() % 80) - 1;
  if (on2 & 16) p.no_repeat_ngram_size = in.u8() % 4;
  if (on2 & 32) {
    p.dry_multiplier = in.u8() / 64.0;
    p.dry_allowed_length = in.u8() % 4;
  }
  if (on2 & 64) {
    p.mirostat = 1 + in.u8() % 2;
    p.mirostat_tau = in.u8() / 16.0;
  }
  if (on2 & 128) p.dynatemp_range = in.u8() / 64.0;
  p.min_tokens_to_keep = 1 + in.u8() % 4;
  p.n_samples = 1 + in.u8() % 3;
  p.logprobs_raw = in.u8() & 1;
  p.seed = in.u32();
  // Whose rules, and the stop-token bans (their list comes later).
  const uint8_t on3 = in.u8();
  p.compat = on3 % 5;
  if (on3 & 8) p.min_new_tokens = in.u8() % 8;
  if (on3 & 16) p.min_length = in.u8() % 16;
  p.suppress_stop_tokens = (on3 & 32) != 0;
  const uint8_t order = in.u8();
  if (order & 1) {
    for (size_t s = 0; s < logitkit::kStageCount; ++s) p.order[s] = logitkit::kOrderLlamaCpp[s];
    p.order_length = logitkit::kStageCount;
  } else if (order & 2) {
    // Any list of stages: repeats and processors after filters are refused (llama.cpp's rules
    // allow penalties and DRY there), a short list drops stages with llama.cpp's rules.
    p.order_length = static_cast<uint8_t>(in.u8() % (logitkit::kStageCount + 1));
    for (size_t s = 0; s < p.order_length; ++s)
      p.order[s] = static_cast<logitkit::Stage>(in.u8() % logitkit::kStageCount);
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  logitkit::Sampler sampler;
  if (!sampler.configure(params_from(in)).ok()) return 0;
  std::vector<float> z = fuzz::logits(in, 512);
  const size_t n = z.size();
  const bool allow_bad_ids = in.u8() < 16;
  const auto token = [&](uint8_t raw) {
    return static_cast<int32_t>(allow_bad_ids ? raw : raw % n);
  };

  std::vector<int32_t> bias_tokens;
  std::vector<float> bias_values;
  for (int b = in.u8() % 4; b > 0; --b) {
    bias_tokens.push_back(token(in.u8()));
    bias_values.push_back(in.u8() < 64 ? -INFINITY : static_cast<int8_t>(in.u8()) / 8.0f);
  }
  check(sampler
            .set_bias(bias_tokens.data(), bias_values.data(),
                      static_cast<uint32_t>(bias_tokens.size()))
            .ok(),
        "set_bias");
  if (in.u8() < 32) {
    std::vector<int32_t> allowed;
    for (int a = 1 + in.u8() % 6; a > 0; --a) allowed.push_back(token(in.u8()));
    check(sampler.set_allowed(allowed.data(), static_cast<uint32_t>(allowed.size())).ok(),
          "set_allowed");
  }
  if (in.u8() < 32) {
    std::vector<int32_t> words = {token(in.u8()), token(in.u8()), token(in.u8())};
    const uint32_t lengths[] = {1, 2};
    check(sampler.set_sequences(logitkit::SequenceKind::kBadWords, words.data(), lengths, 2).ok(),
          "bad words");
    check(sampler.set_sequences(logitkit::SequenceKind::kDryBreakers, words.data(), lengths + 1, 1)
              .ok(),
          "breakers");
  }
  if (in.u8() < 64) {
    const int32_t ids[] = {token(in.u8()), token(in.u8())};
    const logitkit::Stage sets[] = {logitkit::Stage::kSuppressTokens,
                                    logitkit::Stage::kBeginSuppressTokens,
                                    logitkit::Stage::kStopTokens};
    check(sampler.set_list(sets[in.u8() % 3], {ids, nullptr, nullptr, 2}).ok(), "token set");
  }
  if (in.u8() < 64) {
    const int32_t seqs[] = {token(in.u8()), token(in.u8()), token(in.u8())};
    const uint32_t lengths[] = {1, 2};
    const float biases[] = {static_cast<int8_t>(in.u8()) / 8.0f,
                            in.u8() < 32 ? -INFINITY : static_cast<int8_t>(in.u8()) / 8.0f};
    check(sampler.set_list(logitkit::Stage::kSequenceBias, {seqs, lengths, biases, 2}).ok(),
          "sequence bias");
  }
  // A grammar's token bitmask: dense, sparse or random words, possibly shorter than the row.
  std::vector<uint32_t> mask;
  if (in.u8() < 64) {
    const size_t words = (n + 31) / 32 - (in.u8() < 32 ? (n + 31) / 64 : 0);
    const uint8_t kind = in.u8() % 3;
    for (size_t w = 0; w < words; ++w)
      mask.push_back(kind == 0 ? ~(1u << (w % 32)) : kind == 1 ? (1u << (in.u8() % 32)) : in.u32());
    check(sampler
              .set_list(logitkit::Stage::kGrammar,
                        {reinterpret_cast<const int32_t*>(mask.data()), nullptr, nullptr,
                         static_cast<uint32_t>(mask.size())})
              .ok(),
          "grammar mask");
  }
  const auto grammar_allows = [&](int32_t t) {
    const size_t id = static_cast<size_t>(t);
    return mask.empty() || ((id >> 5) < mask.size() && ((mask[id >> 5] >> (id & 31)) & 1u) != 0);
  };
  for (int h = in.u8() % 40; h > 0; --h) {
    const uint8_t raw = in.u8();
    check(sampler.accept(token(raw) % static_cast<int32_t>(n), (raw & 1) != 0).ok(), "accept");
  }

  const std::vector<float> original = z;
  std::vector<int32_t> top_idx(8), sample_tokens(4);
  std::vector<float> top_lp(8), sample_lp(4);
  logitkit::SampleResult r;
  logitkit::Sampler twin;
  check(sampler.clone_into(&twin).ok(), "clone");
  const logitkit::Status s = sampler.sample(z.data(), n, &r, {top_idx.data(), top_lp.data(), 8},
                                            {sample_tokens.data(), sample_lp.data(), 4});
  for (size_t i = 0; i < n; ++i) {
    check(z[i] == original[i] || (std::isnan(z[i]) && std::isnan(original[i])), "logits restored");
  }
  const fuzz::Expected invalid = fuzz::expected_status(z);
  if (invalid.code != 0) {
    check(static_cast<int>(s.code) == invalid.code && s.index == invalid.index,
          "invalid row reported");
    return 0;
  }
  if (!s.ok()) {
    const bool explained =
        s.code == logitkit::Code::kAllBanned ||
        ((s.code == logitkit::Code::kBadToken || s.code == logitkit::Code::kBadListToken ||
          s.code == logitkit::Code::kBadHistoryToken) &&
         allow_bad_ids && s.index >= n);
    check(explained, "a failure with a reason");
    return 0;
  }
  check(r.token >= 0 && static_cast<size_t>(r.token) < n, "token in range");
  check(grammar_allows(r.token), "the grammar mask allows the token");
  check(std::isfinite(r.logprob) && r.logprob <= 1e-6, "logprob finite and <= 0");
  check(std::isfinite(r.raw_logprob) && r.raw_logprob <= 1e-6, "rawLogprob finite and <= 0");
  check(r.kept >= 1 && r.rank >= 1 && r.rank <= r.kept, "1 <= rank <= kept");
  for (size_t j = 0; j + 1 < std::min<size_t>(8, n); ++j) {
    check(!(top_lp[j] > 1e-6f) && !(top_lp[j + 1] > top_lp[j]), "top list sorted and <= 0");
  }

  logitkit::SampleResult again;
  check(twin.sample(z.data(), n, &again, {top_idx.data(), top_lp.data(), 8},
                    {sample_tokens.data(), sample_lp.data(), 4})
            .ok(),
        "clone samples");
  check(again.token == r.token && again.logprob == r.logprob,
        "a clone draws what the original draws");
  return 0;
}
