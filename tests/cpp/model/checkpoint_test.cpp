#include <doctest.h>

#include <cstring>

#include "checkpoint.h"
#include "checkpoint_bytes.h"

using namespace logitkit::model;

namespace {
// Fields in llama2.c's header order: dim 8, hidden_dim 12, 2 layers, 4 heads, 2 key/value heads,
// 10 tokens, 6 positions.
Config small(bool shared) {
  return {8, 12, 2, 4, 2, 10, 6, shared};
}
}  // namespace

TEST_CASE(
    "a checkpoint's tensors are found in llama2.c's order, with or without its own classifier") {
  for (bool shared : {true, false}) {
    const Config c = small(shared);
    const auto file = model_test::checkpoint(c, [](size_t i) { return static_cast<float>(i); });
    Checkpoint ck;
    REQUIRE(parse_checkpoint(model_test::bytes(file), file.size() * 4, &ck) == LoadError::Ok);
    CHECK(ck.config.vocab_size == 10);
    CHECK(ck.config.shared_classifier == shared);
    CHECK(ck.config.kv_dim() == 4);
    // Each pointer is at the running offset of the tensors before it (the float's value is its
    // offset).
    const size_t L = 2, dim = 8, kv = 4, hidden = 12, V = 10;
    size_t at = 0;
    CHECK(ck.weights.token_embedding[0] == at);
    CHECK(ck.weights.rms_att[0] == (at += V * dim));
    CHECK(ck.weights.wq[0] == (at += L * dim));
    CHECK(ck.weights.wk[0] == (at += L * dim * dim));
    CHECK(ck.weights.wv[0] == (at += L * kv * dim));
    CHECK(ck.weights.wo[0] == (at += L * kv * dim));
    CHECK(ck.weights.rms_ffn[0] == (at += L * dim * dim));
    CHECK(ck.weights.w1[0] == (at += L * dim));
    CHECK(ck.weights.w2[0] == (at += L * hidden * dim));
    CHECK(ck.weights.w3[0] == (at += L * dim * hidden));
    CHECK(ck.weights.rms_final[0] == (at += L * hidden * dim));
    at += dim + 6 * 2;  // rms_final, then freq_cis real and imag (seq_len * head_size / 2 each)
    if (shared)
      CHECK(ck.weights.wcls == ck.weights.token_embedding);
    else
      CHECK(ck.weights.wcls[0] == at);
  }
}

TEST_CASE("malformed checkpoints are refused with the reason") {
  Checkpoint ck;
  const Config c = small(true);
  auto file = model_test::checkpoint(c, [](size_t) { return 0.0f; });
  CHECK(parse_checkpoint(model_test::bytes(file), 20, &ck) == LoadError::CheckpointTooSmall);
  CHECK(parse_checkpoint(model_test::bytes(file), file.size() * 4 - 4, &ck) ==
        LoadError::CheckpointSizeMismatch);
  CHECK(parse_checkpoint(model_test::bytes(file), file.size() * 4 + 4, &ck) ==
        LoadError::CheckpointSizeMismatch);

  const int32_t magic = 0x616b3432;
  std::memcpy(file.data(), &magic, 4);
  CHECK(parse_checkpoint(model_test::bytes(file), file.size() * 4, &ck) ==
        LoadError::CheckpointNewFormat);

  for (int field = 0; field < 7; ++field) {
    auto bad = model_test::checkpoint(c, [](size_t) { return 0.0f; });
    int32_t zero = 0;
    std::memcpy(reinterpret_cast<char*>(bad.data()) + field * 4, &zero, 4);
    CHECK(parse_checkpoint(model_test::bytes(bad), bad.size() * 4, &ck) ==
          LoadError::CheckpointBadConfig);
  }
  Config uneven = c;
  uneven.n_heads = 3;  // 8 is not a multiple of 3
  auto bad = model_test::checkpoint(c, [](size_t) { return 0.0f; });
  std::memcpy(reinterpret_cast<char*>(bad.data()) + 12, &uneven.n_heads, 4);
  CHECK(parse_checkpoint(model_test::bytes(bad), bad.size() * 4, &ck) ==
        LoadError::CheckpointBadConfig);
}
