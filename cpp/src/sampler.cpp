// The sampler: bias and penalties as in-place patches, then temperature, top-k, top-p, min-p as
// one kept prefix of the order (logit desc, index asc), then an inverse-CDF draw. No full sort:
// top-k is a heap selection, top-p first tries the 256 best tokens (as llama.cpp does) and
// otherwise runs a quickselect on probability mass, min-p is a logit threshold.
#include "logitkit/sampler.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "logitkit/kernels.h"
#include "logitkit/rng.h"
#include "kept_set.h"
#include "passes.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr size_t kTopPFirstTry = 256;

// Grows a malloc'd array to hold `need` elements. No exceptions and no abort: false on failure.
template <typename T>
bool grow(T*& array, size_t& capacity, size_t need) {
  if (need <= capacity) return true;
  void* grown = std::realloc(array, need * sizeof(T));
  if (grown == nullptr) return false;
  array = static_cast<T*>(grown);
  capacity = need;
  return true;
}

// Clamps a patched logit: a bias can push a large logit past FLT_MAX.
float finite_or_masked(double z) {
  if (z > FLT_MAX) return FLT_MAX;
  if (z < -FLT_MAX) return kNegInf;
  return static_cast<float>(z);
}

// Smallest float f with (double)f >= x, so that (float z >= f) <=> (z >= x) for every float z.
float float_at_least(double x) {
  float f = static_cast<float>(x);
  if (static_cast<double>(f) < x) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

}  // namespace

Sampler::~Sampler() {
  std::free(bias_tokens_);
  std::free(bias_values_);
  std::free(history_);
  std::free(patches_);
  std::free(window_);
  std::free(weights_);
  std::free(block_mass_);
  std::free(cand_index_);
  std::free(cand_value_);
}

Status Sampler::set_bias(const int32_t* tokens, const float* biases, uint32_t count) {
  size_t token_capacity = bias_count_, value_capacity = bias_count_;
  if (!grow(bias_tokens_, token_capacity, count) || !grow(bias_values_, value_capacity, count)) {
    bias_count_ = 0;
    return {Code::kOutOfMemory, 0};
  }
  std::copy(tokens, tokens + count, bias_tokens_);
  std::copy(biases, biases + count, bias_values_);
  bias_count_ = count;
  return {};
}

Status Sampler::accept(int32_t token) {
  if (token < 0) return {Code::kBadToken, 0};
  // A bounded window keeps the last penalty_last_n tokens; compact when the buffer fills.
  const int32_t last_n = params_.penalty_last_n;
  if (last_n >= 0 && history_size_ >= 2 * static_cast<size_t>(last_n) + 64) {
    std::copy(history_ + history_size_ - last_n, history_ + history_size_, history_);
    history_size_ = static_cast<size_t>(last_n);
  }
  if (history_size_ == history_capacity_ && !grow(history_, history_capacity_, std::max<size_t>(64, history_capacity_ * 2))) {
    return {Code::kOutOfMemory, 0};
  }
  history_[history_size_++] = token;
  return {};
}

void Sampler::reset() {
  history_size_ = 0;
  draws_ = 0;
}

bool Sampler::reserve(size_t n) {
  if (n <= scratch_n_) return true;
  size_t weight_capacity = scratch_n_, block_capacity = (scratch_n_ + kBlock - 1) / kBlock;
  if (!grow(weights_, weight_capacity, n) || !grow(block_mass_, block_capacity, (n + kBlock - 1) / kBlock)) return false;
  scratch_n_ = n;
  return true;
}

Status Sampler::apply_patches(float* logits, size_t n) {
  patch_count_ = 0;
  const bool penalize = params_.penalty_last_n != 0 && history_size_ > 0 &&
                        (params_.repetition_penalty != 1 || params_.presence_penalty != 0 ||
                         params_.frequency_penalty != 0);
  const size_t window = !penalize ? 0
                        : params_.penalty_last_n < 0
                            ? history_size_
                            : std::min(history_size_, static_cast<size_t>(params_.penalty_last_n));
  if (!grow(patches_, patch_capacity_, bias_count_ + window)) return {Code::kOutOfMemory, 0};

  for (uint32_t b = 0; b < bias_count_; ++b) {
    const int32_t token = bias_tokens_[b];
    if (token < 0 || static_cast<size_t>(token) >= n) return {Code::kBadToken, static_cast<uint32_t>(token)};
    patches_[patch_count_++] = {token, logits[token]};
    logits[token] = finite_or_masked(static_cast<double>(logits[token]) + bias_values_[b]);
  }
  if (window == 0) return {};

  // Count each distinct token of the window: sort a copy, then walk runs.
  if (!grow(window_, window_capacity_, window)) return {Code::kOutOfMemory, 0};
  std::copy(history_ + history_size_ - window, history_ + history_size_, window_);
  std::sort(window_, window_ + window);
  for (size_t run = 0; run < window;) {
    const int32_t token = window_[run];
    size_t end = run;
    while (end < window && window_[end] == token) ++end;
    if (static_cast<size_t>(token) >= n) return {Code::kBadToken, static_cast<uint32_t>(token)};
    const double count = static_cast<double>(end - run);
    double z = logits[token];
    if (params_.repetition_penalty != 1) z = z > 0 ? z / params_.repetition_penalty : z * params_.repetition_penalty;
    z -= params_.presence_penalty + params_.frequency_penalty * count;
    patches_[patch_count_++] = {token, logits[token]};
    logits[token] = finite_or_masked(z);
    run = end;
  }
  return {};
}

void Sampler::undo_patches(float* logits) {
  while (patch_count_ > 0) {
    const Patch& p = patches_[--patch_count_];
    logits[p.token] = p.original;
  }
}

bool Sampler::reserve_candidates(size_t need) {
  if (need <= cand_capacity_) return true;
  size_t index_capacity = cand_capacity_, value_capacity = cand_capacity_;
  if (!grow(cand_index_, index_capacity, need) || !grow(cand_value_, value_capacity, need)) return false;
  cand_capacity_ = need;
  return true;
}

Status Sampler::sample(float* logits, size_t n, SampleResult* result, const TopList& top) {
  const Scan raw = scan_logits(logits, n);
  if (!raw.status.ok()) return raw.status;
  const size_t top_n = std::min<size_t>(top.capacity, n);
  const size_t min_keep = std::min<size_t>(static_cast<size_t>(std::max(params_.min_tokens_to_keep, 1)), n);
  const size_t top_k = params_.top_k > 0 ? std::max<size_t>(static_cast<size_t>(params_.top_k), min_keep) : n;
  const bool use_top_k = top_k < n;
  const bool use_top_p = params_.top_p < 1;
  const bool use_min_p = params_.min_p > 0;
  const size_t first_try = std::min(n, std::max(kTopPFirstTry, min_keep));
  if (!reserve(n) || !reserve_candidates(std::max({top_n, use_top_k ? top_k : 0, first_try}))) {
    return {Code::kOutOfMemory, 0};
  }

  Status status = apply_patches(logits, n);
  Scan cur = raw;
  if (status.ok() && patch_count_ > 0) {
    cur = scan_logits(logits, n);
    if (cur.status.code == Code::kAllNegativeInf) status = {Code::kAllBanned, 0};
  }
  if (!status.ok()) {
    undo_patches(logits);
    return status;
  }
  double raw_sum = -1;  // sum exp(z - raw max) of the unpatched logits, once known
  // Draw c of the seed belongs to the c-th sample() call since the last reset, greedy or not.
  const double u = uniform01(params_.seed, draws_++);

  if (params_.temperature == 0) {
    // Greedy: the final distribution is one-hot at the first maximum.
    result->token = static_cast<int32_t>(first_index_of(logits, n, cur.max));
    result->logprob = 0;
    result->kept = 1;
    if (top_n > 0) {
      top_k_unchecked(logits, n, top_n, top.indices, top.logprobs);
      for (size_t j = 0; j < top_n; ++j) top.logprobs[j] = j == 0 ? 0.0f : kNegInf;
    }
  } else {
    const double inv_t = inverse_temperature(params_.temperature);
    // rawLogprob needs sum exp(z - max) of the unpatched logits: with no patches, the same pass
    // computes it (for free at T = 1).
    double total_mass;
    if (patch_count_ > 0) {
      total_mass = exp_store_sum(logits, n, cur.max, inv_t, weights_);
    } else if (inv_t == 1.0) {
      raw_sum = total_mass = exp_store_sum(logits, n, cur.max, inv_t, weights_);
    } else {
      total_mass = exp_store_sum_and_raw(logits, n, cur.max, inv_t, weights_, &raw_sum);
    }

    // Filters, each keeping a prefix of the order (logit desc, index asc). While the kept prefix
    // lies within the sorted candidates (kept_length <= sorted), it is read off them directly.
    KeptSet kept;
    size_t kept_length = n, sorted = 0;
    if (use_top_k) {
      top_k_unchecked(logits, n, top_k, cand_index_, cand_value_);
      sorted = kept_length = top_k;
      kept = prefix_of(cand_index_, cand_value_, kept_length);
    }
    if (use_top_p) {
      if (sorted == 0) {
        top_k_unchecked(logits, n, first_try, cand_index_, cand_value_);
        sorted = first_try;
      }
      double mass = 0;
      if (kept_length == n) {
        mass = total_mass;
      } else {
        for (size_t j = 0; j < kept_length; ++j) mass += weights_[cand_index_[j]];
      }
      const double target = params_.top_p * mass;
      double cumulative = 0;
      size_t length = 0;
      for (size_t j = 0; j < std::min(kept_length, sorted); ++j) {
        cumulative += weights_[cand_index_[j]];
        if (cumulative >= target) {
          length = j + 1;
          break;
        }
      }
      if (length > 0) {
        kept_length = std::min(kept_length, std::max(length, min_keep));
        kept = prefix_of(cand_index_, cand_value_, kept_length);
      } else if (sorted < kept_length) {
        // The nucleus is wider than the first try: select on mass without sorting.
        if (!reserve_candidates(n)) {
          undo_patches(logits);
          return {Code::kOutOfMemory, 0};
        }
        kept_length = select_mass_prefix(logits, weights_, n, total_mass, target, cand_index_, cand_value_, &kept);
        sorted = 0;  // the candidates are permuted now
      }
    }
    if (use_min_p) {
      // p_i >= min_p * p_max  <=>  z_i >= max + T * ln(min_p): a logit threshold.
      const float cut = float_at_least(static_cast<double>(cur.max) + params_.temperature * std::log(params_.min_p));
      size_t count = 0;
      float smallest = cut;
      if (kept_length <= sorted) {
        while (count < kept_length && cand_value_[count] >= cut) ++count;
      } else {
        count = count_at_least(logits, n, cut, &smallest);
      }
      if (count < kept_length) {
        if (count >= min_keep) {
          kept = kept_length <= sorted ? prefix_of(cand_index_, cand_value_, count) : KeptSet{smallest, kAllTies};
          kept_length = count;
        } else {
          if (kept_length > sorted) top_k_unchecked(logits, n, min_keep, cand_index_, cand_value_);
          kept_length = min_keep;
          kept = prefix_of(cand_index_, cand_value_, kept_length);
        }
      }
    }
    const Draw drawn = draw_kept(logits, weights_, n, kept, u, block_mass_);
    result->token = drawn.token;
    result->kept = drawn.kept;
    const double log_kept_mass = std::log(drawn.kept_mass);
    result->logprob = (static_cast<double>(logits[result->token]) - cur.max) * inv_t - log_kept_mass;
    if (top_n > 0) {
      top_k_unchecked(logits, n, top_n, top.indices, top.logprobs);
      for (size_t j = 0; j < top_n; ++j) {
        const float z = top.logprobs[j];
        top.logprobs[j] = kept.contains(z, static_cast<uint32_t>(top.indices[j]))
                              ? static_cast<float>((static_cast<double>(z) - cur.max) * inv_t - log_kept_mass)
                              : kNegInf;
      }
    }
  }

  undo_patches(logits);
  // The token's log-probability in softmax(logits) at T = 1, before bias, penalties and filters.
  if (raw_sum < 0) raw_sum = sum_exp(logits, n, raw.max, 1.0);
  result->raw_logprob = static_cast<double>(logits[result->token]) - raw.max - std::log(raw_sum);
  const Status accepted = accept(result->token);
  return accepted;
}

}  // namespace logitkit
