// The floor kernel's binding, under a name that says it is internal: the benchmark calls it on a
// raw module instance (bench/floor.mjs); logitkit's JavaScript API never does.
#include <emscripten/bind.h>

#include <cstdint>

#include "floor_softmax.h"

namespace {

void floor_softmax(uintptr_t logits, uint32_t n, uintptr_t out) {
  logitkit::bench::floor_softmax(reinterpret_cast<const float*>(logits), n,
                                 reinterpret_cast<float*>(out));
}

}  // namespace

EMSCRIPTEN_BINDINGS(logitkit_bench_floor) {
  emscripten::function("_benchFloorSoftmax", &floor_softmax);
}
