// A seeded sampler built as a chain of small stages, in the shape of llama.cpp's llama_sampler_i
// (apply / accept / reset / clone): the chain is itself a sampler.
//
// Stages come in two kinds, and every processor precedes every filter:
//   logit processors  logitBias, allowedTokens, badWords, noRepeatNgram, penalties, dry: sparse
//                     in-place patches of the logits (restored before sample() returns), except
//                     allowedTokens, which turns the candidates into an explicit list;
//   filters           temperature (a scalar 1/T, or llama.cpp's dynamic temperature), topK, topP,
//                     minP, typicalP, epsilon, eta, topNSigma, xtc, mirostat.
// The default order is SPEC.md's (HF / vLLM); kOrderLlamaCpp reproduces llama.cpp's default chain
// with temperature last. Each filter sees the previous one's renormalised distribution.
//
// Candidates are held in one of two forms (chain.h): a prefix of the total order (logit desc,
// index asc) described by a KeptSet over the whole vocabulary (no sort: heap top-k, mass
// selection, logit thresholds), or an explicit list of token ids once the set is small (after a
// top-k) or not a prefix (typicalP, XTC, allowedTokens). The draw is an inverse CDF over the final
// kept tokens in index order with u = uniform01(seed, c); both forms reproduce the same block
// arithmetic, so the token depends only on the final kept set, its weights and u.
//
// Memory: a Sampler owns its lists, history and scratch; after warm-up at the largest n it
// allocates nothing. The logits buffer is patched in place and restored before sample() returns.
#pragma once
#include <cstddef>
#include <cstdint>

#include "logitkit/buffer.h"
#include "logitkit/status.h"

namespace logitkit {

enum class Stage : uint8_t {
  // logit processors
  kLogitBias = 0,
  kAllowedTokens,
  kBadWords,
  kNoRepeatNgram,
  kPenalties,
  kDry,
  // filters
  kTemperature,
  kTopK,
  kTopP,
  kMinP,
  kTypicalP,
  kEpsilon,
  kEta,
  kTopNSigma,
  kXtc,
  kMirostat,
};
constexpr size_t kStageCount = 16;
constexpr bool is_processor(Stage s) {
  return static_cast<uint8_t>(s) <= static_cast<uint8_t>(Stage::kDry);
}

// HF / vLLM: processors, then temperature, topK, topP, minP, typicalP, epsilon, eta, then the
// stages HF lacks (topNSigma, xtc), then mirostat (which, as in llama.cpp, ends its chain).
extern const Stage kOrderHF[kStageCount];
// llama.cpp's common_sampler default: penalties, dry, top_n_sigma, top_k, typical_p, top_p, min_p,
// xtc, temperature (epsilon and eta, which llama.cpp lacks, sit after min_p; mirostat last).
extern const Stage kOrderLlamaCpp[kStageCount];

struct SamplingParams {
  double temperature = 1.0;
  double dynatemp_range = 0.0;  // llama.cpp temp_ext delta; > 0: T from the entropy in [T-d, T+d]
  double dynatemp_exponent = 1.0;
  int32_t top_k = 0;             // <= 0 or >= n: off
  double top_p = 1.0;            // in (0, 1]; 1: off
  double min_p = 0.0;            // in [0, 1]; 0: off
  double typical_p = 1.0;        // in (0, 1]; 1: off (HF)
  double epsilon_cutoff = 0.0;   // in [0, 1); 0: off (HF)
  double eta_cutoff = 0.0;       // in [0, 1); 0: off (HF)
  double top_n_sigma = -1.0;     // <= 0: off (llama.cpp)
  double xtc_probability = 0.0;  // <= 0: off (llama.cpp)
  double xtc_threshold = 0.1;    // > 0.5: off (llama.cpp)
  int32_t mirostat = 0;          // 0 off, 1 or 2 (llama.cpp)
  double mirostat_tau = 5.0;
  double mirostat_eta = 0.1;
  int32_t mirostat_m = 100;
  int32_t min_tokens_to_keep = 1;   // >= 1
  double repetition_penalty = 1.0;  // > 0; 1: off
  double presence_penalty = 0.0;
  double frequency_penalty = 0.0;
  int32_t penalty_last_n = 64;       // how many recent tokens the penalties see; -1: all; 0: off
  int32_t no_repeat_ngram_size = 0;  // 0: off (HF)
  double dry_multiplier = 0.0;       // 0: off (llama.cpp DRY)
  double dry_base = 1.75;
  int32_t dry_allowed_length = 2;
  int32_t dry_penalty_last_n = -1;  // -1: the whole history; 0: off
  int32_t n_samples = 1;            // >= 2: that many distinct tokens (Gumbel top-k)
  bool logprobs_raw =
      false;  // the top list from softmax(raw logits) instead of the final distribution
  uint64_t seed = 0;
  Stage order[kStageCount] = {};  // the stages in application order (disabled ones are skipped)
  uint8_t order_length = 0;       // 0: kOrderHF
};

struct SampleResult {
  int32_t token = -1;
  double logprob = 0;
  double raw_logprob = 0;
  uint32_t kept = 0;  // how many tokens have nonzero probability in the final distribution
  uint32_t rank = 0;  // 1-based rank of `token` in the final distribution (ties: lower index first)
  uint32_t samples = 0;  // distinct samples written (n_samples >= 2)
};

// Where the optional top-N list goes (N = capacity, 0 for none).
struct TopList {
  int32_t* indices = nullptr;
  float* logprobs = nullptr;
  uint32_t capacity = 0;
};

// Where n distinct samples go (capacity >= n_samples), best Gumbel key first.
struct SampleList {
  int32_t* tokens = nullptr;
  float* logprobs = nullptr;
  uint32_t capacity = 0;
};

// Token-id sequences a sampler holds (flat tokens + lengths).
enum class SequenceKind : int32_t { kBadWords = 0, kDryBreakers = 1 };

namespace detail {
struct Patch {
  int32_t token;
  float original;
};
// Everything a sampler owns. The stages (cpp/src/stages) work on it through a Chain.
struct SamplerState {
  SamplingParams params;
  uint64_t draws = 0;  // sample() calls since creation or reset: the stream position
  double mu = 10.0;    // mirostat's running target surprise (2 tau after reset)
  Buffer<int32_t> bias_tokens;
  Buffer<float> bias_values;
  Buffer<int32_t> allowed;    // sorted, unique
  Buffer<int32_t> bad_words;  // flat
  Buffer<uint32_t> bad_word_lengths;
  Buffer<int32_t> breakers;  // DRY sequence breakers, flat
  Buffer<uint32_t> breaker_lengths;
  Buffer<int32_t> history;  // accepted tokens, oldest first
  // Scratch, grown to the largest size needed and then reused.
  Buffer<Patch> patches;
  Buffer<int32_t> window;  // penalties: the window's tokens, sorted
  Buffer<float> weights;   // exp((z - max) / T) per token (prefix form)
  Buffer<double> block_mass;
  Buffer<int32_t> head_index;  // the head of the order, sorted (prefix form)
  Buffer<float> head_value;
  Buffer<uint32_t> mass_index;   // top-p's mass selection: the bracket's tokens,
  Buffer<uint64_t> mass_keys;    // their order keys,
  Buffer<float> mass_weights;    // their weights,
  Buffer<uint64_t> sample_keys;  // and the sample's keys
  Buffer<int32_t> list;          // explicit candidates (list form)
  Buffer<float> list_weights;
  Buffer<double> list_block_mass;  // draw_list's blocks
  Buffer<int32_t> list_block_start;
  Buffer<int32_t> typical_rank;     // typicalP: candidate positions by distance from the entropy,
  Buffer<double> typical_distance;  // and those distances
  Buffer<double> gumbel_keys;       // n distinct samples: each kept token's Gumbel key,
  Buffer<int32_t> gumbel_tokens;    // the token,
  Buffer<int32_t> gumbel_rank;      // and positions sorted by key
  Buffer<int32_t> drawn_list;       // the list form's tokens in index order, for the top list
  Buffer<int32_t> dry_repeat;
  Buffer<int64_t> dry_pairs;
};
}  // namespace detail

class Sampler {
 public:
  Sampler() = default;
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Sets the parameters. kBadOption when the order is invalid (a stage twice, an unknown stage, a
  // processor after a filter); the previous parameters stay then. Also sets mu to 2 tau.
  Status configure(const SamplingParams& params);
  const SamplingParams& params() const { return s_.params; }

  // The bias list (token ids and additive biases). Copies it.
  Status set_bias(const int32_t* tokens, const float* biases, uint32_t count);
  // vLLM allowed_token_ids; count 0 clears it (all tokens allowed).
  Status set_allowed(const int32_t* tokens, uint32_t count);
  // Bad-word sequences (vLLM / HF bad_words_ids) or DRY sequence breakers, as flat token ids and
  // per-sequence lengths (each >= 1).
  Status set_sequences(SequenceKind kind, const int32_t* tokens, const uint32_t* lengths,
                       uint32_t count);

  // Draws one token from `logits` (n entries) and records it in the history.
  Status sample(float* logits, size_t n, SampleResult* result, const TopList& top = {},
                const SampleList& samples = {});

  // Records a token the sampler did not draw (prompt, forced token).
  Status accept(int32_t token);
  // Clears the history, restarts the random stream at draw 0 and sets mu to 2 tau.
  void reset();
  // Makes `dst` an independent copy: parameters, lists, history, mu and stream position.
  Status clone_into(Sampler* dst) const;

  double mirostat_mu() const { return s_.mu; }
  size_t history_size() const { return s_.history.size(); }
  // The active stages (enabled ones, in order); returns how many were written (<= kStageCount).
  size_t active_stages(Stage* out) const;

 private:
  detail::SamplerState s_;
};

// Samples `rows` rows of `n` logits each (row r at logits + r * n) with samplers[r]; each row uses
// its own sampler's state and seed. Stops at the first failing row and reports it in *failed_row.
Status sample_rows(Sampler* const* samplers, size_t rows, float* logits, size_t n,
                   SampleResult* results, const TopList* tops, const SampleList* samples,
                   uint32_t* failed_row);

const char* stage_name(Stage stage);
bool stage_enabled(Stage stage, const SamplingParams& p, bool has_bias, bool has_allowed,
                   bool has_bad_words);

}  // namespace logitkit
