// The working state of one sample() call and the helpers the stages share (internal).
//
// Candidates are in one of two forms:
// - prefix form (listed == false): the tokens of a prefix of the total order (logit desc, index
//   asc) of the whole vocabulary, described by `kept` (KeptSet) and its length `kept_len` (n: all).
//   The head of the order, its first `head_len` tokens, may be known sorted in s.head_index /
//   s.head_value. Weights exp((z - max) * inv_t) of every token sit in s.weights once computed at
//   the current scale.
// - list form (listed == true): explicit token ids in s.list (finite logits only), in index order,
//   in the order, or neither (list_by_index, list_by_order). Their logits are read from the
//   patched row z.
// A prefix filter whose result fits in the sorted head switches to the list form (cheap), so the
// full-vocabulary passes only run while the kept set is large.
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "debug_check.h"
#include "kept_set.h"
#include "logitkit/sampler.h"
#include "sampler_state.h"

namespace logitkit {

struct Chain {
  detail::SamplerState& s;
  const SamplingParams& p;
  float* z;
  size_t n;
  size_t min_keep;       // min_tokens_to_keep clamped to [1, n]
  uint64_t call;         // this call's stream position
  float max = 0;         // the largest logit among the candidates
  double temp = 1.0;     // current temperature: 1 until the temperature stage
  double inv_t = 1.0;    // 1 / temp (inverse_temperature)
  bool patched = false;  // a processor changed a logit
  // The filters have started: a processor now patches the current candidates only (llama.cpp's
  // chains, where penalties may follow top-k), at the current scale (see begin_late_patches).
  bool filtering = false;
  // sum exp(z - raw max) of the unpatched row at T = 1 (rawLogprob's normaliser), when a weights
  // pass computed it on the way; -1 otherwise.
  double raw_logprob_sum = -1;

  bool listed = false;  // which form the candidates are in (above)
  // prefix form
  KeptSet kept;
  size_t kept_len = 0;
  size_t head_len = 0;
  double weights_inv_t = 0;  // scale of s.weights; 0: not computed
  double weights_total = 0;  // their block sum over all n
  // list form
  bool list_by_index = false, list_by_order = false;
  double list_weights_inv_t = 0;  // scale of s.list_weights (with `max`); 0: stale

  Chain(detail::SamplerState& state, float* logits, size_t count)
      : s(state), p(state.params), z(logits), n(count) {}
};

// Float helpers.
float float_at_least(double x);  // smallest float f with (double)f >= x

// The logit whose weight exp((z - max) / T) is exp(log_weight): max + T * log_weight. A
// candidate's probability is its weight over the candidates' mass, so p >= r * p_max exactly when
// z >= logit_of_weight(c, log r).
inline double logit_of_weight(const Chain& c, double log_weight) {
  return static_cast<double>(c.max) + c.temp * log_weight;
}
// The logit of probability q among candidates whose weights sum to `mass` (MassStats::mass): a
// candidate has p >= q exactly when z >= logit_of_probability(c, q, mass).
inline double logit_of_probability(const Chain& c, double q, double mass) {
  return logit_of_weight(c, std::log(q) + std::log(mass));
}

// Records a patch (the original value) and writes the new logit, clamped: a value past FLT_MAX
// becomes FLT_MAX, one below -FLT_MAX (or -Infinity) masks the token.
Status patch_logit(Chain& c, int32_t token, double value);
// After the last processor: the candidates' maximum, and kAllBanned when no token is left.
Status finish_processors(Chain& c);

// Prefix form: makes s.weights valid at the current scale (one exp pass over n).
void ensure_weights(Chain& c);
// List form: makes s.list_weights valid (max = list max) at the current scale.
void ensure_list_weights(Chain& c);

// Makes the head of the order hold at least its first `length` tokens, sorted (length <= n).
Status ensure_head(Chain& c, size_t length);

// Moves to the list form (no-op when already there). O(kept_len) from the sorted head, else one
// pass over n.
Status to_list(Chain& c);
// Puts the candidates in the list form as they stand in s.list, whose known order is given.
enum class ListOrder { kByIndex, kByOrder, kNeither };
void enter_list_form(Chain& c, ListOrder order);
void list_sort_by_order(Chain& c);
void list_sort_by_index(Chain& c);
// Recomputes `max` over the list and marks its weights stale. The list must be non-empty.
void list_changed(Chain& c);

// Visits every candidate with a finite logit: visit(token, z, w) with w its weight at the current
// scale (prefix form: index order; list form: list order). for_each_logit: visit(token, z), no
// weights.
template <typename Visit>
void for_each_candidate(Chain& c, Visit visit);
template <typename Visit>
void for_each_logit(Chain& c, Visit visit);

// Keeps the first `length` candidates of the order (length >= 1).
Status keep_first(Chain& c, size_t length);
// Keeps the first `length` candidates of the order and every candidate tied with the last of them
// (HF's TopKLogitsWarper and vLLM's top-k remove only logits below the k-th).
Status keep_first_and_ties(Chain& c, size_t length);
// Keeps candidates with z >= cut (a logit), or, if fewer remain, the first `min_keep` of the
// order (with `ties`: and every candidate tied with the min_keep-th, as HF's warpers do).
Status keep_at_least(Chain& c, double cut, size_t min_keep, bool ties = false);

// A processor that may follow a filter (penalties and DRY, with llama.cpp's rules) works on the
// candidates as an explicit list when c.filtering: begin_late_patches before patching,
// end_late_patches after. An additive change to the scaled logit z / T is a change of T times as
// much to z.
Status begin_late_patches(Chain& c);
// kAllBanned when the patches banned every candidate.
Status end_late_patches(Chain& c);

// Sets the token's logit to -Infinity (a processor's ban); `out_of_range` (index: the token) for an
// id past n, the code naming where the id came from (a list, the history).
Status ban_token(Chain& c, int32_t token, Code out_of_range);
// ban_token for each token of a list; kBadListToken for one past n.
Status ban_tokens(Chain& c, const Buffer<int32_t>& tokens);

struct MassStats {
  double mass = 0;         // sum of weights (relative to max, at the current scale)
  double weighted = 0;     // sum of w * x with x = (z - max) * inv_t
  size_t finite = 0;       // candidates with a finite logit
  double entropy() const;  // in nats, of the renormalised distribution
};
MassStats mass_stats(Chain& c);

// ---- template definitions ----
constexpr float kNegInfinity = -std::numeric_limits<float>::infinity();

template <typename Visit>
void for_each_candidate(Chain& c, Visit visit) {
  if (c.listed) {
    ensure_list_weights(c);
    for (size_t j = 0; j < c.s.list.size(); ++j) {
      const int32_t t = c.s.list[j];
      visit(t, c.z[t], c.s.list_weights[j]);
    }
    return;
  }
  ensure_weights(c);
  for (size_t i = 0; i < c.n; ++i) {
    const float zi = c.z[i];
    if (zi != kNegInfinity && c.kept.contains(zi, static_cast<uint32_t>(i))) {
      visit(static_cast<int32_t>(i), zi, c.s.weights[i]);
    }
  }
}

template <typename Visit>
void for_each_logit(Chain& c, Visit visit) {
  if (c.listed) {
    for (size_t j = 0; j < c.s.list.size(); ++j) visit(c.s.list[j], c.z[c.s.list[j]]);
    return;
  }
  for (size_t i = 0; i < c.n; ++i) {
    const float zi = c.z[i];
    if (zi != kNegInfinity && c.kept.contains(zi, static_cast<uint32_t>(i)))
      visit(static_cast<int32_t>(i), zi);
  }
}

}  // namespace logitkit
