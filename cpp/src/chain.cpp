// Helpers shared by the stages: the two candidate forms, weights, patches, cuts and candidate
// statistics.
#include "chain.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <limits>

#include "exp.h"
#include "logitkit/kernels.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

float float_at_least(double x) {
  if (!(x > -std::numeric_limits<double>::infinity())) return kNegInfinity;
  if (x > 3.4028234663852886e38) return std::numeric_limits<float>::infinity();
  float f = static_cast<float>(x);
  if (static_cast<double>(f) < x) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

namespace {

// Clamps a patched logit: a bias can push a large logit past FLT_MAX.
float finite_or_masked(double z) {
  if (z > FLT_MAX) return FLT_MAX;
  if (z < -FLT_MAX) return kNegInfinity;
  return static_cast<float>(z);
}

// List form: drops the candidates whose logit a processor masked; kAllBanned when none is left.
Status drop_masked(Chain& c) {
  Buffer<int32_t>& list = c.s.list;
  size_t out = 0;
  for (size_t j = 0; j < list.size(); ++j) {
    if (c.z[list[j]] != kNegInfinity) list[out++] = list[j];
  }
  list.truncate(out);
  return out == 0 ? Status{Code::kAllBanned, 0} : Status{};
}

}  // namespace

Status patch_logit(Chain& c, int32_t token, double value) {
  if (!c.s.patches.push_back({token, c.z[token]})) return {Code::kOutOfMemory, 0};
  c.z[token] = finite_or_masked(value);
  c.patched = true;
  return {};
}

Status finish_processors(Chain& c) {
  if (c.listed) {
    const Status st = drop_masked(c);
    if (st.ok()) list_changed(c);
    return st;
  }
  if (!c.patched) return {};
  const Scan cur = scan_logits(c.z, c.n);
  if (cur.status.code == Code::kAllNegativeInf) return {Code::kAllBanned, 0};
  c.max = cur.max;
  return {};
}

void ensure_weights(Chain& c) {
  if (c.weights_inv_t == c.inv_t) return;
  float* w = c.s.weights.data();
  // rawLogprob needs sum exp(z - max) of the unpatched row: with no patches the same pass gives it.
  if (!c.patched && c.raw_logprob_sum < 0 && c.inv_t == 1.0) {
    c.raw_logprob_sum = c.weights_total = exact_exp_store_sum(c.z, c.n, c.max, c.inv_t, w);
  } else if (!c.patched && c.raw_logprob_sum < 0) {
    c.weights_total =
        weights_store_sum_and_unit_temperature_sum(c.z, c.n, c.max, c.inv_t, w, &c.raw_logprob_sum);
  } else {
    c.weights_total = exact_exp_store_sum(c.z, c.n, c.max, c.inv_t, w);
  }
  c.weights_inv_t = c.inv_t;
}

void ensure_list_weights(Chain& c) {
  if (c.list_weights_inv_t == c.inv_t) return;
  const ExactArgumentExp pass = exact_argument_exp(c.max, c.inv_t);
  const size_t m = c.s.list.size();
  c.s.list_weights.resize(m);  // reserved with the list (to_list / allowed tokens): no allocation
  const int32_t* idx = c.s.list.data();
  float* w = c.s.list_weights.data();
  // Gathered 4 at a time through the same exp as the prefix form, so a token's weight is the same
  // float in both forms.
  for (size_t j = 0; j < m; j += kLanes) {
    float lanes[kLanes] = {kNegInfinity, kNegInfinity, kNegInfinity, kNegInfinity};
    const size_t count = std::min(kLanes, m - j);
    for (size_t q = 0; q < count; ++q) lanes[q] = c.z[idx[j + q]];
    const v128_t e = exp_exact_argument(wasm_v128_load(lanes), pass);
    store_tail(w + j, count, e);
  }
  c.list_weights_inv_t = c.inv_t;
}

void list_changed(Chain& c) {
  LOGITKIT_DEBUG_CHECK(!c.s.list.empty(), "list_changed needs a candidate");
  float max = kNegInfinity;
  for (int32_t t : c.s.list) max = std::max(max, c.z[t]);
  c.max = max;
  c.list_weights_inv_t = 0;
  if (c.s.list.size() <= 1) c.list_by_index = c.list_by_order = true;
}

Status to_list(Chain& c) {
  if (c.listed) return {};
  Buffer<int32_t>& list = c.s.list;
  list.clear();
  if (c.kept_len <= c.head_len) {
    if (!list.reserve(c.kept_len) || !c.s.list_weights.reserve(c.kept_len))
      return {Code::kOutOfMemory, 0};
    for (size_t j = 0; j < c.kept_len; ++j) {
      if (c.s.head_value[j] != kNegInfinity) list.push_back(c.s.head_index[j]);
    }
    enter_list_form(c, ListOrder::kByOrder);
  } else {
    if (!list.reserve(std::min(c.kept_len, c.n)) ||
        !c.s.list_weights.reserve(std::min(c.kept_len, c.n))) {
      return {Code::kOutOfMemory, 0};
    }
    for (size_t i = 0; i < c.n; ++i) {
      if (c.z[i] != kNegInfinity && c.kept.contains(c.z[i], static_cast<uint32_t>(i)))
        list.push_back(static_cast<int32_t>(i));
    }
    enter_list_form(c, ListOrder::kByIndex);
  }
  list_changed(c);
  return {};
}

void enter_list_form(Chain& c, ListOrder order) {
  c.listed = true;
  c.list_by_index = order == ListOrder::kByIndex;
  c.list_by_order = order == ListOrder::kByOrder;
}

Status ensure_head(Chain& c, size_t length) {
  if (length <= c.head_len) return {};
  if (!c.s.head_index.reserve(length) || !c.s.head_value.reserve(length))
    return {Code::kOutOfMemory, 0};
  top_k_unchecked(c.z, c.n, length, c.s.head_index.data(), c.s.head_value.data());
  c.head_len = length;
  return {};
}

void list_sort_by_order(Chain& c) {
  if (c.list_by_order) return;
  const float* z = c.z;
  std::sort(c.s.list.begin(), c.s.list.end(),
            [z](int32_t a, int32_t b) { return ranks_before(z[a], a, z[b], b); });
  c.list_by_order = true;
  c.list_by_index = c.s.list.size() <= 1;
  c.list_weights_inv_t = 0;
}

void list_sort_by_index(Chain& c) {
  if (c.list_by_index) return;
  std::sort(c.s.list.begin(), c.s.list.end());
  c.list_by_index = true;
  c.list_by_order = c.s.list.size() <= 1;
  c.list_weights_inv_t = 0;
}

Status keep_first(Chain& c, size_t length) {
  length = std::max<size_t>(length, 1);
  if (c.listed) {
    if (length >= c.s.list.size()) return {};
    list_sort_by_order(c);
    c.s.list.truncate(length);
    list_changed(c);
    return {};
  }
  if (length >= c.kept_len) return {};
  const Status st = ensure_head(c, length);
  if (!st.ok()) return st;
  c.kept_len = length;
  c.kept = prefix_of(c.s.head_index.data(), c.s.head_value.data(), length);
  return to_list(c);
}

Status keep_first_and_ties(Chain& c, size_t length) {
  length = std::max<size_t>(length, 1);
  if (c.listed) {
    if (length >= c.s.list.size()) return {};
    list_sort_by_order(c);
    return keep_at_least(c, c.z[c.s.list[length - 1]], length);
  }
  if (length >= c.kept_len) return {};
  const Status st = ensure_head(c, length);
  if (!st.ok()) return st;
  return keep_at_least(c, c.s.head_value[length - 1], length);
}

Status keep_at_least(Chain& c, double cut, size_t min_keep, bool ties) {
  const float f = float_at_least(cut);
  if (c.listed) {
    Buffer<int32_t>& list = c.s.list;
    size_t count = 0;
    for (int32_t t : list) count += c.z[t] >= f;
    if (count >= list.size()) return {};
    if (count >= min_keep && count > 0) {
      size_t out = 0;
      for (size_t j = 0; j < list.size(); ++j) {
        if (c.z[list[j]] >= f) list[out++] = list[j];
      }
      list.truncate(out);
      list_changed(c);
      return {};
    }
    return ties ? keep_first_and_ties(c, min_keep) : keep_first(c, min_keep);
  }
  float smallest = f;
  const size_t count = count_at_least(c.z, c.n, f, &smallest);
  if (count >= c.kept_len) return {};
  if (count >= min_keep && count > 0) {
    // Every token >= f, ties included: a prefix of the order ending at the smallest such logit.
    c.kept = KeptSet{smallest, kAllTies};
    c.kept_len = count;
    if (count <= c.head_len) {
      c.kept = prefix_of(c.s.head_index.data(), c.s.head_value.data(), count);
      return to_list(c);
    }
    return {};
  }
  const size_t length = std::min(min_keep, c.kept_len);
  return ties ? keep_first_and_ties(c, length) : keep_first(c, length);
}

Status begin_late_patches(Chain& c) {
  return to_list(c);
}

Status end_late_patches(Chain& c) {
  const Status st = drop_masked(c);
  if (!st.ok()) return st;
  // The patched logits may reorder the candidates; their ids are unchanged.
  c.list_by_order = c.s.list.size() <= 1;
  list_changed(c);
  return {};
}

Status ban_token(Chain& c, int32_t token, Code out_of_range) {
  if (static_cast<size_t>(token) >= c.n) return {out_of_range, static_cast<uint32_t>(token)};
  if (c.z[token] == kNegInfinity) return {};
  return patch_logit(c, token, -std::numeric_limits<double>::infinity());
}

Status ban_tokens(Chain& c, const Buffer<int32_t>& tokens) {
  for (int32_t token : tokens) {
    const Status st = ban_token(c, token, Code::kBadListToken);
    if (!st.ok()) return st;
  }
  return {};
}

double MassStats::entropy() const {
  if (mass <= 0) return 0;
  const double h = std::log(mass) - weighted / mass;
  return h > 0 ? h : 0;
}

MassStats mass_stats(Chain& c) {
  MassStats st;
  const double max = c.max, inv_t = c.inv_t;
  for_each_candidate(c, [&](int32_t, float z, float w) {
    ++st.finite;
    if (w > 0) {
      st.mass += w;
      st.weighted += static_cast<double>(w) * ((static_cast<double>(z) - max) * inv_t);
    }
  });
  return st;
}

}  // namespace logitkit
