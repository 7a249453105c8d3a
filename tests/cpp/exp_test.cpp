// The two exps of cpp/src/exp.h against exp in double, at their accuracy contracts
// (logitkit/accuracy.h), over arguments down to the flush-to-zero cutoff and temperatures across
// both sides of the exact exp's double fallback.
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
  for (double t : {1.0, 0.8, 0.37, 3.0, 1e-3, 1e3, 1e-29, 1e29, 1e-31, 1e31}) {
    for (float max : {0.0f, 7.25f, -3.0f, 95.0f}) {
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

TEST_CASE("exp_rounded_argument meets its contract, error growing with |x|") {
  for (double t : {1.0, 0.8, 0.37, 3.0, 1e-3, 1e3}) {
    for (float max : {0.0f, 7.25f, -3.0f, 95.0f}) {
      const double inv_t = logitkit::inverse_temperature(t);
      REQUIRE(rounded_argument_exp_applies(inv_t));
      const RoundedArgumentExp pass = rounded_argument_exp(max, inv_t);
      std::vector<float> z = sweep(max, t, 4001);
      z.push_back(-INFINITY);
      while (z.size() % kLanes != 0) z.push_back(max);
      bool within = true;
      for (size_t i = 0; i < z.size(); i += kLanes) {
        const std::vector<float> e = lanes_of(exp_rounded_argument(wasm_v128_load(&z[i]), pass));
        for (size_t q = 0; q < kLanes; ++q) {
          const double x = (double(z[i + q]) - max) * inv_t;
          const double want = std::exp(x);
          if (want < FLT_MIN) continue;
          const double bound = accuracy::kRoundedExpRelativeError +
                               std::fabs(x) * accuracy::kRoundedExpErrorPerUnitArgument;
          if (!(std::fabs(e[q] - want) <= bound * want)) {
            within = false;
            INFO("T = " << t << ", max = " << max << ", x = " << x << ", got " << e[q]);
            CHECK(std::fabs(e[q] - want) <= bound * want);
          }
        }
      }
      CHECK(within);
    }
  }
}

TEST_CASE("both exps give exactly 1 at the maximum and 0 for a masked token") {
  for (double t : {1.0, 0.5, 1e-6}) {
    const double inv_t = logitkit::inverse_temperature(t);
    const float z[4] = {2.5f, -INFINITY, 2.5f, -INFINITY};
    const std::vector<float> exact =
        lanes_of(exp_exact_argument(wasm_v128_load(z), exact_argument_exp(2.5f, inv_t)));
    const std::vector<float> rounded =
        lanes_of(exp_rounded_argument(wasm_v128_load(z), rounded_argument_exp(2.5f, inv_t)));
    CHECK(exact == std::vector<float>{1, 0, 1, 0});
    CHECK(rounded == std::vector<float>{1, 0, 1, 0});
  }
}
