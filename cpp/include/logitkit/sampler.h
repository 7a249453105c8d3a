// A seeded sampler built as a chain of small stages, in the shape of llama.cpp's llama_sampler_i
// (apply / accept / reset / clone): the chain is itself a sampler.
//
// Stages come in two kinds, and every processor precedes every filter:
//   logit processors  logitBias, allowedTokens, badWords, noRepeatNgram, penalties, dry: sparse
//                     in-place patches of the logits (restored before sample() returns), except
//                     allowedTokens, which turns the candidates into an explicit list;
//   filters           temperature (a scalar 1/T, or llama.cpp's dynamic temperature), topK, topP,
//                     minP, typicalP, epsilon, eta, topNSigma, xtc, mirostat.
// sampler_tables.h lists them; each is one unit in cpp/src/stages/. The default order is HF's and
// vLLM's (processors, then temperature, topK, topP, minP, typicalP, epsilon, eta, then the stages
// HF lacks, topNSigma and xtc, then mirostat, which ends its chain as in llama.cpp);
// kOrderLlamaCpp reproduces llama.cpp's default chain with temperature last. Each filter sees the
// previous one's renormalised distribution.
//
// Candidates are held in one of two forms (chain.h): a prefix of the total order (logit desc,
// index asc) described by a KeptSet over the whole vocabulary (no sort: heap top-k, mass
// selection, logit thresholds), or an explicit list of token ids once the set is small (after a
// top-k) or not a prefix (typicalP, XTC, allowedTokens). The draw is an inverse CDF over the final
// kept tokens in index order with u = uniform01(seed, c); both forms reproduce the same block
// arithmetic, so the token depends only on the final kept set, its weights and u.
//
// Memory: a Sampler owns its lists, history and scratch; after warm-up at the largest n it
// allocates nothing. The logits buffer is patched in place and restored before sample() returns.
#pragma once
#include <cstddef>
#include <cstdint>

#include "logitkit/sampler_tables.h"
#include "logitkit/status.h"

namespace logitkit {

enum class Stage : uint8_t {
#define LOGITKIT_STAGE_ENUM(id, name, kind) k##id,
  LOGITKIT_STAGES(LOGITKIT_STAGE_ENUM)
#undef LOGITKIT_STAGE_ENUM
};
#define LOGITKIT_STAGE_COUNT(id, name, kind) +1
constexpr size_t kStageCount = 0 LOGITKIT_STAGES(LOGITKIT_STAGE_COUNT);
#undef LOGITKIT_STAGE_COUNT

enum class StageKind : uint8_t { kProcessor, kFilter };
StageKind stage_kind(Stage stage);
inline bool is_processor(Stage stage) {
  return stage_kind(stage) == StageKind::kProcessor;
}
// The stage's name as the wrapper spells it ("topK"); "?" for a value outside the enum.
const char* stage_name(Stage stage);

// The default order (the table's) and llama.cpp's.
extern const Stage kOrderHF[kStageCount];
extern const Stage kOrderLlamaCpp[kStageCount];

// Whose rules apply where the reference stacks differ (SamplingParams::compat holds the value).
enum class Compat : int32_t {
#define LOGITKIT_COMPAT_ENUM(id, name) k##id,
  LOGITKIT_COMPATS(LOGITKIT_COMPAT_ENUM)
#undef LOGITKIT_COMPAT_ENUM
};

struct SamplingParams {
#define LOGITKIT_PARAM_FIELD(type, field, option, initial) type field = initial;
  LOGITKIT_SAMPLING_PARAMS(LOGITKIT_PARAM_FIELD)
#undef LOGITKIT_PARAM_FIELD
  Stage order[kStageCount] = {};  // the stages in application order (disabled ones are skipped)
  uint8_t order_length = 0;       // 0: kOrderHF

  bool follows(Compat rules) const {
    return compat == static_cast<int32_t>(rules);
  }
};

struct SampleResult {
#define LOGITKIT_RESULT_FIELD(type, field, name, initial) type field = initial;
  LOGITKIT_SAMPLE_RESULT_FIELDS(LOGITKIT_RESULT_FIELD)
#undef LOGITKIT_RESULT_FIELD
};

// Where the optional top-N list goes (N = capacity, 0 for none).
struct TopList {
  int32_t* indices = nullptr;
  float* logprobs = nullptr;
  uint32_t capacity = 0;
};

// Where n distinct samples go (capacity >= n_samples), best Gumbel key first.
struct SampleList {
  int32_t* tokens = nullptr;
  float* logprobs = nullptr;
  uint32_t capacity = 0;
};

// Token-id sequences for a stage that takes a list (logitBias, allowedTokens, badWords, dry's
// sequence breakers): `count` sequences, flat in `tokens`, of lengths[i] tokens each (lengths
// null: every sequence is one token), with one value each in `values` (null: none; logitBias
// needs them). The stage copies what it keeps.
struct TokenLists {
  const int32_t* tokens = nullptr;
  const uint32_t* lengths = nullptr;
  const float* values = nullptr;
  uint32_t count = 0;
};

// The token-sequence lists of set_sequences.
enum class SequenceKind : int32_t { kBadWords = 0, kDryBreakers = 1 };

namespace detail {
struct SamplerState;  // cpp/src/sampler_state.h
}

class Sampler {
 public:
  // Allocates the state of every stage; if that fails, every call returns kOutOfMemory.
  Sampler();
  ~Sampler();
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  // Sets the parameters. kBadOption when the order is invalid (a stage twice, an unknown stage, a
  // processor after a filter; index: the position), kStageNotInOrder when a stage that these
  // parameters or the lists set so far switch on is not in it (index: the stage); the previous
  // parameters stay then. With llama.cpp's rules (Compat::kLlamaCpp) the penalties and DRY may
  // follow a filter and a stage missing from the order is dropped, as in llama.cpp's `samplers`
  // list; params().order is then the chain common_sampler_init builds: logit bias and the token
  // bans first, then the listed stages (no order: the llama.cpp preset), or with mirostat on only
  // temperature and mirostat.
  // Restarts every stage's running state (mirostat's mu = 2 tau).
  Status configure(const SamplingParams& params);
  const SamplingParams& params() const;

  // The list of a stage that takes one (see TokenLists); count 0 clears it. kBadOption for a stage
  // without a list or an empty sequence, kBadListToken for a negative token id.
  Status set_list(Stage stage, const TokenLists& list);
  // The bias list (token ids and additive biases).
  Status set_bias(const int32_t* tokens, const float* biases, uint32_t count) {
    return set_list(Stage::kLogitBias, {tokens, nullptr, biases, count});
  }
  // vLLM allowed_token_ids; count 0 clears it (all tokens allowed).
  Status set_allowed(const int32_t* tokens, uint32_t count) {
    return set_list(Stage::kAllowedTokens, {tokens, nullptr, nullptr, count});
  }
  // Bad-word sequences (vLLM / HF bad_words_ids) or DRY sequence breakers, as flat token ids and
  // per-sequence lengths (each >= 1).
  Status set_sequences(SequenceKind kind, const int32_t* tokens, const uint32_t* lengths,
                       uint32_t count) {
    return set_list(kind == SequenceKind::kBadWords ? Stage::kBadWords : Stage::kDry,
                    {tokens, lengths, nullptr, count});
  }

  // Draws one token from `logits` (n entries) and records it in the history.
  Status sample(float* logits, size_t n, SampleResult* result, const TopList& top = {},
                const SampleList& samples = {});

  // Records a token the sampler did not draw: a prompt token (`prompt`), or a forced output token.
  // The output is every token drawn or accepted since the last prompt token: a prompt token after
  // output tokens starts a new generation, and the earlier output counts as prompt from then on.
  // kBadHistoryToken (index: the token) for an id < 0, or >= the n of the last successful sample()
  // (any id >= 0 is taken before the first); the history is unchanged then.
  Status accept(int32_t token, bool prompt = false);
  // Whether accept() takes `token` (the rule above).
  bool accepts(int32_t token) const;
  // Clears the history, restarts the random stream at draw 0 and every stage's running state.
  void reset();
  // Makes `dst` an independent copy: parameters, lists, history, stage states and stream position.
  Status clone_into(Sampler* dst) const;

  double mirostat_mu() const;
  size_t history_size() const;
  // Tokens drawn or accepted as output since the last prompt token, and all tokens since reset.
  uint64_t output_length() const;
  uint64_t total_length() const;
  // The active stages (enabled ones, in order); returns how many were written (<= kStageCount).
  size_t active_stages(Stage* out) const;

 private:
  detail::SamplerState* s_;
};

// Samples `rows` rows of `n` logits each (row r at logits + r * n) with samplers[r]; each row uses
// its own sampler's state and seed, and draws exactly what samplers[r]->sample() of that row
// would. Row r's result goes to results[r], its top list to tops.indices / tops.logprobs +
// r * tops.capacity, its samples to samples.tokens / samples.logprobs + r * samples.capacity
// (capacity 0: none). Stops at the first failing row and reports it in *failed_row.
Status sample_rows(Sampler* const* samplers, size_t rows, float* logits, size_t n,
                   SampleResult* results, const TopList& tops, const SampleList& samples,
                   uint32_t* failed_row);

}  // namespace logitkit
