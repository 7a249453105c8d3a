// Golden seeded sequences, recorded from the native build, that every build (native, wasm SIMD,
// wasm baseline) must reproduce.
#pragma once
#include <doctest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ref {

using Sequences = std::vector<std::vector<int32_t>>;

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
