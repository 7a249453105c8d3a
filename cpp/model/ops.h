// The transformer's numeric building blocks, over float32. The matrix-vector product is the hot
// loop (nearly all of a step's time) and is written in WebAssembly SIMD128 intrinsics: real ones
// in the -msimd128 build, SIMDe's portable versions in the baseline and native builds.
#pragma once
#include <cstddef>

namespace logitkit::model {

// out[i] = sum_j w[i * n + j] * x[j] for i < d: W is [d][n] row-major (PyTorch's Linear layout).
// out must not alias x.
void matmul(float* out, const float* x, const float* w, size_t n, size_t d);

// out[i] = weight[i] * x[i] / sqrt(mean(x^2) + 1e-5). out may alias x.
void rmsnorm(float* out, const float* x, const float* weight, size_t n);

// In-place softmax over x[0..n-1] (attention scores; n >= 1, all finite).
void softmax_inplace(float* x, size_t n);

// Rotary position embedding as llama2.c applies it: consecutive pairs (x[2i], x[2i+1]) of each
// head are rotated by pos * 10000^(-(2i mod head_size) / head_size). `q` has q_dim entries and `k`
// kv_dim (<= q_dim) entries.
void rope(float* q, float* k, size_t q_dim, size_t kv_dim, size_t head_size, int pos);

// hb[i] = silu(hb[i]) * hb2[i], silu(x) = x / (1 + exp(-x)): SwiGLU's gate.
void swiglu(float* hb, const float* hb2, size_t n);

}  // namespace logitkit::model
