// The benchmark's logits for the native programs, as bench/inputs.mjs makes them in JavaScript:
// element i from Philox4x32-10 draws 2i and 2i+1 of seed 1 by Box-Muller, in double, rounded to
// float. random: normal(0, 1); peaked: normal(-4, 2) with one dominant token (index V/3) at 12.
#pragma once
#include <cmath>
#include <cstddef>
#include <vector>

#include "logitkit/rng.h"

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

}  // namespace logitkit::bench
