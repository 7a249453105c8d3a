// topK (HF / llama.cpp): the k most probable, never fewer than min_tokens_to_keep. A heap
// selection of the head of the order, no sort of the vocabulary. With HF's and vLLM's rules every
// token tied with the k-th stays too (TopKLogitsWarper, apply_top_k_top_p remove only logits below
// it); with llama.cpp's, min_keep does not apply (llama_sampler_top_k_impl).
#include <algorithm>

#include "../chain.h"
#include "../stage.h"

namespace logitkit {
namespace {

bool enabled(const SamplingParams& p, const void*) {
  return p.top_k > 0;
}

Status apply(Chain& c, void*) {
  const size_t k = static_cast<size_t>(c.p.top_k);
  if (c.p.follows(Compat::kLlamaCpp)) return keep_first(c, k);
  const size_t length = std::max(k, c.min_keep);
  if (c.p.follows(Compat::kTransformers) || c.p.follows(Compat::kVllm))
    return keep_first_and_ties(c, length);
  return keep_first(c, length);
}

}  // namespace

extern const StageUnit kTopKStage = {.enabled = enabled, .apply = apply};

}  // namespace logitkit
