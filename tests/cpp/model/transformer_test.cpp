#include <doctest.h>

#include <cmath>
#include <vector>

#include "checkpoint_bytes.h"
#include "transformer.h"

using namespace logitkit::model;

namespace {

// Fields in llama2.c's header order: dim 16, hidden_dim 24, 2 layers, 4 heads, kv_heads key/value
// heads, 11 tokens, 8 positions.
Config config(bool shared, int32_t kv_heads) {
  return {16, 24, 2, 4, kv_heads, 11, 8, shared};
}

}  // namespace

TEST_CASE(
    "with zero layer weights the residual stream is the embedding: logits = Wcls "
    "rmsnorm(e_token)") {
  for (bool shared : {true, false}) {
    const Config c = config(shared, 2);
    Checkpoint probe;
    auto zeros = model_test::checkpoint(c, [](size_t) { return 0.0f; });
    REQUIRE(parse_checkpoint(model_test::bytes(zeros), zeros.size() * 4, &probe) == LoadError::Ok);
    // Embeddings, rms weights and classifier get values; wq..w3 stay zero, so attention and the
    // feed-forward block add nothing.
    const auto base = reinterpret_cast<const float*>(model_test::bytes(zeros)) + 7;
    const size_t emb_end = static_cast<size_t>(probe.weights.rms_att - base);
    const size_t final_at = static_cast<size_t>(probe.weights.rms_final - base);
    const size_t cls_at = static_cast<size_t>(probe.weights.wcls - base);
    auto file = model_test::checkpoint(c, [&](size_t i) {
      if (i < emb_end) return std::sin(static_cast<float>(i));
      if (i >= final_at && i < final_at + 16) return 1.0f + 0.1f * static_cast<float>(i - final_at);
      if (!shared && i >= cls_at) return std::cos(static_cast<float>(i));
      return 0.0f;
    });
    Checkpoint ck;
    REQUIRE(parse_checkpoint(model_test::bytes(file), file.size() * 4, &ck) == LoadError::Ok);
    Transformer t(ck);
    std::vector<float> logits(11);
    for (int32_t pos = 0; pos < 3; ++pos) {
      const int32_t token = 5 + pos;
      t.forward(token, pos, logits.data());
      const float* e = ck.weights.token_embedding + token * 16;
      double ss = 0;
      for (int i = 0; i < 16; ++i) ss += double(e[i]) * e[i];
      const double scale = 1.0 / std::sqrt(ss / 16 + 1e-5);
      for (int v = 0; v < 11; ++v) {
        double ref = 0;
        for (int i = 0; i < 16; ++i)
          ref += double(ck.weights.wcls[v * 16 + i]) * e[i] * scale * ck.weights.rms_final[i];
        CHECK(logits[v] == doctest::Approx(ref).epsilon(1e-5));
      }
    }
  }
}

TEST_CASE(
    "grouped-query and multi-head attention run every position of the context and stay finite") {
  for (int32_t kv_heads : {1, 2, 4}) {
    const Config c = config(true, kv_heads);
    auto file = model_test::checkpoint(
        c, [](size_t i) { return 0.2f * std::sin(static_cast<float>(i) * 0.7f); });
    Checkpoint ck;
    REQUIRE(parse_checkpoint(model_test::bytes(file), file.size() * 4, &ck) == LoadError::Ok);
    Transformer t(ck);
    std::vector<float> first(11), again(11);
    for (int32_t pos = 0; pos < c.seq_len; ++pos) {
      t.forward(pos % 11, pos, first.data());
      for (float z : first) REQUIRE(std::isfinite(z));
    }
    // Restarting at position 0 recomputes the same logits: the cache is overwritten in order.
    t.forward(0, 0, again.data());
    Transformer fresh(ck);
    fresh.forward(0, 0, first.data());
    CHECK(again == first);
  }
}
