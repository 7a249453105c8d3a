// eta (HF EtaLogitsWarper): keep p_i >= min(eta, sqrt(eta) * exp(-H)), and at least
// min_tokens_to_keep (with HF's rules: and every token tied with the min_tokens_to_keep-th, as HF
// keeps).
#include <algorithm>
#include <cmath>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.eta_cutoff > 0;
}

Status apply(Chain& c, void*) {
  const MassStats st = mass_stats(c);
  const double eta = std::min(c.p.eta_cutoff, std::sqrt(c.p.eta_cutoff) * std::exp(-st.entropy()));
  return keep_at_least(c, logit_of_probability(c, eta, st.mass), c.min_keep,
                       c.p.follows(Compat::kTransformers));
}

}  // namespace

extern const StageUnit kEtaStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
