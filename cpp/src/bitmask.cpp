// apply_bitmask: a grammar's token bitmask (xgrammar's layout) applied to a row of logits.
#include "logitkit/kernels.h"
#include "simd.h"

namespace logitkit {
using namespace simd;

void apply_bitmask(float* logits, size_t n, const uint32_t* bitmask, size_t words) {
  const v128_t lane_bits = wasm_i32x4_make(1, 2, 4, 8);
  const v128_t masked = wasm_f32x4_splat(-INFINITY);
  const size_t covered = words * 32 < n ? words * 32 : n;
  size_t i = 0;
  // Four logits per step: lane j keeps its value when bit (i + j) & 31 of its word is set.
  for (; i + kLanes <= covered; i += kLanes) {
    const uint32_t nibble = (bitmask[i >> 5] >> (i & 31)) & 15u;
    if (nibble == 15u) continue;
    const v128_t keep =
        wasm_i32x4_ne(wasm_v128_and(wasm_i32x4_splat(static_cast<int32_t>(nibble)), lane_bits),
                      wasm_i32x4_splat(0));
    wasm_v128_store(logits + i, wasm_v128_bitselect(wasm_v128_load(logits + i), masked, keep));
  }
  for (; i < covered; ++i) {
    if (((bitmask[i >> 5] >> (i & 31)) & 1u) == 0) logits[i] = -INFINITY;
  }
  // Ids past the mask (a padded vocabulary) are never allowed.
  for (; i < n; ++i) logits[i] = -INFINITY;
}

}  // namespace logitkit
