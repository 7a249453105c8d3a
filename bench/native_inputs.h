// The benchmark's logits for the native programs, as bench/inputs.mjs makes them in JavaScript:
// element i from Philox4x32-10 draws 2i and 2i+1 of seed 1 by Box-Muller, in double, rounded to
// float. random: normal(0, 1); peaked: normal(-4, 2) with one dominant token (index V/3) at 12.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "logitkit/rng.h"
#include "logitkit/sampler.h"

namespace logitkit::bench {

inline std::vector<float> make_logits(size_t n, bool peaked) {
  std::vector<float> z(n);
  for (size_t i = 0; i < n; ++i) {
    const double u1 = 1.0 - logitkit::uniform01(1, 2 * i), u2 = logitkit::uniform01(1, 2 * i + 1);
    z[i] = static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
  if (peaked) {
    for (float& v : z) v = v * 2.0f - 4.0f;
    z[n / 3] = 12.0f;
  }
  return z;
}

// The programs' command line, <V> <random|peaked>: the logits into *z, or false after printing the
// usage line when an argument is missing.
inline bool logits_from_args(int argc, char** argv, std::vector<float>* z) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s <V> <random|peaked>\n", argv[0]);
    return false;
  }
  *z = make_logits(std::strtoul(argv[1], nullptr, 10), std::strcmp(argv[2], "peaked") == 0);
  return true;
}

// The draw `sample` times, as bench/bench.mjs configures it: temperature 0.8, top-p 0.95, seed 1.
inline SamplingParams sample_params() {
  SamplingParams p;
  p.temperature = 0.8;
  p.top_p = 0.95;
  p.seed = 1;
  return p;
}

}  // namespace logitkit::bench
