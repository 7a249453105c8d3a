// The exp of cpp/src/exp.h against exp in double, at its accuracy contract (logitkit/accuracy.h),
// over arguments down to the flush-to-zero cutoff, temperatures and maxima across both sides of its
// double fallback. (bench/exp_accuracy.cpp checks every float of the range.)
#include <doctest.h>

#include <cfloat>
#include <cmath>
#include <vector>

#include "exp.h"
#include "logitkit/accuracy.h"
#include "logitkit/kernels.h"
#include "reference.h"

using namespace logitkit::simd;
namespace accuracy = logitkit::accuracy;

namespace {

// The four results of one vector of logits.
std::vector<float> lanes_of(v128_t v) {
  std::vector<float> out(kLanes);
  wasm_v128_store(out.data(), v);
  return out;
}

// Logits at and below `max` whose scaled gap (z - max) / T sweeps [-87, 0], rounded to float.
std::vector<float> sweep(float max, double t, size_t count) {
  std::vector<float> z(count);
  for (size_t i = 0; i < count; ++i)
    z[i] = static_cast<float>(max - 87.0 * t * static_cast<double>(i) / (count - 1));
  z[0] = max;
  return z;
}

}  // namespace

TEST_CASE("exp_exact_argument meets kExactExpRelativeError at every temperature") {
  for (double t :
       {1.0, 0.8, 0.37, 3.0, 1e-3, 1e3, 1e-6, 1e6, 1e-7, 1e7, 1e-29, 1e29, 1e-31, 1e31}) {
    for (float max : {0.0f, 7.25f, -3.0f, 95.0f, 2600.0f, -2600.0f, 3000.0f}) {
      const double inv_t = logitkit::inverse_temperature(t);
      const ExactArgumentExp pass = exact_argument_exp(max, inv_t);
      std::vector<float> z = sweep(max, t, 4001);
      z.push_back(-INFINITY);
      while (z.size() % kLanes != 0) z.push_back(max);
      double worst = 0;
      for (size_t i = 0; i < z.size(); i += kLanes) {
        const std::vector<float> e = lanes_of(exp_exact_argument(wasm_v128_load(&z[i]), pass));
        for (size_t q = 0; q < kLanes; ++q) {
          const double want = std::exp((double(z[i + q]) - max) * inv_t);
          if (want >= FLT_MIN) {
            worst = std::max(worst, std::fabs(e[q] - want) / want);
          } else {
            CHECK(e[q] <= FLT_MIN);  // flushed (or a denormal-range result)
          }
        }
      }
      INFO("T = " << t << ", max = " << max);
      CHECK(worst <= accuracy::kExactExpRelativeError);
    }
  }
}

TEST_CASE("the exp gives exactly 1 at the maximum and 0 for a masked token, on both paths") {
  // 1e-31 and 1e31 take the double path; the others the float path, whose constant term is tuned
  // per row so that the maximum gives exactly 1 (with max * log2(e) / T at, near and between
  // half-integers).
  for (double t : {1.0, 0.5, 0.8, 1e-6, 1e6, 1e-31, 1e31}) {
    for (float max : {2.5f, 0.0f, -7.0f, 0.34657359f, 1.0397208f, 87.0f, -1500.0f}) {
      const double inv_t = logitkit::inverse_temperature(t);
      const float m = static_cast<float>(max * t);
      const float z[4] = {m, -INFINITY, m, -INFINITY};
      const std::vector<float> exact =
          lanes_of(exp_exact_argument(wasm_v128_load(z), exact_argument_exp(m, inv_t)));
      INFO("T = " << t << ", max = " << m);
      CHECK(exact == std::vector<float>{1, 0, 1, 0});
    }
  }
}

TEST_CASE("the exp keeps NaN on both paths (the kernels find NaN logits through their sums)") {
  for (double t : {1.0, 0.7, 1e-31}) {
    const float z[4] = {1.0f, NAN, -INFINITY, 0.5f};
    const std::vector<float> e = lanes_of(exp_exact_argument(
        wasm_v128_load(z), exact_argument_exp(1.0f, logitkit::inverse_temperature(t))));
    INFO("T = " << t);
    CHECK(e[0] == 1.0f);
    CHECK(std::isnan(e[1]));
    CHECK(e[2] == 0.0f);
    CHECK(e[3] == doctest::Approx(std::exp(-0.5 * logitkit::inverse_temperature(t))));
  }
}

TEST_CASE("normaliser_exp (rawLogprob's T = 1 sum) meets its contract and keeps the sum's log") {
  for (float max : {0.0f, 7.25f, -3.0f, 0.34657359f, 95.0f, -15.081f, 2600.0f, -2600.0f}) {
    const NormaliserExp pass = normaliser_exp(max);
    std::vector<float> z = sweep(max, 1.0, 8001);
    z.push_back(-INFINITY);
    z.push_back(NAN);
    while (z.size() % kLanes != 0) z.push_back(max);
    double worst = 0, sum = 0, want_sum = 0;
    for (size_t i = 0; i < z.size(); i += kLanes) {
      const std::vector<float> e = lanes_of(normaliser_exp(wasm_v128_load(&z[i]), pass));
      for (size_t q = 0; q < kLanes; ++q) {
        const float zq = z[i + q];
        if (std::isnan(zq)) {
          CHECK(std::isnan(e[q]));
          continue;
        }
        const double want = std::exp(double(zq) - max);
        if (zq == max) CHECK(e[q] == 1.0f);
        if (zq == -INFINITY) CHECK(e[q] == 0.0f);
        if (double(zq) - max >= accuracy::kNormaliserExpErrorFrom)
          worst = std::max(worst, std::fabs(e[q] - want) / want);
        sum += e[q];
        want_sum += want;
      }
    }
    INFO("max = " << max);
    CHECK(worst <= accuracy::kNormaliserExpRelativeError);
    CHECK(std::fabs(std::log(sum) - std::log(want_sum)) <= accuracy::kSampleLogprobAbsoluteError);
  }
}
