// Native roofline for `npm run bench`: the same kernels built with -O3 -march=native, timed on the
// same inputs the JS benchmark uses. Prints one JSON line: microseconds per call (median of runs).
//   logitkit_native_bench <V> <random|peaked>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <vector>

#include "floor_softmax.h"
#include "logitkit/kernels.h"
#include "logitkit/rng.h"
#include "logitkit/sampler.h"
#include "native_inputs.h"

namespace {

template <typename F>
double median_us(F f) {
  std::vector<double> runs;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
  for (int i = 0; i < 5; ++i) f();  // warm-up
  while (runs.size() < 15 || (std::chrono::steady_clock::now() < deadline && runs.size() < 2000)) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    runs.push_back(
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(runs.begin(), runs.end());
  return runs[runs.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<float> z;
  if (!logitkit::bench::logits_from_args(argc, argv, &z)) return 2;
  const size_t n = z.size();
  std::vector<float> out(n), values(50);
  std::vector<int32_t> indices(50);
  logitkit::Sampler sampler;
  sampler.configure(logitkit::bench::sample_params());
  volatile float sink = 0;
  const double floor = median_us([&] {
    logitkit::bench::floor_softmax(z.data(), n, out.data());
    sink = out[0];
  });
  const double softmax = median_us([&] {
    logitkit::softmax(z.data(), n, 1.0, out.data());
    sink = out[0];
  });
  const double log_softmax = median_us([&] {
    logitkit::log_softmax(z.data(), n, 1.0, out.data());
    sink = out[0];
  });
  const double top_k = median_us([&] {
    logitkit::top_k(z.data(), n, 50, indices.data(), values.data());
    sink = values[0];
  });
  const double sample = median_us([&] {
    logitkit::SampleResult r;
    sampler.sample(z.data(), n, &r);
    sampler.reset();
    sink = static_cast<float>(r.logprob);
  });
  // A plain draw (temperature only) and the common full chain: penalties over a 64-token history,
  // temperature, topK, topP, minP (the HF order). The chain should cost at most 2x the plain draw.
  logitkit::Sampler plain_sampler, chain_sampler;
  logitkit::SamplingParams plain_params;
  plain_params.temperature = 0.8;
  plain_params.seed = 1;
  plain_sampler.configure(plain_params);
  logitkit::SamplingParams chain_params = plain_params;
  chain_params.repetition_penalty = 1.1;
  chain_params.presence_penalty = 0.5;
  chain_params.frequency_penalty = 0.2;
  chain_params.penalty_last_n = 64;
  chain_params.top_k = 40;
  chain_params.top_p = 0.95;
  chain_params.min_p = 0.05;
  chain_sampler.configure(chain_params);
  const double plain = median_us([&] {
    logitkit::SampleResult r;
    plain_sampler.sample(z.data(), n, &r);
    sink = static_cast<float>(r.logprob);
  });
  // Steady state: the same 64-token history before every draw (reset + accept cost ~0.1 us), so
  // drawn tokens do not pile up penalties on this fixed row.
  const double chain = median_us([&] {
    chain_sampler.reset();
    for (uint32_t i = 0; i < 64; ++i)
      chain_sampler.accept(static_cast<int32_t>((i * 2654435761u) % n));
    logitkit::SampleResult r;
    chain_sampler.sample(z.data(), n, &r);
    sink = static_cast<float>(r.logprob);
  });
  (void)sink;
  std::printf(
      "{\"floor\":%.3f,\"softmax\":%.3f,\"logSoftmax\":%.3f,\"topK50\":%.3f,\"sample\":%.3f,"
      "\"samplePlain\":%.3f,"
      "\"sampleChain\":%.3f}\n",
      floor, softmax, log_softmax, top_k, sample, plain, chain);
  return 0;
}
