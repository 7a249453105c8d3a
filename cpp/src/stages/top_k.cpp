// topK (HF / llama.cpp): the k most probable, never fewer than min_tokens_to_keep. A heap
// selection of the head of the order, no sort of the vocabulary.
#include <algorithm>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.top_k > 0;
}

Status apply(Chain& c, void*) {
  return keep_first(c, std::max<size_t>(static_cast<size_t>(c.p.top_k), c.min_keep));
}

}  // namespace

extern const StageUnit kTopKStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
