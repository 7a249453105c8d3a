// The inverse-CDF draw over the final kept tokens in index order (internal to the sampler), in
// its two forms: over a kept prefix of the whole row, and over an explicit token list.
#pragma once
#include <cstddef>
#include <cstdint>

#include "kept_set.h"

namespace logitkit {

struct Draw {
  int32_t token;
  uint32_t kept_count;  // kept tokens with nonzero weight
  double kept_mass;     // sum of their weights
};

// Inverse-CDF draw over the kept tokens in index order, u in [0, 1). block_mass has room for
// ceil(n / 256) doubles. known_kept_count: the number of kept tokens with weight when the caller
// already knows it (the pass then skips counting them; only used without a tie limit), else
// kCountKeptTokens.
constexpr uint32_t kCountKeptTokens = 0xFFFFFFFFu;
Draw draw_kept(const float* logits, const float* weights, size_t n, const KeptSet& kept, double u,
               double* block_mass, uint32_t known_kept_count = kCountKeptTokens);

// The same draw over an explicit list of kept tokens: `tokens` ascending, `weights` theirs. It
// reproduces draw_kept's arithmetic exactly (float sums per block of 256 indices in 4 lanes by
// index mod 4, then double across blocks, then a double walk inside the chosen block), so both
// pick the same token for the same kept set, weights and u. Scratch: room for m doubles and m ints.
Draw draw_list(const int32_t* tokens, const float* weights, size_t m, double u, double* block_mass,
               int32_t* block_start);

// The block where the cumulative mass first exceeds `target`, among blocks 0..last_nonzero;
// *cumulative (0 on entry) gets the mass before it. The walk stops at the last block with mass,
// so rounding can never land in an empty block.
size_t block_of(const double* block_mass, size_t last_nonzero, double target, double* cumulative);

}  // namespace logitkit
