// epsilon (HF EpsilonLogitsWarper): keep p_i >= epsilon, and at least min_tokens_to_keep
// (with HF's rules: and every token tied with the min_tokens_to_keep-th, as HF keeps).
#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.epsilon_cutoff > 0;
}

Status apply(Chain& c, void*) {
  const double cut = logit_of_probability(c, c.p.epsilon_cutoff, mass_stats(c).mass);
  return keep_at_least(c, cut, c.min_keep, c.p.follows(Compat::kTransformers));
}

}  // namespace

extern const StageUnit kEpsilonStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
