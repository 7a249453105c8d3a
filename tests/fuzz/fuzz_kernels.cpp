// libFuzzer harness for the stateless kernels. Invariants, on every input:
// - a row with NaN / +Infinity / only -Infinity is reported with the first offending index;
// - otherwise softmax is in [0, 1] and meets its contracts against float64 (logitkit/accuracy.h:
//   relative error where p is not tiny, the sum); log-softmax is <= 0 and meets its contract;
//   logSumExp and entropy are finite and entropy is in [0, log n]; argmax is the first maximum;
//   top-k is the stable-sorted prefix; top logprobs agree with log-softmax (to float precision
//   below the contract's range).
// Any violation aborts (so libFuzzer saves the input); ASan/UBSan catch out-of-bounds and UB.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>
#include <vector>

#include "fuzz_input.h"
#include "logitkit/accuracy.h"
#include "logitkit/kernels.h"

namespace {

namespace accuracy = logitkit::accuracy;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Bytes in(data, size);
  const double t = fuzz::temperature(in);
  const std::vector<float> z = fuzz::logits(in, 2048);
  const size_t n = z.size();
  const size_t k = 1 + in.u16() % n;
  std::vector<float> p(n), lp(n), values(k);
  std::vector<int32_t> indices(k);

  const fuzz::Expected want = fuzz::expected_status(z);
  const logitkit::Status s = logitkit::softmax(z.data(), n, t, p.data());
  check(static_cast<int>(s.code) == want.code && s.index == want.index,
        "status and index of an invalid row");
  check(static_cast<int>(logitkit::log_softmax(z.data(), n, t, lp.data()).code) == want.code,
        "log_softmax status");
  check(static_cast<int>(logitkit::top_k(z.data(), n, k, indices.data(), values.data()).code) ==
            want.code,
        "top_k status");
  if (want.code != 0) return 0;

  // Float64 reference of softmax(z / T); T = 0 is one-hot at the first maximum.
  const float max = *std::max_element(z.begin(), z.end());
  const size_t first_max = static_cast<size_t>(std::find(z.begin(), z.end(), max) - z.begin());
  std::vector<double> ref(n, 0.0);
  double lse = 0;
  if (t == 0) {
    ref[first_max] = 1;
  } else {
    const double inv = std::min(1.0 / t, 1e300);
    double sum = 0;
    for (size_t i = 0; i < n; ++i) sum += ref[i] = std::exp((double(z[i]) - max) * inv);
    for (double& r : ref) r /= sum;
    lse = double(max) * inv + std::log(sum);
  }
  double total = 0;
  for (size_t i = 0; i < n; ++i) {
    check(p[i] >= 0 && p[i] <= 1, "probability in [0, 1]");
    total += p[i];
    if (ref[i] >= accuracy::kSoftmaxRelativeErrorFrom)
      check(std::fabs(p[i] - ref[i]) <= accuracy::kSoftmaxRelativeError * ref[i],
            "softmax within kSoftmaxRelativeError of float64");
    check(!(lp[i] > 1e-6f), "log-softmax <= 0");
    if (t > 0 && ref[i] > 0) {
      const double want_lp = std::log(ref[i]);
      if (want_lp >= accuracy::kLogSoftmaxErrorFrom)
        check(std::fabs(lp[i] - want_lp) <= accuracy::kLogSoftmaxAbsoluteError,
              "log-softmax within kLogSoftmaxAbsoluteError of float64");
    }
  }
  check(std::fabs(total - 1) <= accuracy::kSoftmaxSumError, "softmax sums to 1");

  uint32_t top = 0;
  check(logitkit::argmax(z.data(), n, &top).ok() && top == first_max,
        "argmax is the first maximum");
  double h = -1;
  check(logitkit::entropy(z.data(), n, t, &h).ok(), "entropy ok");
  check(h >= 0 && h <= std::log(double(n)) + 1e-6, "entropy in [0, log n]");
  if (t > 0) {
    double got = 0;
    check(logitkit::log_sum_exp(z.data(), n, t, &got).ok(), "logSumExp ok");
    // max / T can exceed the double range (FLT_MAX / 1e-300): then both are the same infinity.
    check(got == lse ||
              std::fabs(got - lse) <= accuracy::kLogSumExpError * std::max(1.0, std::fabs(lse)),
          "logSumExp matches float64");
  }

  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return z[a] > z[b]; });
  for (size_t j = 0; j < k; ++j) check(indices[j] == order[j], "top_k is the stable-sorted prefix");
  std::vector<float> top_lp(k);
  check(logitkit::top_logprobs(z.data(), n, k, t, indices.data(), top_lp.data()).ok(),
        "top_logprobs ok");
  for (size_t j = 0; j < k; ++j) {
    check(indices[j] == order[j], "top_logprobs order");
    // Within the contract's range both are within kLogSoftmaxAbsoluteError of float64. Below it
    // (entries like -1.2e6 from a logit of 1.2e6) log_softmax's T = 1 path rounds z - max and the
    // result in float, top_logprobs once from double: they agree to float precision, a few ulps.
    const float got = top_lp[j], want = lp[order[j]];
    const double tolerance =
        accuracy::kLogSoftmaxAbsoluteError +
        (want < accuracy::kLogSoftmaxErrorFrom ? 2 * FLT_EPSILON * std::fabs(want) : 0.0);
    check(got == want || std::fabs(got - want) <= tolerance, "top_logprobs = log-softmax");
  }
  return 0;
}
