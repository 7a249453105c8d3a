// The llama2.c checkpoint format ("legacy", version 0), as written by llama2.c's export.py and
// by examples/model/train.py:
//   7 x int32 header: dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len
//   float32 weights, in this order (matrices row-major as [out][in], PyTorch's Linear layout):
//     token_embedding [vocab][dim], rms_att [L][dim], wq [L][dim][dim], wk [L][kv_dim][dim],
//     wv [L][kv_dim][dim], wo [L][dim][dim], rms_ffn [L][dim], w1 [L][hidden][dim],
//     w2 [L][dim][hidden], w3 [L][hidden][dim], rms_final [dim],
//     freq_cis_real [seq_len][head_size/2], freq_cis_imag [seq_len][head_size/2] (unused: RoPE
//     is recomputed, as llama2.c's run.c does), then wcls [vocab][dim] only when not shared.
//   A negative vocab_size means the classifier is NOT shared with the token embedding.
#pragma once
#include <cstddef>
#include <cstdint>

namespace logitkit::model {

struct Config {
  int32_t dim = 0;
  int32_t hidden_dim = 0;
  int32_t n_layers = 0;
  int32_t n_heads = 0;
  int32_t n_kv_heads = 0;
  int32_t vocab_size = 0;  // always positive here; the sign in the file is shared_classifier
  int32_t seq_len = 0;
  bool shared_classifier = true;

  int32_t head_size() const { return dim / n_heads; }
  int32_t kv_dim() const { return head_size() * n_kv_heads; }
};

// Why a checkpoint or tokenizer was refused. The values are part of the JS contract
// (examples/model/errors.js maps them to messages).
enum class LoadError : int32_t {
  Ok = 0,
  CheckpointTooSmall = 1,      // fewer than the 28 header bytes
  CheckpointNewFormat = 2,     // llama2.c's version 1/2 export ("ak42" magic): not supported
  CheckpointBadConfig = 3,     // a non-positive or inconsistent dimension
  CheckpointSizeMismatch = 4,  // the file is not exactly as long as its header says
  TokenizerMalformed = 5,      // tokenizer.bin ended early or has an impossible length
  OutOfMemory = 6,
};

}  // namespace logitkit::model
