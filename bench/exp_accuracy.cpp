// The exp's accuracy over every float: for each (T, max) below, every float z in
// [max - 88 T, max] goes through cpp/src/exp.h (4 lanes at a time, natively: the same bits as the
// wasm builds) and is compared with exp((z - max) / T) in double, where that is >= FLT_MIN. Prints
// the worst relative error per case and overall: the measurement behind kExactExpRelativeError
// (logitkit/accuracy.h). About 2^31 floats per case whose range spans 0; an hour or two in all.
//   cmake --build build/native --target logitkit_exp_accuracy && build/native/logitkit_exp_accuracy
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

#include "exp.h"
#include "logitkit/kernels.h"

using namespace logitkit::simd;

namespace {

// Floats in bit order: an int64 that increases with the float's value.
int64_t ordinal(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return (b & 0x80000000u) ? -static_cast<int64_t>(b & 0x7FFFFFFFu) : static_cast<int64_t>(b);
}
float from_ordinal(int64_t o) {
  const uint32_t b = o < 0 ? static_cast<uint32_t>(-o) | 0x80000000u : static_cast<uint32_t>(o);
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}

struct Worst {
  double error = 0;
  float at = 0;
  uint64_t checked = 0;
};

// Every float in [low, max], split over `threads` threads by interleaved chunks of 4.
Worst sweep(float max, double t, int threads) {
  const double inv_t = logitkit::inverse_temperature(t);
  const ExactArgumentExp pass = exact_argument_exp(max, inv_t);
  const float low = static_cast<float>(max - 88.0 * t);
  const int64_t first = ordinal(low), last = ordinal(max);
  std::vector<Worst> worst(threads);
  std::vector<std::thread> pool;
  for (int id = 0; id < threads; ++id) {
    pool.emplace_back([&, id] {
      Worst& w = worst[id];
      float lanes[4], out[4];
      for (int64_t o = first + 4 * id; o <= last; o += 4 * threads) {
        for (int q = 0; q < 4; ++q) lanes[q] = from_ordinal(o + q <= last ? o + q : last);
        wasm_v128_store(out, exp_exact_argument(wasm_v128_load(lanes), pass));
        for (int q = 0; q < 4; ++q) {
          const double want = std::exp((static_cast<double>(lanes[q]) - max) * inv_t);
          if (want < FLT_MIN) continue;
          ++w.checked;
          const double error = std::fabs(out[q] - want) / want;
          if (error > w.error) {
            w.error = error;
            w.at = lanes[q];
          }
        }
      }
    });
  }
  for (std::thread& th : pool) th.join();
  Worst total;
  for (const Worst& w : worst) {
    total.checked += w.checked;
    if (w.error > total.error) total = {w.error, w.at, total.checked};
  }
  return total;
}

}  // namespace

int main() {
  const int threads = std::max(1u, std::thread::hardware_concurrency());
  double overall = 0;
  // Temperatures of the float path, its edges, and maxima across k = round(max log2(e) / T):
  // 0, small, at a half-integer, and with hi of 15 down to 12 bits.
  for (double t : {1.0, 0.8, 0.5, 2.0, 1e-6, 1e6}) {
    for (double scaled : {0.0, 4.5, 0.34657359, -30.0, 87.0, 250.0, 1200.0, -2700.0}) {
      const float max = static_cast<float>(scaled * t);
      const Worst w = sweep(max, t, threads);
      overall = std::max(overall, w.error);
      std::printf("T = %-6g max = %-12g %11llu floats  worst relative error %.3g (z = %a)\n", t,
                  max, static_cast<unsigned long long>(w.checked), w.error, w.at);
      std::fflush(stdout);
    }
  }
  std::printf("worst over every case: %.3g\n", overall);
  return 0;
}
