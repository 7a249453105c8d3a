// temperature: z / T, or llama.cpp's dynamic temperature (temp_ext) when dynatemp_range > 0:
// T = min_t + (max_t - min_t) * (H / ln N)^exponent over the N current candidates. T = 0 (or a
// dynamic T <= 0) is greedy: only the first maximum stays. Otherwise one scalar: 1/T scales every
// later stage's weights.
#include <algorithm>
#include <cmath>

#include "../chain.h"
#include "../stage.h"
#include "logitkit/kernels.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.temperature != 1 || p.dynatemp_range > 0;
}

Status apply(Chain& c, void*) {
  double t = c.p.temperature;
  if (c.p.dynatemp_range > 0) {
    const MassStats st = mass_stats(c);
    if (st.finite <= 1) return {};
    const double min_t = std::max(0.0, t - c.p.dynatemp_range), max_t = t + c.p.dynatemp_range;
    const double normalized = st.entropy() / std::log(static_cast<double>(st.finite));
    t = min_t + (max_t - min_t) * std::pow(normalized, c.p.dynatemp_exponent);
  }
  if (!(t > 0)) return keep_first(c, 1);
  c.temp = t;
  c.inv_t = inverse_temperature(t);
  return {};
}

}  // namespace

extern const StageUnit kTemperatureStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
