// Seeded sampling with logit bias, penalties, temperature, top-k, top-p and min-p.
//
// Semantics (SPEC.md), in this order:
//   1. logitBias is added to the raw logits (-Infinity bans a token);
//   2. penalties over the last `penalty_last_n` accepted tokens: repetition (HF/llama.cpp: divide
//      a positive logit by r, multiply a negative one by r), then presence and frequency (OpenAI:
//      z -= presence * [count > 0] + frequency * count);
//   3. temperature T (T = 0: greedy, the first maximum);
//   4. top-k, top-p (smallest most-probable prefix with mass >= p, never fewer than
//      min_tokens_to_keep), min-p (p_i >= min_p * p_max), each on the previous step's
//      renormalised distribution. Every filter keeps a prefix of one total order: logit
//      descending, then index ascending, so ties are always broken toward the lower index;
//   5. one draw by inverse CDF over the kept tokens in index order, with u = uniform01(seed, c)
//      for the c-th sample() call since construction or reset() (greedy calls use one too).
// `logprob` is the token's log-probability in the final distribution; `raw_logprob` its
// log-probability in softmax(logits) at T = 1 with no bias, penalty or filter.
//
// Memory: a Sampler owns its scratch and history; after warm-up at the largest n it allocates
// nothing. The logits buffer is patched in place for bias and penalties and restored before
// sample() returns (callers see it unchanged).
#pragma once
#include <cstddef>
#include <cstdint>

#include "logitkit/status.h"

namespace logitkit {

struct SamplingParams {
  double temperature = 1.0;
  int32_t top_k = 0;              // <= 0 or >= n: off
  double top_p = 1.0;             // in (0, 1]; 1: off
  double min_p = 0.0;             // in [0, 1]; 0: off
  int32_t min_tokens_to_keep = 1; // >= 1
  double repetition_penalty = 1.0;// > 0; 1: off
  double presence_penalty = 0.0;
  double frequency_penalty = 0.0;
  int32_t penalty_last_n = 64;    // how many recent tokens the penalties see; -1: all; 0: off
  uint64_t seed = 0;
};

struct SampleResult {
  int32_t token = -1;
  double logprob = 0;
  double raw_logprob = 0;
  uint32_t kept = 0;  // how many tokens the filters kept (a prefix of the order above)
};

// Where the optional top-N list of the final distribution goes (N = capacity, 0 for none).
struct TopList {
  int32_t* indices = nullptr;
  float* logprobs = nullptr;
  uint32_t capacity = 0;
};

class Sampler {
 public:
  Sampler() = default;
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  void configure(const SamplingParams& params) { params_ = params; }
  const SamplingParams& params() const { return params_; }

  // Sets the bias list (token ids and additive biases). Copies it; returns kOutOfMemory on failure.
  Status set_bias(const int32_t* tokens, const float* biases, uint32_t count);

  // Draws one token from `logits` (n entries) and records it in the history.
  Status sample(float* logits, size_t n, SampleResult* result, const TopList& top = {});

  // Records a token the sampler did not draw (prompt, forced token).
  Status accept(int32_t token);
  // Clears the history and restarts the random stream at draw 0 of the seed.
  void reset();

 private:
  struct Patch {
    int32_t token;
    float original;
  };
  Status apply_patches(float* logits, size_t n);
  void undo_patches(float* logits);
  bool reserve(size_t n);
  bool reserve_candidates(size_t need);

  SamplingParams params_;
  uint64_t draws_ = 0;

  int32_t* bias_tokens_ = nullptr;
  float* bias_values_ = nullptr;
  uint32_t bias_count_ = 0;

  int32_t* history_ = nullptr;  // accepted tokens, oldest first
  size_t history_size_ = 0, history_capacity_ = 0;

  // Scratch, grown to the largest n seen (or needed) and then reused.
  Patch* patches_ = nullptr;
  size_t patch_capacity_ = 0, patch_count_ = 0;
  int32_t* window_ = nullptr;  // sorted copy of the penalty window
  size_t window_capacity_ = 0;
  float* weights_ = nullptr;   // exp((z - max) / T) per token
  double* block_mass_ = nullptr;  // kept mass per block of 256 tokens
  int32_t* cand_index_ = nullptr;
  float* cand_value_ = nullptr;
  size_t scratch_n_ = 0, cand_capacity_ = 0;
};

}  // namespace logitkit
