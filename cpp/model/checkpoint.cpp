#include "checkpoint.h"

#include <cstring>

namespace logitkit::model {
namespace {

constexpr size_t kHeaderBytes = 7 * sizeof(int32_t);
constexpr uint32_t kNewFormatMagic = 0x616b3432;  // "ak42": llama2.c export.py --version 1 or 2
// Limits that keep every size computation below far from overflow (wasm32 cannot hold more anyway).
constexpr int32_t kMaxDim = 1 << 16;
constexpr int32_t kMaxLayers = 1 << 10;
constexpr int32_t kMaxVocab = 1 << 22;
constexpr int32_t kMaxSeqLen = 1 << 20;

bool valid(const Config& c) {
  if (c.dim <= 0 || c.hidden_dim <= 0 || c.n_layers <= 0 || c.n_heads <= 0 || c.n_kv_heads <= 0 ||
      c.vocab_size <= 0 || c.seq_len <= 0) {
    return false;
  }
  if (c.dim > kMaxDim || c.hidden_dim > kMaxDim * 4 || c.n_layers > kMaxLayers ||
      c.vocab_size > kMaxVocab || c.seq_len > kMaxSeqLen) {
    return false;
  }
  // Heads split dim evenly, query heads share key/value heads evenly, and RoPE rotates pairs.
  return c.dim % c.n_heads == 0 && c.n_heads % c.n_kv_heads == 0 && c.head_size() % 2 == 0;
}

}  // namespace

uint64_t checkpoint_bytes(const Config& c) {
  const uint64_t dim = c.dim, hidden = c.hidden_dim, layers = c.n_layers, vocab = c.vocab_size;
  const uint64_t kv_dim = static_cast<uint64_t>(c.kv_dim());
  uint64_t floats = vocab * dim;                          // token_embedding
  floats += layers * dim * 2;                             // rms_att, rms_ffn
  floats += layers * (dim * dim * 2 + kv_dim * dim * 2);  // wq, wo, wk, wv
  floats += layers * hidden * dim * 3;                    // w1, w2, w3
  floats += dim;                                          // rms_final
  floats += static_cast<uint64_t>(c.seq_len) *
            static_cast<uint64_t>(c.head_size());   // freq_cis real + imag
  if (!c.shared_classifier) floats += vocab * dim;  // wcls
  return kHeaderBytes + floats * sizeof(float);
}

LoadError parse_checkpoint(const uint8_t* data, size_t size, Checkpoint* out) {
  if (size < kHeaderBytes) return LoadError::CheckpointTooSmall;
  int32_t header[7];
  std::memcpy(header, data, kHeaderBytes);
  if (static_cast<uint32_t>(header[0]) == kNewFormatMagic) return LoadError::CheckpointNewFormat;
  Config c;
  c.dim = header[0];
  c.hidden_dim = header[1];
  c.n_layers = header[2];
  c.n_heads = header[3];
  c.n_kv_heads = header[4];
  c.shared_classifier = header[5] > 0;
  c.vocab_size = header[5] > 0 ? header[5] : (header[5] == INT32_MIN ? 0 : -header[5]);
  c.seq_len = header[6];
  if (!valid(c)) return LoadError::CheckpointBadConfig;
  if (checkpoint_bytes(c) != size) return LoadError::CheckpointSizeMismatch;

  const size_t dim = c.dim, hidden = c.hidden_dim, layers = c.n_layers, kv_dim = c.kv_dim();
  const float* p = reinterpret_cast<const float*>(data + kHeaderBytes);
  auto take = [&p](size_t count) {
    const float* start = p;
    p += count;
    return start;
  };
  Weights& w = out->weights;
  w.token_embedding = take(static_cast<size_t>(c.vocab_size) * dim);
  w.rms_att = take(layers * dim);
  w.wq = take(layers * dim * dim);
  w.wk = take(layers * kv_dim * dim);
  w.wv = take(layers * kv_dim * dim);
  w.wo = take(layers * dim * dim);
  w.rms_ffn = take(layers * dim);
  w.w1 = take(layers * hidden * dim);
  w.w2 = take(layers * dim * hidden);
  w.w3 = take(layers * hidden * dim);
  w.rms_final = take(dim);
  take(static_cast<size_t>(c.seq_len) *
       static_cast<size_t>(c.head_size()));  // freq_cis_real + imag
  w.wcls = c.shared_classifier ? w.token_embedding : take(static_cast<size_t>(c.vocab_size) * dim);
  out->config = c;
  return LoadError::Ok;
}

}  // namespace logitkit::model
