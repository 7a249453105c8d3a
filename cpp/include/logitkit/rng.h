// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011):
// a counter-based generator. Output = bijection(counter, key) with 10 rounds, so draw number c
// of seed s is a pure function of (s, c). That is what makes seeded sampling reproducible on every
// build and lets a sampler restart or branch by resetting one integer.
//
// logitkit's stream: key = (seed low 32 bits, seed high 32 bits); draw c uses the counter
// (c low, c high, 0, 0) and turns the first two output words into a double in [0, 1) with 53 bits.
#pragma once
#include <cstdint>

namespace logitkit {

struct Philox4x32 {
  uint32_t word[4];
};

// The full generator: 4 counter words and 2 key words in, 4 words out.
inline Philox4x32 philox4x32_10(Philox4x32 counter, uint32_t k0, uint32_t k1) {
  constexpr uint32_t kMul0 = 0xD2511F53u, kMul1 = 0xCD9E8D57u;
  constexpr uint32_t kWeyl0 = 0x9E3779B9u, kWeyl1 = 0xBB67AE85u;
  uint32_t c0 = counter.word[0], c1 = counter.word[1], c2 = counter.word[2], c3 = counter.word[3];
  for (int round = 0; round < 10; ++round) {
    const uint64_t p0 = static_cast<uint64_t>(kMul0) * c0;
    const uint64_t p1 = static_cast<uint64_t>(kMul1) * c2;
    const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1 ^ k0;
    const uint32_t n1 = static_cast<uint32_t>(p1);
    const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3 ^ k1;
    const uint32_t n3 = static_cast<uint32_t>(p0);
    c0 = n0;
    c1 = n1;
    c2 = n2;
    c3 = n3;
    k0 += kWeyl0;
    k1 += kWeyl1;
  }
  return {{c0, c1, c2, c3}};
}

// Uniform double in [0, 1) from draw `counter` of stream `seed`.
inline double uniform01(uint64_t seed, uint64_t counter) {
  const Philox4x32 ctr = {
      {static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), 0, 0}};
  const Philox4x32 r =
      philox4x32_10(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  const uint64_t bits53 = (static_cast<uint64_t>(r.word[0] >> 5) << 26) | (r.word[1] >> 6);
  return static_cast<double>(bits53) * 0x1.0p-53;
}

}  // namespace logitkit
