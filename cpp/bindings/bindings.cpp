// embind declarations, and nothing else: thin entry points over raw wasm addresses.
//
// The JavaScript wrapper (web/src) owns memory and errors: it places logits in wasm memory,
// passes their address as a number, and turns the returned status into a typed error.
// Every function returning `double` returns a packed Status: code * 2^32 + index (0 means ok).
#include <emscripten/bind.h>

#include <cstdint>

#include "logitkit/kernels.h"
#include "logitkit/sampler.h"

namespace {

using logitkit::Status;

double packed(Status s) { return static_cast<double>(static_cast<int32_t>(s.code)) * 4294967296.0 + s.index; }

template <typename T>
T* at(uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

double softmax(uintptr_t logits, uint32_t n, double temperature, uintptr_t out) {
  return packed(logitkit::softmax(at<const float>(logits), n, temperature, at<float>(out)));
}
double log_softmax(uintptr_t logits, uint32_t n, double temperature, uintptr_t out) {
  return packed(logitkit::log_softmax(at<const float>(logits), n, temperature, at<float>(out)));
}
double log_sum_exp(uintptr_t logits, uint32_t n, double temperature, uintptr_t out) {
  return packed(logitkit::log_sum_exp(at<const float>(logits), n, temperature, at<double>(out)));
}
double entropy(uintptr_t logits, uint32_t n, double temperature, uintptr_t out) {
  return packed(logitkit::entropy(at<const float>(logits), n, temperature, at<double>(out)));
}
double argmax(uintptr_t logits, uint32_t n, uintptr_t out) {
  return packed(logitkit::argmax(at<const float>(logits), n, at<uint32_t>(out)));
}
double top_k(uintptr_t logits, uint32_t n, uint32_t k, uintptr_t indices, uintptr_t values) {
  return packed(logitkit::top_k(at<const float>(logits), n, k, at<int32_t>(indices), at<float>(values)));
}
double top_logprobs(uintptr_t logits, uint32_t n, uint32_t k, double temperature, uintptr_t indices,
                    uintptr_t logprobs) {
  return packed(logitkit::top_logprobs(at<const float>(logits), n, k, temperature, at<int32_t>(indices),
                                       at<float>(logprobs)));
}

// Sampler handles are addresses of heap-allocated logitkit::Sampler objects (0 when out of memory).
uintptr_t sampler_create() {
  return reinterpret_cast<uintptr_t>(new (std::nothrow) logitkit::Sampler());
}
void sampler_destroy(uintptr_t sampler) { delete at<logitkit::Sampler>(sampler); }

void sampler_configure(uintptr_t sampler, double temperature, int32_t top_k, double top_p, double min_p,
                       int32_t min_tokens_to_keep, double repetition_penalty, double presence_penalty,
                       double frequency_penalty, int32_t penalty_last_n, uint32_t seed_low, uint32_t seed_high) {
  logitkit::SamplingParams p;
  p.temperature = temperature;
  p.top_k = top_k;
  p.top_p = top_p;
  p.min_p = min_p;
  p.min_tokens_to_keep = min_tokens_to_keep;
  p.repetition_penalty = repetition_penalty;
  p.presence_penalty = presence_penalty;
  p.frequency_penalty = frequency_penalty;
  p.penalty_last_n = penalty_last_n;
  p.seed = (static_cast<uint64_t>(seed_high) << 32) | seed_low;
  at<logitkit::Sampler>(sampler)->configure(p);
}

double sampler_set_bias(uintptr_t sampler, uintptr_t tokens, uintptr_t biases, uint32_t count) {
  return packed(at<logitkit::Sampler>(sampler)->set_bias(at<const int32_t>(tokens), at<const float>(biases), count));
}

// Writes [token, logprob, rawLogprob, kept] as four doubles at `result`.
double sampler_sample(uintptr_t sampler, uintptr_t logits, uint32_t n, uintptr_t result, uintptr_t top_indices,
                      uintptr_t top_logprobs, uint32_t top_n) {
  logitkit::SampleResult r;
  const logitkit::TopList top{at<int32_t>(top_indices), at<float>(top_logprobs), top_n};
  const Status s = at<logitkit::Sampler>(sampler)->sample(at<float>(logits), n, &r, top);
  double* out = at<double>(result);
  out[0] = r.token;
  out[1] = r.logprob;
  out[2] = r.raw_logprob;
  out[3] = r.kept;
  return packed(s);
}

double sampler_accept(uintptr_t sampler, int32_t token) { return packed(at<logitkit::Sampler>(sampler)->accept(token)); }
void sampler_reset(uintptr_t sampler) { at<logitkit::Sampler>(sampler)->reset(); }

}  // namespace

EMSCRIPTEN_BINDINGS(logitkit) {
  using emscripten::function;
  function("_softmax", &softmax);
  function("_logSoftmax", &log_softmax);
  function("_logSumExp", &log_sum_exp);
  function("_entropy", &entropy);
  function("_argmax", &argmax);
  function("_topK", &top_k);
  function("_topLogprobs", &top_logprobs);
  function("_samplerCreate", &sampler_create);
  function("_samplerDestroy", &sampler_destroy);
  function("_samplerConfigure", &sampler_configure);
  function("_samplerSetBias", &sampler_set_bias);
  function("_samplerSample", &sampler_sample);
  function("_samplerAccept", &sampler_accept);
  function("_samplerReset", &sampler_reset);
}
