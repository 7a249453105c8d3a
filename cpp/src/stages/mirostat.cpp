// mirostat (llama.cpp mirostat v1 / v2): a running target surprise mu, 2 tau after configure() or
// reset(). v1 keeps the top k, k from the Zipf exponent fitted on the m best; v2 keeps
// -log2 p <= mu. After each draw, mu -= eta * (-log2 p(token) - tau), p in the final distribution.
#include <algorithm>
#include <cmath>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

constexpr double kLn2 = 0.6931471805599453;

// v2: keep -log2 p <= mu, a logit threshold.
Status apply_v2(Chain& c, double mu) {
  const MassStats st = mass_stats(c);
  return keep_at_least(c, logit_of_weight(c, std::log(st.mass) - mu * kLn2), 1);
}

// v1: k from the Zipf exponent s of the m best, k = (eps 2^mu / (1 - n^-eps))^(1 / s), eps = s - 1.
Status apply_v1(Chain& c, double mu) {
  const SamplingParams& p = c.p;
  const MassStats st = mass_stats(c);
  const size_t m = std::min<size_t>(static_cast<size_t>(std::max(p.mirostat_m, 1)), st.finite);
  if (m < 2) return {};
  // The m best candidates in order.
  const int32_t* best;
  if (c.listed) {
    list_sort_by_order(c);
    best = c.s.list.data();
  } else {
    const Status head = ensure_head(c, m);
    if (!head.ok()) return head;
    best = c.s.head_index.data();
  }
  double sum_ti_bi = 0, sum_ti_sq = 0;
  for (size_t i = 0; i + 1 < m; ++i) {
    const double t_i = std::log(static_cast<double>(i + 2) / static_cast<double>(i + 1));
    const double b_i =
        (static_cast<double>(c.z[best[i]]) - c.z[best[i + 1]]) * c.inv_t;  // log(p_i / p_{i+1})
    sum_ti_bi += t_i * b_i;
    sum_ti_sq += t_i * t_i;
  }
  const double s_hat = sum_ti_bi / sum_ti_sq;
  const double epsilon_hat = s_hat - 1;
  const double n = static_cast<double>(c.n);
  double k =
      std::pow((epsilon_hat * std::pow(2.0, mu)) / (1 - std::pow(n, -epsilon_hat)), 1 / s_hat);
  if (std::isnan(k)) k = std::pow(2.0, mu) / std::log(n);  // the limit at s_hat = 1
  const size_t keep = !(k >= 1) ? 1 : k >= n ? c.n : static_cast<size_t>(k);
  return keep_first(c, keep);
}

struct MirostatState {
  double mu = 10.0;  // 2 tau at the default tau
  bool copy_from(const MirostatState& o) {
    mu = o.mu;
    return true;
  }

  bool enabled(const SamplingParams& p) const { return p.mirostat == 1 || p.mirostat == 2; }
  Status apply(Chain& c) const { return c.p.mirostat == 2 ? apply_v2(c, mu) : apply_v1(c, mu); }
  void after_draw(const SamplingParams& p, const SampleResult& result) {
    mu -= p.mirostat_eta * (-result.logprob / kLn2 - p.mirostat_tau);
  }
  void reset(const SamplingParams& p) { mu = 2 * p.mirostat_tau; }
  double value() const { return mu; }
};

}  // namespace

extern const StageUnit kMirostatStage = unit_for<MirostatState>();

}  // namespace logitkit
