// What sample() reports, read from the chain's final candidates with the patched logits still in
// place (internal): the draw, n distinct samples, the token's rank and the top list.
#pragma once
#include <cstdint>

#include "chain.h"
#include "draw.h"
#include "logitkit/sampler.h"

namespace logitkit {

// The inverse-CDF draw with u = uniform01(seed, call) (streams.h, stream 0) over the final kept
// tokens in index order, in whichever form the candidates are.
Status draw_final(Chain& c, Draw* drawn);

// A token's log-probability in the final distribution, whose mass is exp(log_mass) at the
// current scale.
inline double final_logprob(const Chain& c, int32_t token, double log_mass) {
  return (static_cast<double>(c.z[token]) - c.max) * c.inv_t - log_mass;
}

// n distinct samples without replacement (n = min(n_samples, samples.capacity) >= 2): Gumbel
// top-k over the kept tokens with key_i = (z_i - max) / T - log(-log u_i), u_i from stream 2 at
// (this call, token i), best key first (ties: lower token). Sets result->samples; with a sample,
// result->token becomes the first. Does nothing for n < 2.
Status distinct_samples(Chain& c, double log_mass, const SampleList& samples, SampleResult* result);

// 1 + how many kept tokens rank before `token` in the order (logit desc, index asc).
uint32_t final_rank(Chain& c, int32_t token);

// The top list of the final distribution: kept tokens first (most probable first) with their
// log-probabilities, then the filtered ones by logit with -Infinity. top.capacity <= n entries.
Status final_top_list(Chain& c, double log_mass, const TopList& top);

}  // namespace logitkit
