// Float64 references for every stage of the sampler chain, written from the reference
// implementations' formulas (not from logitkit's code): HF transformers logits_process.py
// (typical, epsilon, eta, no-repeat n-gram, top-p, min-p, top-k with ties, sequence bias, suppress
// tokens, min length), llama.cpp llama-sampling.cpp (top-n-sigma, XTC, temp_ext, mirostat v1/v2,
// DRY, penalties, its typical-p cut) and vLLM (bad words, allowed ids, the prompt / output penalty
// split). The versions read are listed in tests/js/stack-reference.mjs.
// Candidates are (id, z) with z the current (scaled) logit, as in llama.cpp's token data array;
// a filter erases candidates. Ties are ordered by lower id, logitkit's documented tie rule.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <vector>

namespace rf {

struct Cand {
  int32_t id;
  double z;
};
using List = std::vector<Cand>;

inline void sort_desc(List& c) {
  std::stable_sort(c.begin(), c.end(), [](const Cand& a, const Cand& b) {
    return a.z > b.z || (a.z == b.z && a.id < b.id);
  });
}

inline std::vector<double> probs(const List& c) {
  double m = -INFINITY;
  for (const Cand& x : c) m = std::max(m, x.z);
  std::vector<double> p(c.size());
  double s = 0;
  for (size_t i = 0; i < c.size(); ++i) s += p[i] = std::exp(c[i].z - m);
  for (double& v : p) v /= s;
  return p;
}

inline double entropy(const List& c) {
  const std::vector<double> p = probs(c);
  double h = 0;
  for (double v : p)
    if (v > 0) h -= v * std::log(v);
  return h;
}

inline void keep(List& c, size_t n) {
  if (n < c.size()) c.resize(n);
}

// llama_sampler_temp_impl: T <= 0 keeps the (first) maximum; else z /= T.
inline void temperature(List& c, double t) {
  if (t <= 0) {
    sort_desc(c);
    keep(c, 1);
    return;
  }
  for (Cand& x : c) x.z /= t;
}

// llama_sampler_temp_ext_apply.
inline void dynatemp(List& c, double t, double delta, double exponent) {
  if (delta <= 0) return temperature(c, t);
  if (c.size() <= 1) return;
  const double min_t = std::max(0.0, t - delta), max_t = t + delta;
  const double max_entropy = -std::log(1.0 / c.size());
  const double dyn = min_t + (max_t - min_t) * std::pow(entropy(c) / max_entropy, exponent);
  temperature(c, dyn);
}

inline void top_k(List& c, int k, size_t min_keep) {
  if (k <= 0) return;
  sort_desc(c);
  keep(c, std::max<size_t>(k, min_keep));
}

// HF TopKLogitsWarper / vLLM apply_top_k_top_p: every token >= the k-th largest logit (ties kept),
// k = max(k, min_keep).
inline void top_k_ties(List& c, int k, size_t min_keep) {
  if (k <= 0 || c.empty()) return;
  sort_desc(c);
  const double kth = c[std::min(std::max<size_t>(k, min_keep), c.size()) - 1].z;
  size_t len = 0;
  while (len < c.size() && c[len].z >= kth) ++len;
  keep(c, len);
}

// HF TopPLogitsWarper (ascending cumsum <= 1 - p removed) == the shortest prefix reaching p.
inline void top_p(List& c, double p, size_t min_keep) {
  if (p >= 1) return;
  sort_desc(c);
  const std::vector<double> pr = probs(c);
  double cum = 0;
  size_t len = c.size();
  for (size_t i = 0; i < c.size(); ++i) {
    cum += pr[i];
    if (cum >= p) {
      len = i + 1;
      break;
    }
  }
  keep(c, std::max(len, min_keep));
}

// HF MinPLogitsWarper.
inline void min_p(List& c, double mp, size_t min_keep) {
  if (mp <= 0) return;
  sort_desc(c);
  const std::vector<double> pr = probs(c);
  size_t len = 0;
  while (len < c.size() && pr[len] >= mp * pr[0]) ++len;
  keep(c, std::max(len, min_keep));
}

// The candidates' positions by |-log p - H| (ties: the order, which sort_desc fixes), with their
// probabilities and shifted scores.
struct Typicality {
  std::vector<double> pr, shifted;
  std::vector<size_t> ord;
};
inline Typicality by_typicality(List& c) {
  sort_desc(c);
  Typicality t;
  t.pr = probs(c);
  double ent = 0;
  for (double v : t.pr)
    if (v > 0) ent -= v * std::log(v);
  for (size_t i = 0; i < c.size(); ++i) {
    t.ord.push_back(i);
    t.shifted.push_back(std::fabs(-std::log(t.pr[i]) - ent));
  }
  std::stable_sort(t.ord.begin(), t.ord.end(),
                   [&](size_t a, size_t b) { return t.shifted[a] < t.shifted[b]; });
  return t;
}

// HF TypicalLogitsWarper.
inline void typical(List& c, double mass, size_t min_keep) {
  if (mass >= 1) return;
  const Typicality t = by_typicality(c);
  double cum = 0;
  size_t last_ind = 0;
  for (size_t q = 0; q < t.ord.size(); ++q) {
    cum += t.pr[t.ord[q]];
    if (cum < mass) ++last_ind;
  }
  last_ind = std::min(last_ind, c.size() - 1);
  const double cut = t.shifted[t.ord[last_ind]];
  List out;
  for (size_t q = 0; q < t.ord.size(); ++q) {
    if (t.shifted[t.ord[q]] <= cut || q < min_keep) out.push_back(c[t.ord[q]]);
  }
  c = out;
}

// llama_sampler_typical_apply: the same order, cut at the first position whose cumulative
// probability exceeds p (and at least min_keep), with no extension to ties.
inline void typical_llama(List& c, double mass, size_t min_keep) {
  if (mass >= 1) return;
  const Typicality t = by_typicality(c);
  double cum = 0;
  size_t last = t.ord.size();
  for (size_t q = 0; q < t.ord.size(); ++q) {
    cum += t.pr[t.ord[q]];
    if (cum > mass && (min_keep == 0 || q + 1 >= min_keep)) {
      last = q + 1;
      break;
    }
  }
  List out;
  for (size_t q = 0; q < last; ++q) out.push_back(c[t.ord[q]]);
  c = out;
}

// HF EpsilonLogitsWarper / EtaLogitsWarper: p >= threshold, and `scores >= topk(min_keep)[-1]`:
// with `ties`, every token tied with the min_keep-th (HF); without, exactly the first min_keep of
// the order (logitkit's default rule).
inline void cutoff(List& c, double threshold, size_t min_keep, bool ties) {
  sort_desc(c);
  const std::vector<double> pr = probs(c);
  const double kth = c.empty() ? 0 : c[std::min(min_keep, c.size()) - 1].z;
  List out;
  for (size_t i = 0; i < c.size(); ++i) {
    if (pr[i] >= threshold || i < min_keep || (ties && c[i].z >= kth)) out.push_back(c[i]);
  }
  c = out;
}
inline void epsilon(List& c, double eps, size_t min_keep, bool ties = false) {
  if (eps > 0) cutoff(c, eps, min_keep, ties);
}
inline void eta(List& c, double eps, size_t min_keep, bool ties = false) {
  if (eps <= 0) return;
  cutoff(c, std::min(eps, std::sqrt(eps) * std::exp(-entropy(c))), min_keep, ties);
}

// llama_sampler_top_n_sigma_apply.
inline void top_n_sigma(List& c, double n) {
  if (n <= 0 || c.size() <= 1) return;
  double max = -INFINITY, sum = 0;
  for (const Cand& x : c) {
    max = std::max(max, x.z);
    sum += x.z;
  }
  const double mean = sum / c.size();
  double acc = 0;
  for (const Cand& x : c) acc += (x.z - mean) * (x.z - mean);
  const double sd = std::sqrt(acc / c.size());
  List out;
  for (const Cand& x : c)
    if (!(x.z < max - n * sd)) out.push_back(x);
  c = out;
}

// llama_sample_xtc_apply with chance = u.
inline void xtc(List& c, double probability, double threshold, size_t min_keep, double u) {
  if (probability <= 0 || threshold > 0.5 || c.size() < 2) return;
  if (u > probability) return;
  sort_desc(c);
  const std::vector<double> pr = probs(c);
  size_t pos_last = 0;
  for (size_t i = 0; i < c.size(); ++i) {
    if (pr[i] >= threshold)
      pos_last = i;
    else
      break;
  }
  if (c.size() - pos_last >= min_keep && pos_last > 0) c.erase(c.begin(), c.begin() + pos_last);
}

// llama_sampler_mirostat_apply's truncation (v1), given mu.
inline void mirostat_v1(List& c, double mu, int m, size_t n_vocab) {
  sort_desc(c);
  const std::vector<double> pr = probs(c);
  double sum_ti_bi = 0, sum_ti_sq = 0;
  for (size_t i = 0; i < size_t(m - 1) && i + 1 < c.size(); ++i) {
    const double t_i = std::log(double(i + 2) / double(i + 1));
    const double b_i = std::log(pr[i] / pr[i + 1]);
    sum_ti_bi += t_i * b_i;
    sum_ti_sq += t_i * t_i;
  }
  if (sum_ti_sq == 0) return;
  const double s_hat = sum_ti_bi / sum_ti_sq;
  const double eps_hat = s_hat - 1;
  const double k =
      std::pow((eps_hat * std::pow(2, mu)) / (1 - std::pow(double(n_vocab), -eps_hat)), 1 / s_hat);
  keep(c, std::max<size_t>(k >= double(n_vocab) ? n_vocab : size_t(std::max(k, 1.0)), 1));
}

// llama_sampler_mirostat_v2_apply's truncation, given mu.
inline void mirostat_v2(List& c, double mu) {
  sort_desc(c);
  const std::vector<double> pr = probs(c);
  size_t len = 0;
  while (len < c.size() && !(-std::log2(pr[len]) > mu)) ++len;
  keep(c, std::max<size_t>(len, 1));
}

// ---- logit processors on the full row ----

inline std::vector<int32_t> last_n(const std::vector<int32_t>& h, int n) {
  const size_t w = n < 0 ? h.size() : std::min(h.size(), size_t(n));
  return std::vector<int32_t>(h.end() - w, h.end());
}

// Repetition penalty, once per distinct token of `seen`: z / r if z > 0, else z * r.
inline void repetition(std::vector<double>& z, const std::vector<int32_t>& seen, double rep) {
  for (int32_t t : std::set<int32_t>(seen.begin(), seen.end()))
    z[t] = z[t] > 0 ? z[t] / rep : z[t] * rep;
}

// OpenAI presence / frequency over `counted`: z -= frequency * count + presence * [count > 0].
inline void presence_frequency(std::vector<double>& z, const std::vector<int32_t>& counted,
                               double freq, double pres) {
  std::map<int32_t, int> count;
  for (int32_t t : counted) ++count[t];
  for (auto [t, n] : count) z[t] -= n * freq + (n > 0) * pres;
}

// llama_sampler_penalties_apply: both over the last `last_n` of one history.
inline void penalties(std::vector<double>& z, const std::vector<int32_t>& h, int last, double rep,
                      double freq, double pres) {
  const std::vector<int32_t> w = last_n(h, last);
  repetition(z, w, rep);
  presence_frequency(z, w, freq, pres);
}

// vLLM apply_penalties: repetition over prompt and output, presence / frequency over the output.
inline void penalties_split(std::vector<double>& z, const std::vector<int32_t>& prompt,
                            const std::vector<int32_t>& output, int last, double rep, double freq,
                            double pres) {
  std::vector<int32_t> all = prompt;
  all.insert(all.end(), output.begin(), output.end());
  repetition(z, last_n(all, last), rep);
  presence_frequency(z, last_n(output, last), freq, pres);
}

// HF _get_ngrams / _get_generated_ngrams: the tokens that would repeat an n-gram.
inline void no_repeat_ngram(std::vector<double>& z, const std::vector<int32_t>& h, size_t n) {
  if (n == 0 || h.size() + 1 < n) return;
  std::map<std::vector<int32_t>, std::vector<int32_t>> ngrams;
  for (size_t i = 0; i + n <= h.size(); ++i)
    ngrams[std::vector<int32_t>(h.begin() + i, h.begin() + i + n - 1)].push_back(h[i + n - 1]);
  const std::vector<int32_t> key(h.end() - (n - 1), h.end());
  for (int32_t t : ngrams[key]) z[t] = -INFINITY;
}

inline bool ends_with(const std::vector<int32_t>& h, const int32_t* prefix, size_t length) {
  return length <= h.size() && std::equal(prefix, prefix + length, h.end() - length);
}

// vLLM _apply_bad_words_single_batch (a word needs len(word) - 1 tokens of history) or, with
// `whole`, HF SequenceBiasLogitsProcessor (a word longer than input_ids is skipped).
inline void bad_words(std::vector<double>& z, const std::vector<int32_t>& h,
                      const std::vector<std::vector<int32_t>>& words, bool whole = false) {
  for (const auto& w : words) {
    if (w.size() > h.size() + (whole && w.size() > 1 ? 0 : 1)) continue;
    if (ends_with(h, w.data(), w.size() - 1)) z[w.back()] = -INFINITY;
  }
}

// HF SequenceBiasLogitsProcessor: a one-token sequence's bias always applies, a longer one's when
// input_ids (at least as long as it) ends with the rest; the last of equal sequences wins.
inline void sequence_bias(std::vector<double>& z, const std::vector<int32_t>& h,
                          const std::vector<std::pair<std::vector<int32_t>, double>>& pairs) {
  std::map<std::vector<int32_t>, double> bias;
  for (const auto& [seq, b] : pairs) bias[seq] = b;
  std::map<int32_t, double> add;
  for (const auto& [seq, b] : bias) {
    if (seq.size() > 1 && (seq.size() > h.size() || !ends_with(h, seq.data(), seq.size() - 1)))
      continue;
    add[seq.back()] += b;
  }
  for (auto [t, b] : add) z[t] += b;
}

// HF SuppressTokensLogitsProcessor (and SuppressTokensAtBegin at the first generated position).
inline void suppress(std::vector<double>& z, const std::vector<int32_t>& ids) {
  for (int32_t t : ids) z[t] = -INFINITY;
}

// The stop-token bans: HF MinLength (prompt + output < min_length), MinNewTokensLength and vLLM
// MinTokens (output < n), llama.cpp ignore_eos (always).
inline void stop_token_bans(std::vector<double>& z, const std::vector<int32_t>& stop, bool always,
                            size_t min_new_tokens, size_t min_length, size_t prompt_length,
                            size_t output_length) {
  if (always || output_length < min_new_tokens || prompt_length + output_length < min_length)
    suppress(z, stop);
}

// DRY by its definition (not llama.cpp's Z-algorithm): for every position q of the window whose
// next token exists, the length of the longest match between the window's suffix and the tokens
// ending at q (capped by the restart limit); the next token inherits it.
inline void dry(std::vector<double>& z, const std::vector<int32_t>& h, double mult, double base,
                int allowed, int last_n, const std::vector<std::vector<int32_t>>& breakers) {
  if (mult == 0 || base < 1 || last_n == 0) return;
  const int len = int(h.size());
  const int L = last_n < 0 ? len : std::min(len, last_n);
  if (L <= allowed) return;
  const int32_t* w = h.data() + (len - L);
  auto rat = [&](int i) { return w[L - 1 - i]; };
  int rep_limit = L;
  for (int i = 0; i < L; ++i) {
    int longest = -1;
    for (const auto& b : breakers) {
      const int tail = int(b.size()) - 1;
      if (b[0] != rat(i) || tail > i || tail <= longest) continue;
      bool match = true;
      for (int k = 0; k < tail; ++k) match = match && b[1 + k] == rat(i - k - 1);
      if (match) longest = tail;
    }
    if (longest >= 0) {
      rep_limit = i - longest;
      break;
    }
  }
  if (rep_limit < allowed) return;
  std::map<int32_t, int> best;
  for (int q = 0; q + 1 < L; ++q) {
    int m = 0;
    while (m <= q && w[q - m] == w[L - 1 - m] && q - m != L - 1 - m) ++m;
    m = std::min(m, rep_limit);
    if (m >= allowed) best[w[q + 1]] = std::max(best[w[q + 1]], m);
  }
  const int max_exponent = base > 1.000001 ? int(88.7228391 / std::log(base)) : 0;
  for (auto [t, m] : best) {
    bool single = false;
    for (const auto& b : breakers) single |= b.size() == 1 && b[0] == t;
    if (single) continue;
    int e = m - allowed;
    if (max_exponent > 0 && e > max_exponent) e = max_exponent;
    z[t] -= mult * std::pow(base, e);
  }
}

}  // namespace rf
