// Instructions per element, counted: runs each kernel once on the benchmark's logits under
// callgrind, which counts only between the toggles below and dumps one profile per kernel
// (bench/instructions.mjs reads their totals). Built for x86-64-v3 (AVX2, as V8 uses on this
// kind of machine; valgrind cannot run AVX-512), from the same kernel sources as every build.
//   valgrind --tool=callgrind --collect-atstart=no logitkit_native_count <V> <random|peaked>
// Outside valgrind the client requests are no-ops and it only runs the kernels.
#include <valgrind/callgrind.h>

#include <cstdio>
#include <vector>

#include "floor_softmax.h"
#include "logitkit/kernels.h"
#include "logitkit/sampler.h"
#include "native_inputs.h"

namespace {

// One warm-up call (first-touch of buffers, the sampler's lazy allocations), then the counted one.
template <typename F>
void count(const char* name, F f) {
  f();
  CALLGRIND_TOGGLE_COLLECT;
  f();
  CALLGRIND_TOGGLE_COLLECT;
  CALLGRIND_DUMP_STATS_AT(name);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<float> z;
  if (!logitkit::bench::logits_from_args(argc, argv, &z)) return 2;
  const size_t n = z.size();
  std::vector<float> row = z, out(n), values(50);
  std::vector<int32_t> indices(50);
  double scalar = 0;
  uint32_t token = 0;
  logitkit::Sampler sampler;
  sampler.configure(logitkit::bench::sample_params());
  logitkit::SampleResult result;

  count("floor", [&] { logitkit::bench::floor_softmax(z.data(), n, out.data()); });
  count("softmax", [&] { logitkit::softmax(z.data(), n, 1.0, out.data()); });
  count("logSoftmax", [&] { logitkit::log_softmax(z.data(), n, 1.0, out.data()); });
  count("logSumExp", [&] { logitkit::log_sum_exp(z.data(), n, 1.0, &scalar); });
  count("entropy", [&] { logitkit::entropy(z.data(), n, 1.0, &scalar); });
  count("argmax", [&] { logitkit::argmax(z.data(), n, &token); });
  count("topK50", [&] { logitkit::top_k(z.data(), n, 50, indices.data(), values.data()); });
  count("sample", [&] {
    sampler.reset();
    sampler.sample(row.data(), n, &result);
  });
  std::printf("%g %u %d\n", static_cast<double>(out[0]) + scalar, token, result.token);
  return 0;
}
