// Float64 references and deterministic test data shared by the doctest files.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <vector>

#include "logitkit/rng.h"

namespace ref {

constexpr float kInf = std::numeric_limits<float>::infinity();

// Normal(0, sigma) logits from the Philox stream (libm may differ per build; use for accuracy
// tests).
inline std::vector<float> normal_logits(size_t n, double sigma, uint64_t seed) {
  std::vector<float> z(n);
  for (size_t i = 0; i < n; ++i) {
    const double u1 = 1.0 - logitkit::uniform01(seed, 2 * i),
                 u2 = logitkit::uniform01(seed, 2 * i + 1);
    z[i] = static_cast<float>(sigma * std::sqrt(-2.0 * std::log(u1)) *
                              std::cos(6.283185307179586 * u2));
  }
  return z;
}

// Logits on a 1/4096 grid in [-8, 8): exact in float, identical on every build (for golden tests).
inline std::vector<float> grid_logits(size_t n, uint64_t seed) {
  std::vector<float> z(n);
  for (size_t i = 0; i < n; ++i) {
    z[i] =
        static_cast<float>(
            logitkit::philox4x32_10({{uint32_t(i), 0, 0, 0}}, uint32_t(seed), 0).word[0] & 0xFFFF) /
            4096.0f -
        8.0f;
  }
  return z;
}

inline double max_of(const std::vector<float>& z) {
  return *std::max_element(z.begin(), z.end());
}

// softmax(z / T) in double.
inline std::vector<double> softmax(const std::vector<float>& z, double t) {
  const double m = max_of(z);
  std::vector<double> p(z.size());
  double s = 0;
  for (size_t i = 0; i < z.size(); ++i) s += p[i] = std::exp((double(z[i]) - m) / t);
  for (double& v : p) v /= s;
  return p;
}

inline double log_sum_exp(const std::vector<float>& z, double t) {
  const double m = max_of(z);
  double s = 0;
  for (float v : z) s += std::exp((double(v) - m) / t);
  return m / t + std::log(s);
}

// Indices in the order (value desc, index asc).
inline std::vector<int32_t> order(const std::vector<float>& z) {
  std::vector<int32_t> idx(z.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) { return z[a] > z[b]; });
  return idx;
}

}  // namespace ref
