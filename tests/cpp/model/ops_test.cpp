#include <doctest.h>

#include <cmath>
#include <vector>

#include "ops.h"

using namespace logitkit::model;

namespace {
float wobble(size_t i) {
  return std::sin(static_cast<float>(i) * 0.37f) * 0.5f;
}
}  // namespace

TEST_CASE(
    "matmul matches a float64 reference at sizes that exercise the 16-, 4- and 1-wide loops") {
  for (size_t n : {1u, 3u, 4u, 15u, 16u, 17u, 37u, 64u, 288u}) {
    const size_t d = 7;
    std::vector<float> w(n * d), x(n), out(d);
    for (size_t i = 0; i < w.size(); ++i) w[i] = wobble(i);
    for (size_t i = 0; i < n; ++i) x[i] = wobble(i + 1000);
    matmul(out.data(), x.data(), w.data(), n, d);
    for (size_t i = 0; i < d; ++i) {
      double ref = 0;
      for (size_t j = 0; j < n; ++j) ref += static_cast<double>(w[i * n + j]) * x[j];
      CHECK(out[i] == doctest::Approx(ref).epsilon(1e-5));
    }
  }
}

TEST_CASE("rmsnorm scales to unit root-mean-square, times the weight, and works in place") {
  std::vector<float> x = {3, -4, 0, 0}, w = {1, 2, 1, 1};
  rmsnorm(x.data(), x.data(), w.data(), 4);
  const double scale = 1.0 / std::sqrt(25.0 / 4 + 1e-5);
  CHECK(x[0] == doctest::Approx(3 * scale));
  CHECK(x[1] == doctest::Approx(-8 * scale));
  CHECK(x[2] == 0.0f);
}

TEST_CASE("softmax_inplace sums to 1 and is stable for large scores") {
  std::vector<float> x = {1000, 1001, 999};
  softmax_inplace(x.data(), 3);
  CHECK(x[0] + x[1] + x[2] == doctest::Approx(1.0));
  CHECK(x[1] > x[0]);
}

TEST_CASE("rope is the identity at position 0 and rotates pairs by pos * theta_i after") {
  std::vector<float> q = {1, 0, 1, 0, 1, 0, 1, 0}, k = {0, 1, 0, 1};
  rope(q.data(), k.data(), 8, 4, 4, 0);
  CHECK(q == std::vector<float>{1, 0, 1, 0, 1, 0, 1, 0});
  rope(q.data(), k.data(), 8, 4, 4, 3);
  // head_size 4: pair 0 has frequency 1, pair 1 has 10000^(-1/2) = 0.01.
  CHECK(q[0] == doctest::Approx(std::cos(3.0)));
  CHECK(q[1] == doctest::Approx(std::sin(3.0)));
  CHECK(q[2] == doctest::Approx(std::cos(0.03)));
  CHECK(q[4] == doctest::Approx(std::cos(3.0)));   // the next head starts again at frequency 1
  CHECK(k[0] == doctest::Approx(-std::sin(3.0)));  // keys rotate too, within kv_dim
  CHECK(k[1] == doctest::Approx(std::cos(3.0)));
}

TEST_CASE("swiglu gates by silu") {
  std::vector<float> a = {0, 2, -2}, b = {5, 1, 1};
  swiglu(a.data(), b.data(), 3);
  CHECK(a[0] == 0.0f);
  CHECK(a[1] == doctest::Approx(2 / (1 + std::exp(-2.0))));
  CHECK(a[2] == doctest::Approx(-2 / (1 + std::exp(2.0))));
}
