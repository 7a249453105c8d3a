// Golden seeded sequences, recorded from the native build, that every build (native, wasm SIMD,
// wasm baseline) must reproduce.
#pragma once
#include <doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "logitkit/sampler.h"

namespace ref {

using Sequences = std::vector<std::vector<int32_t>>;

// `count` tokens drawn one after another from the same logits (history, mirostat's mu and the
// stream advance with each draw), each call given `samples` as its n-distinct list.
inline std::vector<int32_t> draw_tokens(logitkit::Sampler& s, const std::vector<float>& z,
                                        int count, const logitkit::SampleList& samples = {}) {
  std::vector<int32_t> tokens;
  for (int i = 0; i < count; ++i) {
    std::vector<float> row = z;
    logitkit::SampleResult r;
    REQUIRE(s.sample(row.data(), row.size(), &r, {}, samples).ok());
    tokens.push_back(r.token);
  }
  return tokens;
}

// CHECKs the drawn sequences against the golden ones; on a difference, prints the drawn ones in
// the golden's layout (to record them again after an intended change of the draws).
inline void check_golden(const Sequences& drawn, const Sequences& golden) {
  CHECK(drawn == golden);
  if (drawn == golden) return;
  for (const std::vector<int32_t>& tokens : drawn) {
    std::string line = "{";
    for (int32_t t : tokens) line += std::to_string(t) + ",";
    MESSAGE(line << "},");
  }
}

}  // namespace ref
