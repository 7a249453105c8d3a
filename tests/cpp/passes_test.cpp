// Each pass on its own, XNNPACK style: at every size around its vector tile (1-9, 15-17), its
// unrolled step (8 and 16 logits), its 256-logit block and a few blocks, against a float64 or
// plain-loop reference; bit for bit where the pass's contract fixes the arithmetic (counts, keys,
// the blocked sum's order, draw_list reproducing draw_kept), within a stated bound elsewhere.
#include <doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "draw.h"
#include "exp.h"
#include "logitkit/accuracy.h"
#include "logitkit/kernels.h"
#include "logitkit/rng.h"
#include "mass_select.h"
#include "passes.h"
#include "reference.h"

namespace {

using logitkit::KeptSet;
namespace accuracy = logitkit::accuracy;

const size_t kSizes[] = {1,  2,  3,  4,  5,   6,   7,   8,   9,   15,  16,   17,   23,  24,
                         25, 31, 32, 33, 255, 256, 257, 511, 512, 513, 1023, 1024, 1025};

// Normal logits with ties every 5th token and a -Infinity (masked) every 7th, from the seed.
std::vector<float> row(size_t n, double sigma, uint64_t seed) {
  std::vector<float> z = ref::normal_logits(n, sigma, seed);
  for (size_t i = 5; i < n; i += 5) z[i] = z[0];
  for (size_t i = 3; i < n; i += 7) z[i] = -ref::kInf;
  return z;
}

double max_of(const std::vector<float>& z) {
  return *std::max_element(z.begin(), z.end());
}

// A row (row()) with its sampling weights at 1/T = inv_t, from exact_exp_store_sum.
struct WeightedRow {
  std::vector<float> z;
  float max;
  std::vector<float> w;
  double total;
};
WeightedRow weighted_row(size_t n, double sigma, uint64_t seed, double inv_t) {
  WeightedRow r{row(n, sigma, seed), 0, std::vector<float>(n), 0};
  r.max = static_cast<float>(max_of(r.z));
  r.total = logitkit::exact_exp_store_sum(r.z.data(), n, r.max, inv_t, r.w.data());
  return r;
}

// The blocked sum's documented order (block_sum.h), scalar: per block of 256 values, lane l of
// accumulator 0 sums values 8k + l and accumulator 1 values 8k + 4 + l over whole steps of 8;
// the leftover groups of 4 go to accumulator 0; each block adds (a0 + a1) lane-wise, then
// (l0 + l1) + (l2 + l3), in float, to a double total.
double blocked_sum(const float* v, size_t n) {
  double total = 0;
  for (size_t block = 0; block < n; block += 256) {
    const size_t end = std::min(n, block + 256);
    float a0[4] = {0, 0, 0, 0}, a1[4] = {0, 0, 0, 0};
    size_t i = block;
    for (; i + 8 <= end; i += 8) {
      for (size_t l = 0; l < 4; ++l) {
        a0[l] += v[i + l];
        a1[l] += v[i + 4 + l];
      }
    }
    for (; i < end; i += 4) {
      for (size_t l = 0; l < 4 && i + l < end; ++l) a0[l] += v[i + l];
    }
    float s[4];
    for (size_t l = 0; l < 4; ++l) s[l] = a0[l] + a1[l];
    total += static_cast<double>((s[0] + s[1]) + (s[2] + s[3]));
  }
  return total;
}

// exp((z - max) / T) of every logit through an exp of exp.h, four at a time (the tail padded).
template <typename Exp>
std::vector<float> exps(const std::vector<float>& z, Exp exp) {
  std::vector<float> out(z.size());
  for (size_t i = 0; i < z.size(); i += 4) {
    float lanes[4] = {-ref::kInf, -ref::kInf, -ref::kInf, -ref::kInf}, e[4];
    for (size_t l = 0; l < 4 && i + l < z.size(); ++l) lanes[l] = z[i + l];
    wasm_v128_store(e, exp(wasm_v128_load(lanes)));
    for (size_t l = 0; l < 4 && i + l < z.size(); ++l) out[i + l] = e[l];
  }
  return out;
}

// The draw's documented mass (draw.h): float sums per block of 256 token ids in 4 lanes by id
// mod 4, then (l0 + l1) + (l2 + l3), added in double across blocks.
double kept_mass(const std::vector<int32_t>& tokens, const std::vector<float>& weights) {
  double total = 0;
  for (size_t j = 0; j < tokens.size();) {
    const int32_t block = tokens[j] / 256;
    float lane[4] = {0, 0, 0, 0};
    for (; j < tokens.size() && tokens[j] / 256 == block; ++j) lane[tokens[j] % 4] += weights[j];
    total += static_cast<double>((lane[0] + lane[1]) + (lane[2] + lane[3]));
  }
  return total;
}

// Whether two kept sets hold the same tokens of z (a tie limit that excludes nothing may be
// dropped: {z_b, i_b} and {z_b, every tie} are then the same set).
bool same_members(const KeptSet& a, const KeptSet& b, const std::vector<float>& z) {
  for (size_t i = 0; i < z.size(); ++i) {
    if (a.contains(z[i], uint32_t(i)) != b.contains(z[i], uint32_t(i))) return false;
  }
  return true;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_CASE("scan_logits and first_index_of: the maximum and the first offending index") {
  for (size_t n : kSizes) {
    std::vector<float> z = row(n, 2.0, n);
    const logitkit::Scan scan = logitkit::scan_logits(z.data(), n);
    INFO("n = " << n);
    if (std::all_of(z.begin(), z.end(), [](float v) { return v == -ref::kInf; })) continue;
    REQUIRE(scan.status.ok());
    CHECK(scan.max == max_of(z));
    CHECK(logitkit::first_index_of(z.data(), n, scan.max) ==
          static_cast<uint32_t>(std::find(z.begin(), z.end(), scan.max) - z.begin()));
    for (size_t bad : {size_t(0), n / 2, n - 1}) {
      std::vector<float> w = z;
      w[bad] = std::numeric_limits<float>::quiet_NaN();
      const logitkit::Scan s = logitkit::scan_logits(w.data(), n);
      CHECK(s.status.code == logitkit::Code::kNaN);
      CHECK(s.status.index == bad);
    }
  }
}

TEST_CASE("count_at_least: the count and the smallest counted entry, exactly") {
  for (size_t n : kSizes) {
    const std::vector<float> z = row(n, 2.0, 100 + n);
    for (float threshold : {-ref::kInf, -1.0f, z[0], 0.5f, 10.0f}) {
      size_t want = 0;
      float want_smallest = ref::kInf;
      for (float v : z) {
        if (v >= threshold) {
          ++want;
          want_smallest = std::min(want_smallest, v);
        }
      }
      float smallest = 0;
      INFO("n = " << n << ", threshold " << threshold);
      CHECK(logitkit::count_at_least(z.data(), n, threshold, &smallest) == want);
      if (want > 0) CHECK(smallest == want_smallest);
    }
  }
}

TEST_CASE("count_ranking_before: tokens before t in the order (logit desc, index asc), exactly") {
  for (size_t n : kSizes) {
    const std::vector<float> z = row(n, 2.0, 200 + n);
    for (size_t t : {size_t(0), size_t(1), n / 3, n / 2, n - 1}) {
      if (t >= n) continue;
      size_t want = 0;
      for (size_t i = 0; i < n; ++i) want += z[i] > z[t] || (z[i] == z[t] && i < t);
      INFO("n = " << n << ", t = " << t);
      CHECK(logitkit::count_ranking_before(z.data(), n, t) == want);
    }
  }
}

TEST_CASE("the weight passes: each weight within the exp's contract, the sums bit for bit") {
  for (size_t n : kSizes) {
    const std::vector<float> z = row(n, 3.0, 300 + n);
    const float max = static_cast<float>(max_of(z));
    for (double t : {1.0, 0.7, 2.5}) {
      const double inv_t = logitkit::inverse_temperature(t);
      std::vector<float> w(n), w2(n), unit_weights(n);
      const double sum = logitkit::exact_exp_store_sum(z.data(), n, max, inv_t, w.data());
      double unit_sum = 0;
      const double sum2 = logitkit::weights_store_sum_and_unit_temperature_sum(
          z.data(), n, max, inv_t, w2.data(), &unit_sum);
      const double unit_alone =
          logitkit::exact_exp_store_sum(z.data(), n, max, 1.0, unit_weights.data());
      INFO("n = " << n << ", T = " << t);
      CHECK(w == w2);
      CHECK(same_bits(sum, sum2));
      CHECK(same_bits(sum, blocked_sum(w.data(), n)));
      // The normaliser at T = 1 is normaliser_sum's, bit for bit, and its log is within
      // rawLogprob's contract of the exact exp's sum.
      CHECK(same_bits(unit_sum, logitkit::normaliser_sum(z.data(), n, max)));
      CHECK(same_bits(unit_alone, blocked_sum(unit_weights.data(), n)));
      CHECK(same_bits(unit_alone, logitkit::sum_exp(z.data(), n, max, 1.0)));
      CHECK(std::fabs(std::log(unit_sum) - std::log(unit_alone)) <=
            accuracy::kSampleLogprobAbsoluteError);
      double double_sum = 0;
      for (size_t i = 0; i < n; ++i) {
        const double x = (double(z[i]) - max) * inv_t;
        const double want = std::exp(x);
        double_sum += want;
        if (want < 1.2e-38) continue;
        CHECK(std::fabs(w[i] - want) <= accuracy::kExactExpRelativeError * want);
      }
      CHECK(std::fabs(sum - double_sum) <= 1e-6 * double_sum);
    }
  }
}

TEST_CASE("order_key sorts as the order; kept_through inverts it") {
  for (size_t n : kSizes) {
    std::vector<float> z = row(n, 2.0, 400 + n);
    for (size_t i = 4; i < n; i += 9) z[i] = i % 2 ? 0.0f : -0.0f;  // +0 and -0 tie
    std::vector<uint64_t> keys(n);
    for (size_t i = 0; i < n; ++i) keys[i] = logitkit::order_key(z[i] + 0.0f, uint32_t(i));
    std::vector<uint64_t> sorted = keys;
    std::sort(sorted.begin(), sorted.end());
    std::vector<float> canonical = z;
    for (float& v : canonical) v += 0.0f;
    const std::vector<int32_t> want = ref::order(canonical);
    INFO("n = " << n);
    for (size_t j = 0; j < n; ++j) {
      CHECK(static_cast<int32_t>(static_cast<uint32_t>(sorted[j])) == want[j]);
      const KeptSet k = logitkit::kept_through(sorted[j]);
      CHECK(k.threshold == canonical[want[j]]);
      CHECK(k.last_tie_index == static_cast<uint32_t>(want[j]));
    }
  }
}

TEST_CASE("scan_bracket: counts and the gathered tokens exactly, masses within float rounding") {
  for (size_t n : kSizes) {
    const WeightedRow r = weighted_row(n, 2.0, 500 + n, 1.0);
    const std::vector<float>& z = r.z;
    const std::vector<float>& w = r.w;
    std::vector<uint64_t> keys(n);
    std::vector<float> weights(n);
    for (const std::pair<float, float>& bracket :
         {std::pair<float, float>{-1.0f, 1.0f}, {z[0], z[0]}, {-ref::kInf, ref::kInf}}) {
      // Named copies, not structured bindings: clang 14 cannot capture those in INFO's lambda.
      const float low = bracket.first, high = bracket.second;
      const logitkit::BracketScan scan =
          logitkit::scan_bracket(z.data(), w.data(), n, low, high, keys.data(), weights.data());
      size_t above = 0;
      double above_mass = 0, inside_mass = 0;
      std::vector<uint64_t> want_keys;
      std::vector<float> want_weights;
      for (size_t i = 0; i < n; ++i) {
        if (z[i] > high) {
          ++above;
          above_mass += w[i];
        } else if (z[i] >= low) {
          inside_mass += w[i];
          want_keys.push_back(logitkit::order_key(z[i] + 0.0f, uint32_t(i)));
          want_weights.push_back(w[i]);
        }
      }
      INFO("n = " << n << ", bracket [" << low << ", " << high << "]");
      CHECK(scan.above_count == above);
      REQUIRE(scan.inside_count == want_keys.size());
      CHECK(std::equal(want_keys.begin(), want_keys.end(), keys.begin()));
      CHECK(std::equal(want_weights.begin(), want_weights.end(), weights.begin()));
      CHECK(std::fabs(scan.above_mass - above_mass) <= 1e-6 * (above_mass + 1e-30));
      CHECK(std::fabs(scan.inside_mass - inside_mass) <= 1e-6 * (inside_mass + 1e-30));
    }
  }
}

TEST_CASE("mass selection: the shortest prefix reaching the target, from either selector") {
  for (size_t n : kSizes) {
    const WeightedRow r = weighted_row(n, 3.0, 600 + n, 1.0);
    const std::vector<float>& z = r.z;
    const std::vector<float>& w = r.w;
    const double total = r.total;
    const std::vector<int32_t> ord = ref::order(z);
    // Targets half-way between two prefix masses (in double over the same float weights), where
    // the next token holds at least 2% of the mass: rounding cannot move the answer.
    std::vector<double> cumulative(n + 1, 0.0);
    for (size_t j = 0; j < n; ++j) cumulative[j + 1] = cumulative[j] + w[ord[j]];
    for (size_t length = 1; length <= n; ++length) {
      if (w[ord[length - 1]] < 0.02 * cumulative[n]) continue;
      const double target = (cumulative[length - 1] + cumulative[length]) / 2;
      INFO("n = " << n << ", prefix " << length);
      std::vector<uint64_t> keys(n), samples(logitkit::kMaxMassSamples);
      std::vector<float> weights(n);
      KeptSet kept;
      const size_t got =
          logitkit::select_mass_prefix(z.data(), w.data(), n, total, target,
                                       {keys.data(), weights.data(), samples.data()}, &kept);
      CHECK(got == length);
      CHECK(kept.threshold == z[ord[length - 1]]);
      CHECK(same_members(kept, KeptSet{z[ord[length - 1]], uint32_t(ord[length - 1])}, z));
      // The two exact selectors on the whole row's keys: sorted input, and any order.
      for (size_t i = 0; i < n; ++i) {
        keys[i] = logitkit::order_key(z[i] + 0.0f, uint32_t(i));
        weights[i] = w[i];
      }
      KeptSet by_select;
      CHECK(logitkit::mass_select(keys.data(), weights.data(), n, target, &by_select) == length);
      CHECK(by_select.threshold == kept.threshold);
      CHECK(same_members(by_select, kept, z));
      for (size_t i = 0; i < n; ++i) {
        keys[i] = logitkit::order_key(z[i] + 0.0f, uint32_t(i));
        weights[i] = w[i];
      }
      KeptSet by_bucket;
      CHECK(logitkit::bucket_mass_select(keys.data(), weights.data(), n, target, &by_bucket) ==
            length);
      CHECK(by_bucket.threshold == kept.threshold);
      CHECK(same_members(by_bucket, kept, z));
      for (size_t j = 0; j < n; ++j) {
        keys[j] = logitkit::order_key(z[ord[j]] + 0.0f, uint32_t(ord[j]));
        weights[j] = w[ord[j]];
      }
      KeptSet by_walk;
      CHECK(logitkit::mass_prefix_of_sorted(keys.data(), weights.data(), n, target, &by_walk) ==
            length);
      CHECK(same_members(by_walk, kept, z));
    }
  }
}

TEST_CASE("draw_list reproduces draw_kept bit for bit, and both invert the CDF in index order") {
  for (size_t n : kSizes) {
    const WeightedRow r = weighted_row(n, 3.0, 700 + n, 0.8);
    const std::vector<float>& z = r.z;
    const std::vector<float>& w = r.w;
    const std::vector<int32_t> ord = ref::order(z);
    for (size_t length : {size_t(1), n / 4 + 1, n / 2 + 1, n}) {
      if (length > n) continue;
      std::vector<float> head(length);
      for (size_t j = 0; j < length; ++j) head[j] = z[ord[j]];
      const KeptSet prefix = logitkit::prefix_of(ord.data(), head.data(), length);
      // The explicit list: the kept tokens in index order, with their weights.
      std::vector<int32_t> tokens;
      std::vector<float> weights;
      for (size_t i = 0; i < n; ++i) {
        if (z[i] != -ref::kInf && prefix.contains(z[i], uint32_t(i))) {
          tokens.push_back(int32_t(i));
          weights.push_back(w[i]);
        }
      }
      if (tokens.empty()) continue;
      std::vector<double> block_mass((n + 255) / 256), list_mass(tokens.size());
      std::vector<int32_t> list_start(tokens.size());
      for (int draw = 0; draw < 16; ++draw) {
        const double u = logitkit::uniform01(n * 31 + length, uint64_t(draw));
        const logitkit::Draw a =
            logitkit::draw_kept(z.data(), w.data(), n, prefix, u, block_mass.data());
        const logitkit::Draw b = logitkit::draw_list(tokens.data(), weights.data(), tokens.size(),
                                                     u, list_mass.data(), list_start.data());
        INFO("n = " << n << ", kept " << length << ", u = " << u);
        CHECK(a.token == b.token);
        CHECK(a.kept_count == b.kept_count);
        CHECK(same_bits(a.kept_mass, b.kept_mass));
        CHECK(same_bits(a.kept_mass, kept_mass(tokens, weights)));
      }
      // Against the CDF in double: u half-way inside a token's share, for shares of >= 2%.
      double total = 0;
      for (float v : weights) total += v;
      double before = 0;
      for (size_t j = 0; j < tokens.size(); ++j) {
        if (weights[j] >= 0.02 * total) {
          const double u = (before + weights[j] / 2) / total;
          const logitkit::Draw a =
              logitkit::draw_kept(z.data(), w.data(), n, prefix, u, block_mass.data());
          INFO("n = " << n << ", kept " << length << ", token " << tokens[j]);
          CHECK(a.token == tokens[j]);
        }
        before += weights[j];
      }
    }
  }
}

TEST_CASE("top_k_unchecked at the tile edges: the stable-sorted head, exactly") {
  for (size_t n : kSizes) {
    const std::vector<float> z = row(n, 2.0, 800 + n);
    const std::vector<int32_t> want = ref::order(z);
    for (size_t k : {size_t(1), size_t(4), size_t(9), n / 2 + 1, n}) {
      if (k > n) continue;
      std::vector<int32_t> idx(k);
      std::vector<float> val(k);
      logitkit::top_k_unchecked(z.data(), n, k, idx.data(), val.data());
      INFO("n = " << n << ", k = " << k);
      CHECK(std::equal(idx.begin(), idx.end(), want.begin()));
    }
  }
}
