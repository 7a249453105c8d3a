// minP (HF / llama.cpp): p_i >= min_p * p_max, that is z_i >= max + T ln(min_p): a logit threshold.
#include <cmath>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.min_p > 0;
}

Status apply(Chain& c, void*) {
  return keep_at_least(c, logit_of_weight(c, std::log(c.p.min_p)), c.min_keep);
}

}  // namespace

extern const StageUnit kMinPStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
