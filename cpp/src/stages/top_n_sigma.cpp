// topNSigma (llama.cpp top_n_sigma): keep z >= max - n * std over the finite candidates. The ratio
// is scale-free, so it is the same before or after temperature; it keeps at least one token.
#include <cmath>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.top_n_sigma > 0;
}

Status apply(Chain& c, void*) {
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

}  // namespace

extern const StageUnit kTopNSigmaStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
