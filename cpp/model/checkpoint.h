// Reads a llama2.c checkpoint (see config.h) in place: weight pointers point into the caller's
// bytes, which must stay alive and unchanged for as long as the Weights are used.
#pragma once
#include <cstddef>
#include <cstdint>

#include "config.h"

namespace logitkit::model {

struct Weights {
  const float* token_embedding = nullptr;  // [vocab][dim]
  const float* rms_att = nullptr;          // [L][dim]
  const float* wq = nullptr;               // [L][dim][dim]
  const float* wk = nullptr;               // [L][kv_dim][dim]
  const float* wv = nullptr;               // [L][kv_dim][dim]
  const float* wo = nullptr;               // [L][dim][dim]
  const float* rms_ffn = nullptr;          // [L][dim]
  const float* w1 = nullptr;               // [L][hidden][dim]
  const float* w2 = nullptr;               // [L][dim][hidden]
  const float* w3 = nullptr;               // [L][hidden][dim]
  const float* rms_final = nullptr;        // [dim]
  const float* wcls = nullptr;             // [vocab][dim]; == token_embedding when shared
};

struct Checkpoint {
  Config config;
  Weights weights;
};

// The exact byte length of a checkpoint with this config (0 if it would not fit in size_t).
uint64_t checkpoint_bytes(const Config& config);

// Validates the header and the length, then points `out` into `data`. `data` must be 4-byte
// aligned. Nothing is allocated.
LoadError parse_checkpoint(const uint8_t* data, size_t size, Checkpoint* out);

}  // namespace logitkit::model
