// One Llama-architecture decoder (llama2.c's): RMSNorm, rotary position embeddings, grouped-query
// attention with a key/value cache, and a SwiGLU feed-forward block, run one token at a time.
#pragma once
#include <cstdint>
#include <vector>

#include "checkpoint.h"

namespace logitkit::model {

class Transformer {
 public:
  // Keeps `checkpoint`'s weight pointers (the bytes they point into must outlive this object)
  // and allocates the activations and the key/value cache (2 * n_layers * seq_len * kv_dim floats).
  explicit Transformer(const Checkpoint& checkpoint);

  const Config& config() const { return config_; }

  // Runs token `token` at position `pos` and writes the vocab_size next-token logits to `logits`
  // (anywhere in memory: the caller's buffer, e.g. a logitkit LogitsBuffer). Positions must be
  // fed in order 0, 1, 2, ...: step pos attends to the cached keys and values of 0..pos, and
  // overwrites those at pos. Requires 0 <= token < vocab_size and 0 <= pos < seq_len (the caller
  // checks).
  void forward(int32_t token, int32_t pos, float* logits);

 private:
  Config config_;
  Weights w_;
  std::vector<float> x_, xb_, xb2_, hb_, hb2_, q_, att_;
  std::vector<float> key_cache_, value_cache_;  // [layer][pos][kv_dim]
};

}  // namespace logitkit::model
