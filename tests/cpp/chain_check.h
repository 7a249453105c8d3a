// Observing a sampler's final distribution (one draw with the whole vocabulary as the top list)
// and checking it against a float64 reference list: shared by the chain and compat doctests.
#pragma once
#include <doctest.h>

#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <vector>

#include "chain_reference.h"
#include "logitkit/sampler.h"

namespace rf {

struct Observed {
  logitkit::SampleResult r;
  std::map<int32_t, double> kept;  // token -> final logprob
  std::vector<int32_t> top;        // the whole top list
};

inline Observed observe(logitkit::Sampler& s, std::vector<float> z) {
  const size_t n = z.size();
  std::vector<int32_t> idx(n);
  std::vector<float> lp(n);
  Observed o;
  const logitkit::Status st = s.sample(z.data(), n, &o.r, {idx.data(), lp.data(), uint32_t(n)});
  REQUIRE(st.ok());
  for (size_t j = 0; j < n; ++j) {
    if (lp[j] != -std::numeric_limits<float>::infinity()) o.kept[idx[j]] = lp[j];
  }
  o.top = idx;
  return o;
}

// Same kept set, logprobs within 2e-5 of float64, the token inside, its rank in the order.
inline void check(const Observed& o, List ref) {
  std::set<int32_t> want;
  for (const Cand& x : ref) want.insert(x.id);
  std::set<int32_t> got;
  for (auto [t, lp] : o.kept) got.insert(t);
  CHECK(got == want);
  if (got != want) return;
  sort_desc(ref);
  const std::vector<double> p = probs(ref);
  for (size_t i = 0; i < ref.size(); ++i) {
    if (p[i] > 1e-30) CHECK(std::fabs(o.kept.at(ref[i].id) - std::log(p[i])) <= 2e-5);
    CHECK(o.top[i] == ref[i].id);  // the top list is the final distribution, most probable first
    if (ref[i].id == o.r.token) {
      CHECK(o.r.rank == i + 1);
      CHECK(std::fabs(o.r.logprob - std::log(p[i])) <= 2e-5);
    }
  }
  CHECK(want.count(o.r.token) == 1);
}

}  // namespace rf
