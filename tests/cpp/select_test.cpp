// top-k and top logprobs against a full stable sort.
#include <doctest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "logitkit/accuracy.h"
#include "logitkit/kernels.h"
#include "reference.h"

TEST_CASE("topK equals the first k of a stable descending sort, ties by lower index") {
  for (size_t n : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1000, 32000, 128256}) {
    std::vector<float> z = ref::normal_logits(n, 2.0, 300 + n);
    for (size_t i = 0; i < n; i += 7) z[i] = 1.5f;  // plenty of ties
    if (n > 3) z[2] = -std::numeric_limits<float>::infinity();
    const std::vector<int32_t> want = ref::order(z);
    for (size_t k : {size_t(1), size_t(2), size_t(5), size_t(50), n}) {
      if (k > n) continue;
      std::vector<int32_t> idx(k);
      std::vector<float> val(k);
      REQUIRE(logitkit::top_k(z.data(), n, k, idx.data(), val.data()).ok());
      INFO("n = " << n << ", k = " << k);
      for (size_t j = 0; j < k; ++j) {
        CHECK(idx[j] == want[j]);
        CHECK(val[j] == z[want[j]]);
      }
    }
  }
}

TEST_CASE("topK on adversarial orders: ascending input and all-equal input") {
  const size_t n = 5000;
  std::vector<float> ascending(n), equal(n, 0.0f);
  for (size_t i = 0; i < n; ++i) ascending[i] = float(i);
  std::vector<int32_t> idx(100);
  std::vector<float> val(100);
  REQUIRE(logitkit::top_k(ascending.data(), n, 100, idx.data(), val.data()).ok());
  for (int j = 0; j < 100; ++j) CHECK(idx[j] == int32_t(n - 1 - j));
  REQUIRE(logitkit::top_k(equal.data(), n, 100, idx.data(), val.data()).ok());
  for (int j = 0; j < 100; ++j) CHECK(idx[j] == j);
}

TEST_CASE("topLogprobs are the log-softmax of the top tokens") {
  const std::vector<float> z = ref::normal_logits(32000, 3.0, 5);
  const std::vector<int32_t> want = ref::order(z);
  for (double t : {0.5, 1.0, 2.0}) {
    std::vector<int32_t> idx(20);
    std::vector<float> lp(20);
    REQUIRE(logitkit::top_logprobs(z.data(), z.size(), 20, t, idx.data(), lp.data()).ok());
    const double lse = ref::log_sum_exp(z, t);
    for (int j = 0; j < 20; ++j) {
      CHECK(idx[j] == want[j]);
      CHECK(std::fabs(lp[j] - (double(z[want[j]]) / t - lse)) <=
            logitkit::accuracy::kLogSoftmaxAbsoluteError);
    }
  }
  std::vector<int32_t> idx(3);
  std::vector<float> lp(3);
  REQUIRE(logitkit::top_logprobs(z.data(), z.size(), 3, 0, idx.data(), lp.data()).ok());
  CHECK(lp[0] == 0.0f);
  CHECK(lp[1] == -std::numeric_limits<float>::infinity());
}
