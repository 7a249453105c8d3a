// softmax, log-softmax, logSumExp, entropy and argmax against float64 references.
#include <doctest.h>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

#include "logitkit/accuracy.h"
#include "logitkit/kernels.h"
#include "reference.h"

using logitkit::Code;
namespace accuracy = logitkit::accuracy;

namespace {
const size_t kSizes[] = {1,  2,  3,  4,  5,  6,   7,   8,   9,    10,    11,     12,
                         13, 14, 15, 16, 17, 255, 256, 257, 1000, 32000, 128256, 262144};

// Checks the accuracy contracts (logitkit/accuracy.h) for one input and temperature.
void check_softmax_accuracy(const std::vector<float>& z, double t) {
  std::vector<float> p(z.size()), lp(z.size());
  REQUIRE(logitkit::softmax(z.data(), z.size(), t, p.data()).ok());
  REQUIRE(logitkit::log_softmax(z.data(), z.size(), t, lp.data()).ok());
  const std::vector<double> want = ref::softmax(z, t);
  const double lse = ref::log_sum_exp(z, t);
  double sum = 0, worst_rel = 0, worst_abs = 0;
  for (size_t i = 0; i < z.size(); ++i) {
    sum += p[i];
    if (want[i] >= accuracy::kSoftmaxRelativeErrorFrom)
      worst_rel = std::max(worst_rel, std::fabs(p[i] - want[i]) / want[i]);
    const double want_lp = double(z[i]) / t - lse;
    if (want_lp >= accuracy::kLogSoftmaxErrorFrom)
      worst_abs = std::max(worst_abs, std::fabs(lp[i] - want_lp));
  }
  INFO("n = " << z.size() << ", T = " << t);
  CHECK(worst_rel <= accuracy::kSoftmaxRelativeError);
  CHECK(std::fabs(sum - 1) <= accuracy::kSoftmaxSumError);
  CHECK(worst_abs <= accuracy::kLogSoftmaxAbsoluteError);
  double got_lse = 0;
  REQUIRE(logitkit::log_sum_exp(z.data(), z.size(), t, &got_lse).ok());
  CHECK(std::fabs(got_lse - lse) <= accuracy::kLogSumExpError * std::max(1.0, std::fabs(lse)));
}
}  // namespace

TEST_CASE("softmax reproduces the seed article's tables") {
  const std::vector<float> z = {8, 6, 5, -1};  // Paris, London, Rome, banana
  // The article's tables to 4 decimals (T = 1 Paris: 0.8437; the article's 0.8438 is a slip).
  const double want[3][4] = {{0.9796, 0.0179, 0.0024, 0.0000},   // T = 0.5
                             {0.8437, 0.1142, 0.0420, 0.0001},   // T = 1
                             {0.6242, 0.2296, 0.1393, 0.0069}};  // T = 2
  const double temps[3] = {0.5, 1, 2};
  for (int t = 0; t < 3; ++t) {
    std::vector<float> p(4);
    REQUIRE(logitkit::softmax(z.data(), 4, temps[t], p.data()).ok());
    const std::vector<double> exact = ref::softmax(z, temps[t]);
    for (int i = 0; i < 4; ++i) {
      CHECK(std::fabs(p[i] - want[t][i]) <= 0.00005);
      CHECK(std::fabs(p[i] - exact[i]) <= accuracy::kSoftmaxRelativeError * exact[i]);
    }
  }
}

TEST_CASE("softmax and log-softmax meet the accuracy bounds at every size around the vector tile") {
  for (size_t n : kSizes) {
    for (double t : {1.0, 0.7, 2.0}) check_softmax_accuracy(ref::normal_logits(n, 3.0, n), t);
  }
}

TEST_CASE("large logits near exp overflow are computed stably") {
  std::vector<float> z = ref::normal_logits(1000, 2.0, 7);
  for (float& v : z) v += 95.0f;  // expf(95) overflows float; subtracting the max avoids it
  check_softmax_accuracy(z, 1.0);
  z[3] = FLT_MAX;  // the largest finite logit is legal
  check_softmax_accuracy(z, 1.0);
}

TEST_CASE("extreme temperatures stay finite and normalised") {
  const std::vector<float> z = ref::normal_logits(1000, 3.0, 11);
  check_softmax_accuracy(z, 1e6);
  std::vector<float> p(z.size());
  REQUIRE(logitkit::softmax(z.data(), z.size(), 1e-6, p.data()).ok());
  uint32_t top = 0;
  REQUIRE(logitkit::argmax(z.data(), z.size(), &top).ok());
  CHECK(p[top] == 1.0f);
  REQUIRE(logitkit::softmax(z.data(), z.size(), 1e-45, p.data()).ok());  // 1/T overflows float
  CHECK(p[top] == 1.0f);
}

TEST_CASE(
    "the exp's argument is exact at every temperature, on both sides of its double fallback") {
  // Logits spread so that (z - max) / T covers the whole range down to p = 1e-30 and beyond,
  // with gaps whose float difference rounds (mixed magnitudes and signs). The float path covers
  // 1/T in [1e-30, 1e30]; outside it the argument is formed in double.
  for (double t :
       {1.0, 0.8, 0.37, 3.0, 1e-3, 1e3, 1e-29, 0.99e-30, 1.01e-30, 1e29, 0.99e30, 1.01e30}) {
    std::vector<float> z = ref::normal_logits(4099, 1.0, 23);
    for (size_t i = 0; i < z.size(); ++i)
      z[i] = static_cast<float>((z[i] * 25.0 + (i % 7 == 0 ? 40.0 : 0.0)) * t);
    check_softmax_accuracy(z, t);
  }
}

TEST_CASE("regression (fuzz): a denormal logit gap at T = 1e-300 is a huge gap, in sums too") {
  // 1/T overflows float: the cheap float-argument exp would see gap * FLT_MAX ~ -5e-7 and count
  // the zeros as ties of the maximum. log-softmax of the three tied maxima must be -log 3.
  const float tiny = std::numeric_limits<float>::denorm_min();
  const std::vector<float> z = {tiny, 0, tiny, 0, tiny};
  std::vector<float> lp(z.size());
  REQUIRE(logitkit::log_softmax(z.data(), z.size(), 1e-300, lp.data()).ok());
  CHECK(lp[0] == doctest::Approx(-std::log(3.0)).epsilon(1e-6));
  CHECK(lp[1] < -1e30f);
  double lse = 0;
  REQUIRE(logitkit::log_sum_exp(z.data(), z.size(), 1e-300, &lse).ok());
  CHECK(std::isfinite(lse));
}

TEST_CASE("-Infinity logits are masked tokens") {
  std::vector<float> z = {1, -ref::kInf, 2, -ref::kInf, 0.5f};
  std::vector<float> p(5), lp(5);
  REQUIRE(logitkit::softmax(z.data(), 5, 1, p.data()).ok());
  REQUIRE(logitkit::log_softmax(z.data(), 5, 1, lp.data()).ok());
  CHECK(p[1] == 0.0f);
  CHECK(p[3] == 0.0f);
  CHECK(lp[1] == -ref::kInf);
  CHECK(p[0] + p[2] + p[4] == doctest::Approx(1.0).epsilon(1e-6));
  double h = -1;
  REQUIRE(logitkit::entropy(z.data(), 5, 1, &h).ok());
  CHECK(std::isfinite(h));
}

TEST_CASE("temperature 0 is greedy: one-hot at the first maximum") {
  const std::vector<float> z = {1, 3, 3, -ref::kInf};
  std::vector<float> p(4), lp(4);
  REQUIRE(logitkit::softmax(z.data(), 4, 0, p.data()).ok());
  REQUIRE(logitkit::log_softmax(z.data(), 4, 0, lp.data()).ok());
  CHECK(p == std::vector<float>{0, 1, 0, 0});
  CHECK(lp == std::vector<float>{-ref::kInf, 0, -ref::kInf, -ref::kInf});
  double h = -1;
  REQUIRE(logitkit::entropy(z.data(), 4, 0, &h).ok());
  CHECK(h == 0);
}

TEST_CASE("entropy matches the float64 definition") {
  for (size_t n : {1, 5, 17, 1000, 32000}) {
    const std::vector<float> z = ref::normal_logits(n, 2.0, 100 + n);
    for (double t : {0.5, 1.0, 3.0}) {
      const std::vector<double> p = ref::softmax(z, t);
      double want = 0;
      for (double v : p) want -= v > 0 ? v * std::log(v) : 0;
      double got = 0;
      REQUIRE(logitkit::entropy(z.data(), n, t, &got).ok());
      CHECK(got == doctest::Approx(want).epsilon(accuracy::kEntropyRelativeError));
    }
  }
  const std::vector<float> uniform(1024, 0.25f);
  double h = 0;
  REQUIRE(logitkit::entropy(uniform.data(), uniform.size(), 1, &h).ok());
  CHECK(h == doctest::Approx(std::log(1024.0)).epsilon(1e-6));
}

TEST_CASE("argmax returns the lowest index among ties") {
  for (size_t n : kSizes) {
    std::vector<float> z(n, -1.0f);
    z[n / 2] = 5;
    z[n - 1] = 5;
    uint32_t got = 99;
    REQUIRE(logitkit::argmax(z.data(), n, &got).ok());
    CHECK(got == n / 2);
  }
}

TEST_CASE("invalid rows are reported with the first offending index") {
  for (size_t n : {1, 4, 17, 1000}) {
    std::vector<float> z(n, 0.5f), out(n);
    const size_t bad = n - 1;
    z[bad] = std::numeric_limits<float>::quiet_NaN();
    logitkit::Status s = logitkit::softmax(z.data(), n, 1, out.data());
    CHECK(s.code == Code::kNaN);
    CHECK(s.index == bad);
    z[bad] = ref::kInf;
    s = logitkit::log_softmax(z.data(), n, 1, out.data());
    CHECK(s.code == Code::kPositiveInf);
    CHECK(s.index == bad);
    std::fill(z.begin(), z.end(), -ref::kInf);
    uint32_t idx = 0;
    CHECK(logitkit::argmax(z.data(), n, &idx).code == Code::kAllNegativeInf);
  }
  // NaN before +Infinity: the first offending index wins.
  std::vector<float> z = {0, ref::kInf, std::numeric_limits<float>::quiet_NaN()};
  const logitkit::Scan scan = logitkit::scan_logits(z.data(), z.size());
  CHECK(scan.status.code == Code::kPositiveInf);
  CHECK(scan.status.index == 1);
}

TEST_CASE("a NaN is found through the exp pass's sum by every kernel, on both exp paths") {
  // softmax, logSoftmax, logSumExp and entropy take the max without a NaN test and find a NaN by
  // the sum it poisons; 1e-31 takes the exp's double path.
  const float nan = std::numeric_limits<float>::quiet_NaN();
  for (size_t n : {1, 5, 16, 17, 1000, 4099}) {
    for (size_t bad : {size_t{0}, n / 2, n - 1}) {
      for (double t : {1.0, 0.7, 1e-31}) {
        std::vector<float> z = ref::normal_logits(n, 2.0, n + bad);
        z[bad] = nan;
        if (n > 3) z[(bad + 2) % n] = nan;  // a later one is not reported
        const size_t first = n > 3 ? std::min(bad, (bad + 2) % n) : bad;
        std::vector<float> out(n);
        double scalar = 0;
        INFO("n = " << n << ", NaN at " << first << ", T = " << t);
        for (const logitkit::Status s : {logitkit::softmax(z.data(), n, t, out.data()),
                                         logitkit::log_softmax(z.data(), n, t, out.data()),
                                         logitkit::log_sum_exp(z.data(), n, t, &scalar),
                                         logitkit::entropy(z.data(), n, t, &scalar)}) {
          CHECK(s.code == Code::kNaN);
          CHECK(s.index == first);
        }
        // In place: the exp pass overwrites the row before the sum reveals the NaN, and the index
        // is still the first NaN's.
        const logitkit::Status s = logitkit::softmax(z.data(), n, t, z.data());
        CHECK(s.code == Code::kNaN);
        CHECK(s.index == first);
      }
    }
  }
}

TEST_CASE("regression: an overflowing row sum meeting -Infinity is not a NaN logit") {
  // scan_logits catches NaN by summing the row; 3e38 + 3e38 overflows to +Infinity in one lane,
  // and a masked token there makes that lane NaN without any NaN logit.
  std::vector<float> z(48, 1.0f);
  z[0] = 3e38f;
  z[16] = 3e38f;
  z[32] = -ref::kInf;
  uint32_t idx = 99;
  REQUIRE(logitkit::argmax(z.data(), z.size(), &idx).ok());
  CHECK(idx == 0);
  std::vector<int32_t> indices(2);
  std::vector<float> values(2);
  CHECK(logitkit::top_k(z.data(), z.size(), 2, indices.data(), values.data()).ok());
}

TEST_CASE("log-softmax at T = 1 (float path) stays within its bound down to -80") {
  // The worst case of (z - max) - log(sum) in float: |z - max| near 100 with log(sum) near 12,
  // and a maximum far from 0 so that z - max itself rounds.
  for (float max : {0.0f, 1000.5f, -377.25f}) {
    std::vector<float> z(262144, max);
    for (size_t i = 0; i < 4096; ++i)
      z[i * 64 + 1] = static_cast<float>(max - 60.0 - 40.0 * static_cast<double>(i) / 4095);
    std::vector<float> lp(z.size());
    REQUIRE(logitkit::log_softmax(z.data(), z.size(), 1, lp.data()).ok());
    const double lse = ref::log_sum_exp(z, 1);
    double worst = 0;
    for (size_t i = 0; i < z.size(); ++i) {
      const double want = double(z[i]) - lse;
      if (want >= accuracy::kLogSoftmaxErrorFrom) worst = std::max(worst, std::fabs(lp[i] - want));
    }
    INFO("max = " << max);
    CHECK(worst <= accuracy::kLogSoftmaxAbsoluteError);
  }
}
