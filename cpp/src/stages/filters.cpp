// Filters. Each works on the current candidates' renormalised distribution at the current scale
// (1 before the temperature stage, 1/T after it) and keeps a subset of them.
//   prefix filters (a prefix of the order, so no sort on the full vocabulary): temperature 0,
//     topK, topP, minP, epsilon, eta, topNSigma, mirostat v1 (its k) and v2;
//   set filters on an explicit candidate list: typicalP (a sort by |-log p - H|: O(m log m) for m
//     candidates) and XTC (drops a prefix: one pass to build the list when it fires).
#include <algorithm>
#include <cmath>

#include "../chain.h"
#include "../mass_select.h"
#include "../passes.h"
#include "logitkit/kernels.h"
#include "logitkit/streams.h"

namespace logitkit {

namespace {
constexpr size_t kTopPFirstTry = 256;
constexpr double kLn2 = 0.6931471805599453;
}  // namespace

// Temperature, or llama.cpp's dynamic temperature (temp_ext) when dynatemp_range > 0:
// T = min_t + (max_t - min_t) * (H / ln N)^exponent over the N current candidates.
// T = 0 (or a dynamic T <= 0) is greedy: only the first maximum stays.
Status apply_temperature(Chain& c) {
  double t = c.p.temperature;
  if (c.p.dynatemp_range > 0) {
    const MassStats st = mass_stats(c);
    if (st.finite <= 1) return {};
    const double min_t = std::max(0.0, t - c.p.dynatemp_range), max_t = t + c.p.dynatemp_range;
    const double normalized = st.entropy() / std::log(static_cast<double>(st.finite));
    t = min_t + (max_t - min_t) * std::pow(normalized, c.p.dynatemp_exponent);
  }
  if (!(t > 0)) return keep_first(c, 1);
  c.temp = t;
  c.inv_t = inverse_temperature(t);
  return {};
}

// The k most probable (never fewer than min_tokens_to_keep).
Status apply_top_k(Chain& c) {
  if (c.p.top_k <= 0) return {};
  return keep_first(c, std::max<size_t>(static_cast<size_t>(c.p.top_k), c.min_keep));
}

// The smallest prefix whose mass reaches top_p of the candidates' mass (HF / llama.cpp).
Status apply_top_p(Chain& c) {
  if (c.p.top_p >= 1) return {};
  if (c.listed) {
    list_sort_by_order(c);
    ensure_list_weights(c);
    const Buffer<float>& w = c.s.list_weights;
    const size_t m = c.s.list.size();
    double mass = 0;
    for (size_t j = 0; j < m; ++j) mass += w[j];
    const double target = c.p.top_p * mass;
    double cumulative = 0;
    size_t length = m;
    for (size_t j = 0; j < m; ++j) {
      cumulative += w[j];
      if (cumulative >= target) {
        length = j + 1;
        break;
      }
    }
    return keep_first(c, std::max(length, c.min_keep));
  }
  ensure_weights(c);
  const size_t first_try = std::min(c.n, std::max(kTopPFirstTry, c.min_keep));
  const double mass = c.kept_len == c.n ? c.weights_total : mass_stats(c).mass;
  const double target = c.p.top_p * mass;
  // Every weight is <= 1 + kExactExpRelativeError (the maximum's is exactly 1), so when first_try
  // tokens cannot reach the target the first try would fail: skip it and go straight to the
  // wide-nucleus selection.
  const bool hopeless =
      c.head_len == 0 && c.kept_len == c.n && static_cast<double>(first_try) * 1.000001 < target;
  if (!hopeless) {
    if (c.head_len == 0) {
      if (!c.s.head_index.reserve(first_try) || !c.s.head_value.reserve(first_try))
        return {Code::kOutOfMemory, 0};
      top_k_unchecked(c.z, c.n, first_try, c.s.head_index.data(), c.s.head_value.data());
      c.head_len = first_try;
    }
    double cumulative = 0;
    for (size_t j = 0; j < std::min(c.kept_len, c.head_len); ++j) {
      cumulative += c.s.weights[c.s.head_index[j]];
      if (cumulative >= target)
        return keep_first(c, std::min(c.kept_len, std::max(j + 1, c.min_keep)));
    }
  }
  if (c.head_len < c.kept_len) {
    // The nucleus is wider than the first try: select on mass without sorting.
    if (!c.s.mass_index.reserve(c.n) || !c.s.mass_keys.reserve(c.n) ||
        !c.s.mass_weights.reserve(c.n) || !c.s.sample_keys.reserve(kMaxMassSamples))
      return {Code::kOutOfMemory, 0};
    const MassScratch scratch{c.s.mass_index.data(), c.s.mass_keys.data(), c.s.mass_weights.data(),
                              c.s.sample_keys.data()};
    c.kept_len =
        select_mass_prefix(c.z, c.s.weights.data(), c.n, c.weights_total, target, scratch, &c.kept);
    c.head_len = 0;  // the sorted first try says nothing about the wider prefix
  }
  return {};
}

// p_i >= min_p * p_max  <=>  z_i >= max + T ln(min_p): a logit threshold.
Status apply_min_p(Chain& c) {
  if (c.p.min_p <= 0) return {};
  return keep_at_least(c, static_cast<double>(c.max) + c.temp * std::log(c.p.min_p), c.min_keep);
}

// HF TypicalLogitsWarper: sort by |-log p_i - H|, keep the shortest such prefix whose mass
// reaches typical_p plus every token tied with its last, and at least min_tokens_to_keep.
Status apply_typical_p(Chain& c) {
  if (c.p.typical_p >= 1) return {};
  Status st = to_list(c);
  if (!st.ok()) return st;
  ensure_list_weights(c);
  detail::SamplerState& s = c.s;
  const size_t m = s.list.size();
  if (!s.typical_rank.resize(m) || !s.typical_distance.resize(m)) return {Code::kOutOfMemory, 0};
  double mass = 0;
  for (size_t j = 0; j < m; ++j) mass += s.list_weights[j];
  const double log_mass = std::log(mass);
  double entropy = 0;
  for (size_t j = 0; j < m; ++j) {
    const double w = s.list_weights[j];
    if (w > 0)
      entropy -= (w / mass) * ((static_cast<double>(c.z[s.list[j]]) - c.max) * c.inv_t - log_mass);
  }
  for (size_t j = 0; j < m; ++j) {
    const double log_p = (static_cast<double>(c.z[s.list[j]]) - c.max) * c.inv_t - log_mass;
    s.typical_distance[j] = std::fabs(-log_p - entropy);
    s.typical_rank[j] = static_cast<int32_t>(j);
  }
  const float* z = c.z;
  const int32_t* list = s.list.data();
  const double* shifted = s.typical_distance.data();
  std::sort(s.typical_rank.begin(), s.typical_rank.end(), [&](int32_t a, int32_t b) {
    if (shifted[a] != shifted[b]) return shifted[a] < shifted[b];
    return ranks_before(z[list[a]], list[a], z[list[b]], list[b]);
  });
  // last_ind = how many cumulative sums stay below typical_p, clamped to m - 1.
  double cumulative = 0;
  size_t below = 0;
  for (size_t q = 0; q < m; ++q) {
    cumulative += s.list_weights[s.typical_rank[q]] / mass;
    if (cumulative < c.p.typical_p)
      ++below;
    else
      break;
  }
  const double cut = shifted[s.typical_rank[std::min(below, m - 1)]];
  size_t length = 0;
  while (length < m && shifted[s.typical_rank[length]] <= cut) ++length;
  length = std::max(length, std::min(c.min_keep, m));
  if (length >= m) return {};
  for (size_t q = 0; q < length; ++q) s.typical_rank[q] = list[s.typical_rank[q]];
  s.list.assign(s.typical_rank.data(), length);
  c.list_by_index = c.list_by_order = false;
  list_changed(c);
  return {};
}

// HF EpsilonLogitsWarper: keep p_i >= epsilon (at least min_tokens_to_keep).
Status apply_epsilon(Chain& c) {
  if (c.p.epsilon_cutoff <= 0) return {};
  const MassStats st = mass_stats(c);
  return keep_at_least(
      c, static_cast<double>(c.max) + c.temp * (std::log(c.p.epsilon_cutoff) + std::log(st.mass)),
      c.min_keep);
}

// HF EtaLogitsWarper: keep p_i >= min(eta, sqrt(eta) * exp(-H)) (at least min_tokens_to_keep).
Status apply_eta(Chain& c) {
  if (c.p.eta_cutoff <= 0) return {};
  const MassStats st = mass_stats(c);
  const double eta = std::min(c.p.eta_cutoff, std::sqrt(c.p.eta_cutoff) * std::exp(-st.entropy()));
  return keep_at_least(c, static_cast<double>(c.max) + c.temp * (std::log(eta) + std::log(st.mass)),
                       c.min_keep);
}

// llama.cpp top_n_sigma: keep z >= max - n * std over the finite candidates. The ratio is
// scale-free, so it is the same before or after temperature.
Status apply_top_n_sigma(Chain& c) {
  if (!(c.p.top_n_sigma > 0)) return {};
  double sum = 0;
  size_t count = 0;
  for_each_logit(c, [&](int32_t, float z) {
    sum += z;
    ++count;
  });
  if (count <= 1) return {};
  const double mean = sum / static_cast<double>(count);
  double acc = 0;
  for_each_logit(c, [&](int32_t, float z) { acc += (z - mean) * (z - mean); });
  const double sigma = std::sqrt(acc / static_cast<double>(count));
  return keep_at_least(c, static_cast<double>(c.max) - c.p.top_n_sigma * sigma, 1);
}

// llama.cpp XTC: with probability xtc_probability (u from stream 1 of this call), drop every
// token with p >= threshold except the least probable of them, when at least two qualify and
// min_tokens_to_keep remain.
Status apply_xtc(Chain& c) {
  const double u = uniform01_stream(c.p.seed, c.call, Stream::kXtc);
  if (c.p.xtc_probability <= 0 || c.p.xtc_threshold > 0.5 || u > c.p.xtc_probability) return {};
  const MassStats st = mass_stats(c);
  if (st.finite < 2) return {};
  const float cut = float_at_least(static_cast<double>(c.max) +
                                   c.temp * (std::log(c.p.xtc_threshold) + std::log(st.mass)));
  size_t above = 0;  // candidates with p >= threshold: a prefix of the order
  for_each_logit(c, [&](int32_t, float z) { above += z >= cut; });
  const size_t drop = above > 0 ? above - 1 : 0;
  if (drop == 0 || st.finite - drop < c.min_keep) return {};
  if (c.listed) {
    list_sort_by_order(c);
    Buffer<int32_t>& list = c.s.list;
    for (size_t j = drop; j < list.size(); ++j) list[j - drop] = list[j];
    list.truncate(list.size() - drop);
    c.list_by_order = true;
    c.list_by_index = list.size() <= 1;
    list_changed(c);
    return {};
  }
  // Prefix form: the dropped tokens are the first `drop` of the order; gather the rest.
  if (drop > c.head_len) {
    if (!c.s.head_index.reserve(drop) || !c.s.head_value.reserve(drop))
      return {Code::kOutOfMemory, 0};
    top_k_unchecked(c.z, c.n, drop, c.s.head_index.data(), c.s.head_value.data());
    c.head_len = drop;
  }
  const KeptSet dropped = prefix_of(c.s.head_index.data(), c.s.head_value.data(), drop);
  Buffer<int32_t>& list = c.s.list;
  list.clear();
  if (!list.reserve(st.finite) || !c.s.list_weights.reserve(st.finite))
    return {Code::kOutOfMemory, 0};
  for (size_t i = 0; i < c.n; ++i) {
    const float zi = c.z[i];
    const uint32_t index = static_cast<uint32_t>(i);
    if (zi != kNegInfinity && c.kept.contains(zi, index) && !dropped.contains(zi, index))
      list.push_back(static_cast<int32_t>(i));
  }
  c.listed = true;
  c.list_by_index = true;
  c.list_by_order = false;
  list_changed(c);
  return {};
}

// llama.cpp mirostat (v1: top-k with k from the Zipf exponent of the m best; v2: keep
// -log2 p <= mu). mu is updated after the draw (sampler.cpp).
Status apply_mirostat(Chain& c) {
  const SamplingParams& p = c.p;
  if (p.mirostat == 2) {
    const MassStats st = mass_stats(c);
    const double cut = static_cast<double>(c.max) + c.temp * (std::log(st.mass) - c.s.mu * kLn2);
    return keep_at_least(c, cut, 1);
  }
  if (p.mirostat != 1) return {};
  const MassStats st = mass_stats(c);
  const size_t m = std::min<size_t>(static_cast<size_t>(std::max(p.mirostat_m, 1)), st.finite);
  if (m < 2) return {};
  // The m best candidates in order.
  const int32_t* best;
  if (c.listed) {
    list_sort_by_order(c);
    best = c.s.list.data();
  } else {
    if (c.head_len < m) {
      if (!c.s.head_index.reserve(m) || !c.s.head_value.reserve(m)) return {Code::kOutOfMemory, 0};
      top_k_unchecked(c.z, c.n, m, c.s.head_index.data(), c.s.head_value.data());
      c.head_len = m;
    }
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
      std::pow((epsilon_hat * std::pow(2.0, c.s.mu)) / (1 - std::pow(n, -epsilon_hat)), 1 / s_hat);
  if (std::isnan(k)) k = std::pow(2.0, c.s.mu) / std::log(n);  // the limit at s_hat = 1
  const size_t keep = !(k >= 1) ? 1 : k >= n ? c.n : static_cast<size_t>(k);
  return keep_first(c, keep);
}

}  // namespace logitkit
