// The Sampler: its state and lists, and sample() as a chain of stage units (stage.h): the
// processors patch the logits, the filters narrow the candidates (chain.h), then the draw and the
// outputs (outputs.h), then the state updates (history, each stage's after_draw).
#include "logitkit/sampler.h"

#include <algorithm>
#include <cmath>

#include "chain.h"
#include "logitkit/kernels.h"
#include "outputs.h"
#include "sampler_state.h"
#include "stage.h"

namespace logitkit {

namespace {

const Stage* order_of(const SamplingParams& p, size_t* length) {
  if (p.order_length == 0) {
    *length = kStageCount;
    return kOrderHF;
  }
  *length = p.order_length;
  return p.order;
}

// Calls visit(stage, unit, state) for every stage, in the table's order.
template <typename Visit>
void for_each_stage(detail::SamplerState& s, Visit visit) {
  for (size_t i = 0; i < kStageCount; ++i) {
    const Stage stage = static_cast<Stage>(i);
    visit(stage, unit_of(stage), s.stage_state[i]);
  }
}

bool stage_enabled(const detail::SamplerState& s, Stage stage) {
  return unit_of(stage).enabled(s.params, s.stage_state[static_cast<size_t>(stage)]);
}

Status run_stage(Chain& c, Stage stage) {
  if (!stage_enabled(c.s, stage)) return {};
  return unit_of(stage).apply(c, c.s.stage_state[static_cast<size_t>(stage)]);
}

// Order problems: a stage twice, a value outside the enum, a processor after a filter (index: the
// position), or a stage these parameters and lists switch on missing (index: the stage). With
// llama.cpp's rules the penalties and DRY may follow a filter (its `samplers` list may put them
// anywhere) and a stage missing from the order does not run (it is not in the list).
Status check_order(const detail::SamplerState& s, const SamplingParams& params) {
  if (params.order_length > kStageCount) return {Code::kBadOption, 0};
  const bool llama_cpp = params.follows(Compat::kLlamaCpp);
  bool seen[kStageCount] = {};
  bool filters_started = false;
  for (size_t i = 0; i < params.order_length; ++i) {
    const size_t stage = static_cast<size_t>(params.order[i]);
    if (stage >= kStageCount || seen[stage]) return {Code::kBadOption, static_cast<uint32_t>(i)};
    seen[stage] = true;
    if (!is_processor(params.order[i]))
      filters_started = true;
    else if (filters_started && !(llama_cpp && (params.order[i] == Stage::kPenalties ||
                                                params.order[i] == Stage::kDry)))
      return {Code::kBadOption, static_cast<uint32_t>(i)};
  }
  // The default order has every stage.
  if (params.order_length == 0 || llama_cpp) return {};
  for (size_t i = 0; i < kStageCount; ++i) {
    if (static_cast<Stage>(i) == Stage::kGrammar) continue;  // put first by configure()
    if (!seen[i] && unit_of(static_cast<Stage>(i)).enabled(params, s.stage_state[i]))
      return {Code::kStageNotInOrder, static_cast<uint32_t>(i)};
  }
  return {};
}

// The processors llama.cpp's `samplers` list cannot name: with its rules they always run, first
// (the grammar's mask before anything, as llama.cpp applies its grammar before the chain;
// logit_bias heads common_sampler_init's chain; the token bans and allowed tokens only ban or
// bias, so their place among the first processors changes nothing).
bool runs_first_with_llama_cpp(Stage stage) {
  switch (stage) {
    case Stage::kGrammar:
    case Stage::kLogitBias:
    case Stage::kSequenceBias:
    case Stage::kSuppressTokens:
    case Stage::kBeginSuppressTokens:
    case Stage::kStopTokens:
    case Stage::kAllowedTokens:
      return true;
    default:
      return false;
  }
}

// The order as llama.cpp's common_sampler_init builds the chain: the processors above, then the
// listed stages in their order (no order given: the llama.cpp preset), or, with mirostat on, only
// temperature and mirostat (top-k, top-p, penalties, DRY, ... are not added to a mirostat chain).
void resolve_llama_cpp_order(SamplingParams& p) {
  size_t given_length;
  const Stage* given = p.order_length == 0 ? kOrderLlamaCpp : order_of(p, &given_length);
  if (p.order_length == 0) given_length = kStageCount;
  Stage resolved[kStageCount];
  size_t out = 0;
  for (size_t i = 0; i < kStageCount; ++i) {
    if (runs_first_with_llama_cpp(static_cast<Stage>(i))) resolved[out++] = static_cast<Stage>(i);
  }
  if (p.mirostat != 0) {
    resolved[out++] = Stage::kTemperature;
    resolved[out++] = Stage::kMirostat;
  } else {
    for (size_t i = 0; i < given_length; ++i) {
      if (!runs_first_with_llama_cpp(given[i])) resolved[out++] = given[i];
    }
  }
  std::copy(resolved, resolved + out, p.order);
  p.order_length = static_cast<uint8_t>(out);
}

// A given order that does not name the grammar gets it first: its mask is set after configure()
// (each step), and no stage may ever see a token the grammar disallows. Without a mask the stage
// is off, so the order runs as given. (The check above refuses repeats, so the order has room.)
void put_grammar_first(SamplingParams& p) {
  if (p.order_length == 0) return;  // the default order starts with it
  Stage* const end = p.order + p.order_length;
  if (std::find(p.order, end, Stage::kGrammar) != end) return;
  std::copy_backward(p.order, end, end + 1);
  p.order[0] = Stage::kGrammar;
  ++p.order_length;
}

// How much history the enabled stages read: the longest window any of them asks for, or
// kWholeHistory when one reads it all (0 when none reads it).
size_t history_needed(detail::SamplerState& s) {
  size_t keep = 0;
  for_each_stage(s, [&](Stage stage, const StageUnit& unit, void* state) {
    if (unit.history_window != nullptr && stage_enabled(s, stage))
      keep = std::max(keep, unit.history_window(s.params, state));
  });
  return keep;
}

// Frees every stage's state and the sampler state itself.
void release(detail::SamplerState* s) {
  if (s == nullptr) return;
  for_each_stage(*s, [](Stage, const StageUnit& unit, void* state) {
    if (state != nullptr) unit.state->destroy(state);
  });
  delete s;
}

}  // namespace

Sampler::Sampler() : s_(new (std::nothrow) detail::SamplerState()) {
  if (s_ == nullptr) return;
  bool created = true;
  for_each_stage(*s_, [&](Stage, const StageUnit& unit, void*& state) {
    if (unit.state != nullptr && created) {
      state = unit.state->create();
      created = state != nullptr;
    }
  });
  if (!created) {
    release(s_);
    s_ = nullptr;
  }
}

Sampler::~Sampler() {
  release(s_);
}

const SamplingParams& Sampler::params() const {
  static const SamplingParams kDefaults;
  return s_ != nullptr ? s_->params : kDefaults;
}

Status Sampler::configure(const SamplingParams& params) {
  if (s_ == nullptr) return {Code::kOutOfMemory, 0};
  const Status order = check_order(*s_, params);
  if (!order.ok()) return order;
  s_->params = params;
  if (params.follows(Compat::kLlamaCpp))
    resolve_llama_cpp_order(s_->params);
  else
    put_grammar_first(s_->params);
  for_each_stage(*s_, [&](Stage, const StageUnit& unit, void* state) {
    if (unit.reset != nullptr) unit.reset(s_->params, state);
  });
  s_->history_keep = history_needed(*s_);
  return {};
}

Status Sampler::set_list(Stage stage, const TokenLists& list) {
  if (s_ == nullptr) return {Code::kOutOfMemory, 0};
  const size_t i = static_cast<size_t>(stage);
  if (i >= kStageCount || unit_of(stage).set_list == nullptr) return {Code::kBadOption, 0};
  const Status st = unit_of(stage).set_list(s_->stage_state[i], list);
  s_->history_keep = history_needed(*s_);
  return st;
}

size_t Sampler::active_stages(Stage* out) const {
  if (s_ == nullptr) return 0;
  size_t length, count = 0;
  const Stage* order = order_of(s_->params, &length);
  for (size_t i = 0; i < length; ++i) {
    if (stage_enabled(*s_, order[i])) out[count++] = order[i];
  }
  return count;
}

bool Sampler::accepts(int32_t token) const {
  return token >= 0 &&
         (s_ == nullptr || s_->vocab_size == 0 || static_cast<size_t>(token) < s_->vocab_size);
}

Status Sampler::accept(int32_t token, bool prompt) {
  if (s_ == nullptr) return {Code::kOutOfMemory, 0};
  if (!accepts(token)) return {Code::kBadHistoryToken, static_cast<uint32_t>(token)};
  // Keep what the enabled stages read (history_keep), compacted when the buffer fills; everything
  // when one reads the whole history. So a plain sampler's history stays bounded.
  const size_t keep = s_->history_keep;
  Buffer<int32_t>& h = s_->history;
  if (keep != kWholeHistory && h.size() >= 2 * keep + 64) {
    std::copy(h.end() - keep, h.end(), h.begin());
    h.truncate(keep);
  }
  if (!h.push_back(token)) return {Code::kOutOfMemory, 0};
  ++s_->total_length;
  s_->output_length = prompt ? 0 : s_->output_length + 1;
  return {};
}

void Sampler::reset() {
  if (s_ == nullptr) return;
  s_->history.clear();
  s_->total_length = s_->output_length = 0;
  s_->draws = 0;
  for_each_stage(*s_, [&](Stage, const StageUnit& unit, void* state) {
    if (unit.reset != nullptr) unit.reset(s_->params, state);
  });
}

Status Sampler::clone_into(Sampler* dst) const {
  if (s_ == nullptr || dst->s_ == nullptr) return {Code::kOutOfMemory, 0};
  detail::SamplerState& d = *dst->s_;
  d.params = s_->params;
  d.draws = s_->draws;
  d.history_keep = s_->history_keep;
  d.total_length = s_->total_length;
  d.output_length = s_->output_length;
  d.vocab_size = s_->vocab_size;
  if (!d.history.assign(s_->history)) return {Code::kOutOfMemory, 0};
  bool copied = true;
  for_each_stage(*s_, [&](Stage stage, const StageUnit& unit, void* state) {
    if (unit.state != nullptr && copied)
      copied = unit.state->copy(state, d.stage_state[static_cast<size_t>(stage)]);
  });
  return copied ? Status{} : Status{Code::kOutOfMemory, 0};
}

double Sampler::mirostat_mu() const {
  if (s_ == nullptr) return 0;
  const StageUnit& unit = unit_of(Stage::kMirostat);
  return unit.value(s_->stage_state[static_cast<size_t>(Stage::kMirostat)]);
}

size_t Sampler::history_size() const {
  return s_ != nullptr ? s_->history.size() : 0;
}

uint64_t Sampler::output_length() const {
  return s_ != nullptr ? s_->output_length : 0;
}

uint64_t Sampler::total_length() const {
  return s_ != nullptr ? s_->total_length : 0;
}

Status Sampler::sample(float* logits, size_t n, SampleResult* result, const TopList& top,
                       const SampleList& samples) {
  if (s_ == nullptr) return {Code::kOutOfMemory, 0};
  const Scan raw = scan_logits(logits, n);
  if (!raw.status.ok()) return raw.status;
  detail::SamplerState& s = *s_;
  const SamplingParams& p = s.params;
  if (!s.weights.resize(n)) return {Code::kOutOfMemory, 0};

  Chain c(s, logits, n);
  c.min_keep = std::min<size_t>(static_cast<size_t>(std::max(p.min_tokens_to_keep, 1)), n);
  // Call c of the seed belongs to the c-th successful sample() since the last reset, whatever the
  // stages do (streams.h).
  c.call = s.draws;
  c.max = raw.max;
  c.kept_len = n;
  s.patches.clear();

  size_t length;
  const Stage* order = order_of(p, &length);
  Status status;
  size_t k = 0;
  for (; status.ok() && k < length && is_processor(order[k]); ++k) status = run_stage(c, order[k]);
  if (status.ok()) status = finish_processors(c);
  c.filtering = true;
  for (; status.ok() && k < length; ++k) status = run_stage(c, order[k]);
  // The draw and every output that reads the final distribution, before the logits are restored.
  Draw drawn{};
  if (status.ok()) status = draw_final(c, &drawn);
  const double log_mass = std::log(drawn.kept_mass);
  if (status.ok()) {
    result->token = drawn.token;
    result->kept = drawn.kept_count;
    status = distinct_samples(c, log_mass, samples, result);
  }
  if (status.ok()) {
    result->logprob = final_logprob(c, result->token, log_mass);
    result->rank = final_rank(c, result->token);
    if (!p.logprobs_raw) status = final_top_list(c, log_mass, top);
  }

  // Restore the caller's logits (in reverse, so a token patched twice gets its original back).
  for (size_t j = s.patches.size(); j-- > 0;) logits[s.patches[j].token] = s.patches[j].original;
  s.patches.clear();
  if (!status.ok()) return status;

  // The token's log-probability in softmax(logits) at T = 1, before every stage.
  double raw_sum = c.raw_logprob_sum;
  if (raw_sum < 0) raw_sum = sum_exp(logits, n, raw.max, 1.0);
  result->raw_logprob = static_cast<double>(logits[result->token]) - raw.max - std::log(raw_sum);
  const size_t top_n = std::min<size_t>(top.capacity, n);
  if (top_n > 0 && p.logprobs_raw) {
    const Status st = top_logprobs(logits, n, top_n, 1.0, top.indices, top.logprobs);
    if (!st.ok()) return st;
  }
  ++s.draws;
  s.vocab_size = n;
  for (size_t i = 0; i < length; ++i) {
    const StageUnit& unit = unit_of(order[i]);
    if (unit.after_draw != nullptr && stage_enabled(s, order[i]))
      unit.after_draw(p, s.stage_state[static_cast<size_t>(order[i])], *result);
  }
  return accept(result->token);
}

Status sample_rows(Sampler* const* samplers, size_t rows, float* logits, size_t n,
                   SampleResult* results, const TopList& tops, const SampleList& samples,
                   uint32_t* failed_row) {
  for (size_t r = 0; r < rows; ++r) {
    const size_t top_at = r * tops.capacity, samples_at = r * samples.capacity;
    const TopList top = tops.capacity == 0
                            ? TopList{}
                            : TopList{tops.indices + top_at, tops.logprobs + top_at, tops.capacity};
    const SampleList row_samples =
        samples.capacity == 0 ? SampleList{}
                              : SampleList{samples.tokens + samples_at,
                                           samples.logprobs + samples_at, samples.capacity};
    const Status st = samplers[r]->sample(logits + r * n, n, &results[r], top, row_samples);
    if (!st.ok()) {
      *failed_row = static_cast<uint32_t>(r);
      return st;
    }
  }
  return {};
}

}  // namespace logitkit
