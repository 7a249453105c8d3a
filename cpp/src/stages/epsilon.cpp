// epsilon (HF EpsilonLogitsWarper): keep p_i >= epsilon, and at least min_tokens_to_keep.
#include <cmath>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.epsilon_cutoff > 0;
}

Status apply(Chain& c, void*) {
  const MassStats st = mass_stats(c);
  return keep_at_least(c, logit_of_weight(c, std::log(c.p.epsilon_cutoff) + std::log(st.mass)),
                       c.min_keep);
}

}  // namespace

extern const StageUnit kEpsilonStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
