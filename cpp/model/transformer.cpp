#include "transformer.h"

#include <cmath>
#include <cstring>

#include "ops.h"

namespace logitkit::model {

Transformer::Transformer(const Checkpoint& checkpoint)
    : config_(checkpoint.config), w_(checkpoint.weights) {
  const Config& c = config_;
  const size_t cache = static_cast<size_t>(c.n_layers) * c.seq_len * c.kv_dim();
  x_.resize(c.dim);
  xb_.resize(c.dim);
  xb2_.resize(c.dim);
  hb_.resize(c.hidden_dim);
  hb2_.resize(c.hidden_dim);
  q_.resize(c.dim);
  att_.resize(static_cast<size_t>(c.n_heads) * c.seq_len);
  key_cache_.resize(cache);
  value_cache_.resize(cache);
}

void Transformer::forward(int32_t token, int32_t pos, float* logits) {
  const Config& c = config_;
  const size_t dim = c.dim, hidden = c.hidden_dim, kv_dim = c.kv_dim(), head_size = c.head_size();
  const size_t kv_per_head = c.n_heads / c.n_kv_heads;  // query heads that share one key/value head
  const float inv_sqrt_head = 1.0f / std::sqrt(static_cast<float>(head_size));
  float* x = x_.data();
  std::memcpy(x, w_.token_embedding + static_cast<size_t>(token) * dim, dim * sizeof(float));

  for (size_t l = 0; l < static_cast<size_t>(c.n_layers); ++l) {
    // Attention: q, and this position's k and v straight into the cache.
    rmsnorm(xb_.data(), x, w_.rms_att + l * dim, dim);
    const size_t layer_cache = l * c.seq_len * kv_dim;
    float* k = key_cache_.data() + layer_cache + pos * kv_dim;
    float* v = value_cache_.data() + layer_cache + pos * kv_dim;
    matmul(q_.data(), xb_.data(), w_.wq + l * dim * dim, dim, dim);
    matmul(k, xb_.data(), w_.wk + l * kv_dim * dim, dim, kv_dim);
    matmul(v, xb_.data(), w_.wv + l * kv_dim * dim, dim, kv_dim);
    rope(q_.data(), k, dim, kv_dim, head_size, pos);

    for (size_t h = 0; h < static_cast<size_t>(c.n_heads); ++h) {
      const float* qh = q_.data() + h * head_size;
      const size_t kv_offset = (h / kv_per_head) * head_size;
      float* att = att_.data() + h * c.seq_len;
      for (int32_t t = 0; t <= pos; ++t) {
        const float* kt = key_cache_.data() + layer_cache + t * kv_dim + kv_offset;
        float score = 0.0f;
        for (size_t i = 0; i < head_size; ++i) score += qh[i] * kt[i];
        att[t] = score * inv_sqrt_head;
      }
      softmax_inplace(att, static_cast<size_t>(pos) + 1);
      float* out = xb_.data() + h * head_size;
      std::memset(out, 0, head_size * sizeof(float));
      for (int32_t t = 0; t <= pos; ++t) {
        const float* vt = value_cache_.data() + layer_cache + t * kv_dim + kv_offset;
        const float a = att[t];
        for (size_t i = 0; i < head_size; ++i) out[i] += a * vt[i];
      }
    }
    matmul(xb2_.data(), xb_.data(), w_.wo + l * dim * dim, dim, dim);
    for (size_t i = 0; i < dim; ++i) x[i] += xb2_[i];

    // Feed-forward: w2(silu(w1 x) * w3 x).
    rmsnorm(xb_.data(), x, w_.rms_ffn + l * dim, dim);
    matmul(hb_.data(), xb_.data(), w_.w1 + l * hidden * dim, dim, hidden);
    matmul(hb2_.data(), xb_.data(), w_.w3 + l * hidden * dim, dim, hidden);
    swiglu(hb_.data(), hb2_.data(), hidden);
    matmul(xb_.data(), hb_.data(), w_.w2 + l * dim * hidden, hidden, dim);
    for (size_t i = 0; i < dim; ++i) x[i] += xb_[i];
  }

  rmsnorm(x, x, w_.rms_final, dim);
  matmul(logits, x, w_.wcls, dim, c.vocab_size);
}

}  // namespace logitkit::model
