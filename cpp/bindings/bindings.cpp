// embind declarations, and nothing else: thin entry points over raw wasm addresses.
//
// The JavaScript wrapper (web/src) owns memory and errors: it places logits in wasm memory,
// passes their address as a number, and turns the returned status into a typed error.
// Every function returning `double` returns a packed Status: code * 2^32 + index (0 means ok).
#include <emscripten/bind.h>

#include <cstdint>

#include "logitkit/dtype.h"
#include "logitkit/kernels.h"
#include "logitkit/sampler.h"

namespace {

using logitkit::Status;

double packed(Status s) {
  return static_cast<double>(static_cast<int32_t>(s.code)) * 4294967296.0 + s.index;
}

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
  return packed(
      logitkit::top_k(at<const float>(logits), n, k, at<int32_t>(indices), at<float>(values)));
}
double top_logprobs(uintptr_t logits, uint32_t n, uint32_t k, double temperature, uintptr_t indices,
                    uintptr_t logprobs) {
  return packed(logitkit::top_logprobs(at<const float>(logits), n, k, temperature,
                                       at<int32_t>(indices), at<float>(logprobs)));
}

// Sampler handles are addresses of heap-allocated logitkit::Sampler objects (0 when out of memory).
uintptr_t sampler_create() {
  return reinterpret_cast<uintptr_t>(new (std::nothrow) logitkit::Sampler());
}
void sampler_destroy(uintptr_t sampler) {
  delete at<logitkit::Sampler>(sampler);
}

// The parameters as doubles, in the slot order of web/src/sampling-options.ts (PARAM_SLOTS), and
// the stage order as bytes (Stage values).
enum Slot {
  kTemperature,
  kDynatempRange,
  kDynatempExponent,
  kTopK,
  kTopP,
  kMinP,
  kTypicalP,
  kEpsilon,
  kEta,
  kTopNSigma,
  kXtcProbability,
  kXtcThreshold,
  kMirostat,
  kMirostatTau,
  kMirostatEta,
  kMirostatM,
  kMinKeep,
  kRepetition,
  kPresence,
  kFrequency,
  kPenaltyLastN,
  kNoRepeatNgram,
  kDryMultiplier,
  kDryBase,
  kDryAllowedLength,
  kDryPenaltyLastN,
  kNSamples,
  kLogprobsRaw,
  kSeedLow,
  kSeedHigh,
  kSlotCount
};

double sampler_configure(uintptr_t sampler, uintptr_t slots, uintptr_t order,
                         uint32_t order_length) {
  const double* v = at<const double>(slots);
  logitkit::SamplingParams p;
  p.temperature = v[kTemperature];
  p.dynatemp_range = v[kDynatempRange];
  p.dynatemp_exponent = v[kDynatempExponent];
  p.top_k = static_cast<int32_t>(v[kTopK]);
  p.top_p = v[kTopP];
  p.min_p = v[kMinP];
  p.typical_p = v[kTypicalP];
  p.epsilon_cutoff = v[kEpsilon];
  p.eta_cutoff = v[kEta];
  p.top_n_sigma = v[kTopNSigma];
  p.xtc_probability = v[kXtcProbability];
  p.xtc_threshold = v[kXtcThreshold];
  p.mirostat = static_cast<int32_t>(v[kMirostat]);
  p.mirostat_tau = v[kMirostatTau];
  p.mirostat_eta = v[kMirostatEta];
  p.mirostat_m = static_cast<int32_t>(v[kMirostatM]);
  p.min_tokens_to_keep = static_cast<int32_t>(v[kMinKeep]);
  p.repetition_penalty = v[kRepetition];
  p.presence_penalty = v[kPresence];
  p.frequency_penalty = v[kFrequency];
  p.penalty_last_n = static_cast<int32_t>(v[kPenaltyLastN]);
  p.no_repeat_ngram_size = static_cast<int32_t>(v[kNoRepeatNgram]);
  p.dry_multiplier = v[kDryMultiplier];
  p.dry_base = v[kDryBase];
  p.dry_allowed_length = static_cast<int32_t>(v[kDryAllowedLength]);
  p.dry_penalty_last_n = static_cast<int32_t>(v[kDryPenaltyLastN]);
  p.n_samples = static_cast<int32_t>(v[kNSamples]);
  p.logprobs_raw = v[kLogprobsRaw] != 0;
  p.seed = (static_cast<uint64_t>(v[kSeedHigh]) << 32) | static_cast<uint64_t>(v[kSeedLow]);
  const uint8_t* stages = at<const uint8_t>(order);
  p.order_length = static_cast<uint8_t>(
      order_length > logitkit::kStageCount ? logitkit::kStageCount + 1 : order_length);
  for (uint32_t i = 0; i < order_length && i < logitkit::kStageCount; ++i)
    p.order[i] = static_cast<logitkit::Stage>(stages[i]);
  return packed(at<logitkit::Sampler>(sampler)->configure(p));
}

double sampler_set_bias(uintptr_t sampler, uintptr_t tokens, uintptr_t biases, uint32_t count) {
  return packed(at<logitkit::Sampler>(sampler)->set_bias(at<const int32_t>(tokens),
                                                         at<const float>(biases), count));
}
double sampler_set_allowed(uintptr_t sampler, uintptr_t tokens, uint32_t count) {
  return packed(at<logitkit::Sampler>(sampler)->set_allowed(at<const int32_t>(tokens), count));
}
double sampler_set_sequences(uintptr_t sampler, int32_t kind, uintptr_t tokens, uintptr_t lengths,
                             uint32_t count) {
  return packed(at<logitkit::Sampler>(sampler)->set_sequences(
      static_cast<logitkit::SequenceKind>(kind), at<const int32_t>(tokens),
      at<const uint32_t>(lengths), count));
}

void write_result(const logitkit::SampleResult& r, double* out) {
  out[0] = r.token;
  out[1] = r.logprob;
  out[2] = r.raw_logprob;
  out[3] = r.kept;
  out[4] = r.rank;
  out[5] = r.samples;
}

// Writes [token, logprob, rawLogprob, kept, rank, samples] as six doubles at `result`.
double sampler_sample(uintptr_t sampler, uintptr_t logits, uint32_t n, uintptr_t result,
                      uintptr_t top_indices, uintptr_t top_logprobs, uint32_t top_n,
                      uintptr_t sample_tokens, uintptr_t sample_logprobs,
                      uint32_t sample_capacity) {
  logitkit::SampleResult r;
  const logitkit::TopList top{at<int32_t>(top_indices), at<float>(top_logprobs), top_n};
  const logitkit::SampleList samples{at<int32_t>(sample_tokens), at<float>(sample_logprobs),
                                     sample_capacity};
  const Status s = at<logitkit::Sampler>(sampler)->sample(at<float>(logits), n, &r, top, samples);
  write_result(r, at<double>(result));
  return packed(s);
}

// Row r: sampler handles[r], logits + r * n, six result doubles at result + 48 r, its top list at
// top_* + 4 r top_n, its samples at sample_* + 4 r capacity. The failing row goes to *failed_row.
double sample_rows(uintptr_t handles, uint32_t rows, uintptr_t logits, uint32_t n, uintptr_t result,
                   uintptr_t top_indices, uintptr_t top_logprobs, uint32_t top_n,
                   uintptr_t sample_tokens, uintptr_t sample_logprobs, uint32_t sample_capacity,
                   uintptr_t failed_row) {
  const uint32_t* h = at<const uint32_t>(handles);
  for (uint32_t r = 0; r < rows; ++r) {
    logitkit::SampleResult res;
    const logitkit::TopList top{at<int32_t>(top_indices) + static_cast<size_t>(r) * top_n,
                                at<float>(top_logprobs) + static_cast<size_t>(r) * top_n, top_n};
    const logitkit::SampleList samples{
        at<int32_t>(sample_tokens) + static_cast<size_t>(r) * sample_capacity,
        at<float>(sample_logprobs) + static_cast<size_t>(r) * sample_capacity, sample_capacity};
    const Status s =
        reinterpret_cast<logitkit::Sampler*>(static_cast<uintptr_t>(h[r]))
            ->sample(at<float>(logits) + static_cast<size_t>(r) * n, n, &res, top, samples);
    write_result(res, at<double>(result) + 6 * static_cast<size_t>(r));
    if (!s.ok()) {
      *at<uint32_t>(failed_row) = r;
      return packed(s);
    }
  }
  return 0;
}

double sampler_accept(uintptr_t sampler, int32_t token) {
  return packed(at<logitkit::Sampler>(sampler)->accept(token));
}
void sampler_reset(uintptr_t sampler) {
  at<logitkit::Sampler>(sampler)->reset();
}
uintptr_t sampler_clone(uintptr_t sampler) {
  logitkit::Sampler* copy = new (std::nothrow) logitkit::Sampler();
  if (copy == nullptr) return 0;
  if (!at<logitkit::Sampler>(sampler)->clone_into(copy).ok()) {
    delete copy;
    return 0;
  }
  return reinterpret_cast<uintptr_t>(copy);
}
double sampler_mu(uintptr_t sampler) {
  return at<logitkit::Sampler>(sampler)->mirostat_mu();
}
double sampler_history_size(uintptr_t sampler) {
  return static_cast<double>(at<logitkit::Sampler>(sampler)->history_size());
}

// float16 / bfloat16 words at `in` to floats at `out` (dtype: 1 float16, 2 bfloat16).
void convert_half(uintptr_t in, uint32_t n, int32_t dtype, uintptr_t out) {
  logitkit::convert_half(at<const uint16_t>(in), n, static_cast<logitkit::DType>(dtype),
                         at<float>(out));
}

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
  function("_samplerSetAllowed", &sampler_set_allowed);
  function("_samplerSetSequences", &sampler_set_sequences);
  function("_sampleRows", &sample_rows);
  function("_samplerAccept", &sampler_accept);
  function("_samplerReset", &sampler_reset);
  function("_samplerClone", &sampler_clone);
  function("_samplerMu", &sampler_mu);
  function("_samplerHistorySize", &sampler_history_size);
  function("_convertHalf", &convert_half);
}
