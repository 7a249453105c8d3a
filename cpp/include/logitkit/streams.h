// The random streams of one sampler, all drawn from Philox4x32-10 (rng.h) with key = seed.
//
// Call c (the c-th successful sample() since creation or reset) uses these counters, and no others:
//   stream 0  counter (c_lo, c_hi, 0, 0): the inverse-CDF draw (exactly uniform01(seed, c));
//   stream 1  counter (c_lo, c_hi, 1, 0): XTC's "does it fire" draw;
//   stream 2  counter (c_lo, c_hi, 2, i): the Gumbel noise of token i for n distinct samples.
// Every stream is consumed per call whether or not the stage runs, so a stage being switched on or
// off never shifts the draws of another stage, and a clone continues at the same position.
#pragma once
#include <cstdint>

#include "logitkit/rng.h"

namespace logitkit {

enum class Stream : uint32_t { kDraw = 0, kXtc = 1, kGumbel = 2 };

// Uniform double in [0, 1) with 53 random bits, from the counter (c, stream, index).
inline double uniform01_stream(uint64_t seed, uint64_t call, Stream stream, uint32_t index = 0) {
  const Philox4x32 ctr = {{static_cast<uint32_t>(call), static_cast<uint32_t>(call >> 32),
                           static_cast<uint32_t>(stream), index}};
  const Philox4x32 r =
      philox4x32_10(ctr, static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
  const uint64_t bits53 = (static_cast<uint64_t>(r.word[0] >> 5) << 26) | (r.word[1] >> 6);
  return static_cast<double>(bits53) * 0x1.0p-53;
}

}  // namespace logitkit
