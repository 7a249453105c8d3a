// Builds llama2.c checkpoints and tokenizer.bin files in memory, for the model's doctests.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "checkpoint.h"

namespace model_test {

// A checkpoint of `config` whose floats are produced by fill(index of the float in the file body).
template <typename Fill>
std::vector<float> checkpoint(const logitkit::model::Config& config, Fill fill) {
  const uint64_t bytes = logitkit::model::checkpoint_bytes(config);
  std::vector<float> out(bytes / 4);  // float storage keeps the bytes 4-byte aligned
  const int32_t header[7] = {
      config.dim,        config.hidden_dim,
      config.n_layers,   config.n_heads,
      config.n_kv_heads, config.shared_classifier ? config.vocab_size : -config.vocab_size,
      config.seq_len};
  std::memcpy(out.data(), header, sizeof header);
  for (size_t i = 7; i < out.size(); ++i) out[i] = fill(i - 7);
  return out;
}

inline const uint8_t* bytes(const std::vector<float>& v) {
  return reinterpret_cast<const uint8_t*>(v.data());
}

// tokenizer.bin for (piece, score) entries, in id order.
inline std::vector<uint8_t> tokenizer_bin(
    const std::vector<std::pair<std::string, float>>& entries) {
  std::vector<uint8_t> out;
  auto put = [&out](const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out.insert(out.end(), b, b + n);
  };
  int32_t max_length = 1;
  for (const auto& e : entries)
    max_length = std::max<int32_t>(max_length, static_cast<int32_t>(e.first.size()));
  put(&max_length, 4);
  for (const auto& [piece, score] : entries) {
    const int32_t length = static_cast<int32_t>(piece.size());
    put(&score, 4);
    put(&length, 4);
    put(piece.data(), piece.size());
  }
  return out;
}

// Llama's fixed prefix: <unk>, <s>, </s>, then the 256 byte-fallback pieces at ids 3..258.
inline std::vector<std::pair<std::string, float>> base_vocab() {
  std::vector<std::pair<std::string, float>> v = {{"<unk>", 0.0f}, {"<s>", 0.0f}, {"</s>", 0.0f}};
  static const char* hex = "0123456789ABCDEF";
  for (int b = 0; b < 256; ++b)
    v.push_back({std::string("<0x") + hex[b >> 4] + hex[b & 15] + ">", 0.0f});
  return v;
}

}  // namespace model_test
