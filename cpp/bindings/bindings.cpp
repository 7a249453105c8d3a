// embind declarations of the kernel module, and nothing else: thin entry points over raw wasm
// addresses (the model module, cpp/model/bindings.cpp, adds its own beside these).
//
// The JavaScript wrapper (web/src) owns memory and errors: it places logits in wasm memory,
// passes their address as a number, and turns the returned status into a typed error.
// Every function returning `double` returns a packed Status: code * 2^32 + index (0 means ok).
// The rows of the cross-language tables (sampler_tables.h, status.h, dtype.h) are exported too,
// so tests/js/tables.test.mjs can compare them with the wrapper's descriptors.
#include <emscripten/bind.h>

#include <cstdint>
#include <iterator>

#include "logitkit/buffer.h"
#include "logitkit/dtype.h"
#include "logitkit/kernels.h"
#include "logitkit/sampler.h"

namespace {

using logitkit::Status;

constexpr double kStatusRadix = 4294967296.0;  // 2^32: code * 2^32 + index

double packed(Status s) {
  return static_cast<double>(static_cast<int32_t>(s.code)) * kStatusRadix + s.index;
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

// One parameter from its wire slots (LOGITKIT_SAMPLING_PARAMS: a double each, uint64_t two).
template <typename T>
void read_slot(const double*& slot, T* field) {
  *field = static_cast<T>(*slot++);
}
void read_slot(const double*& slot, bool* field) {
  *field = *slot++ != 0;
}
void read_slot(const double*& slot, uint64_t* field) {
  *field = static_cast<uint64_t>(slot[0]) | (static_cast<uint64_t>(slot[1]) << 32);
  slot += 2;
}

// The parameters as slots in the order of LOGITKIT_SAMPLING_PARAMS, and the stage order as bytes
// (Stage values).
void apply_bitmask(uintptr_t logits, uint32_t n, uintptr_t bitmask, uint32_t words) {
  logitkit::apply_bitmask(reinterpret_cast<float*>(logits), n,
                          reinterpret_cast<const uint32_t*>(bitmask), words);
}

double sampler_configure(uintptr_t sampler, uintptr_t slots, uintptr_t order,
                         uint32_t order_length) {
  const double* slot = at<const double>(slots);
  logitkit::SamplingParams p;
#define LOGITKIT_READ_PARAM(type, field, option, initial) read_slot(slot, &p.field);
  LOGITKIT_SAMPLING_PARAMS(LOGITKIT_READ_PARAM)
#undef LOGITKIT_READ_PARAM
  const uint8_t* stages = at<const uint8_t>(order);
  // Longer than every stage once: configure() rejects it.
  p.order_length = static_cast<uint8_t>(
      order_length > logitkit::kStageCount ? logitkit::kStageCount + 1 : order_length);
  for (uint32_t i = 0; i < order_length && i < logitkit::kStageCount; ++i)
    p.order[i] = static_cast<logitkit::Stage>(stages[i]);
  return packed(at<logitkit::Sampler>(sampler)->configure(p));
}

// The list of a stage (Stage value): `count` sequences of int32 tokens, their uint32 lengths
// (address 0: one token each) and float values (address 0: none).
double sampler_set_list(uintptr_t sampler, uint32_t stage, uintptr_t tokens, uintptr_t lengths,
                        uintptr_t values, uint32_t count) {
  if (stage >= logitkit::kStageCount) return packed({logitkit::Code::kBadOption, 0});
  const logitkit::TokenLists list{at<const int32_t>(tokens), at<const uint32_t>(lengths),
                                  at<const float>(values), count};
  return packed(
      at<logitkit::Sampler>(sampler)->set_list(static_cast<logitkit::Stage>(stage), list));
}

// The active stages (Stage values, in order) as bytes at `out` (room for every stage); returns
// how many.
uint32_t sampler_active_stages(uintptr_t sampler, uintptr_t out) {
  logitkit::Stage stages[logitkit::kStageCount];
  const size_t count = at<logitkit::Sampler>(sampler)->active_stages(stages);
  for (size_t i = 0; i < count; ++i) at<uint8_t>(out)[i] = static_cast<uint8_t>(stages[i]);
  return static_cast<uint32_t>(count);
}

// A result as its wire row: one double per field of LOGITKIT_SAMPLE_RESULT_FIELDS.
#define LOGITKIT_RESULT_COUNT(type, field, name, initial) +1
constexpr size_t kResultFields = 0 LOGITKIT_SAMPLE_RESULT_FIELDS(LOGITKIT_RESULT_COUNT);
#undef LOGITKIT_RESULT_COUNT

void write_result(const logitkit::SampleResult& r, double* out) {
#define LOGITKIT_WRITE_RESULT(type, field, name, initial) *out++ = static_cast<double>(r.field);
  LOGITKIT_SAMPLE_RESULT_FIELDS(LOGITKIT_WRITE_RESULT)
#undef LOGITKIT_WRITE_RESULT
}

// Writes the result row at `result`.
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

// logitkit::sample_rows over `rows` sampler handles (uint32 each): row r's result row at
// result + r * kResultFields doubles, its top list at top_* + r top_n, its samples at
// sample_* + r capacity. The failing row goes to *failed_row.
double sample_rows(uintptr_t handles, uint32_t rows, uintptr_t logits, uint32_t n, uintptr_t result,
                   uintptr_t top_indices, uintptr_t top_logprobs, uint32_t top_n,
                   uintptr_t sample_tokens, uintptr_t sample_logprobs, uint32_t sample_capacity,
                   uintptr_t failed_row) {
  static_assert(sizeof(logitkit::Sampler*) == sizeof(uint32_t), "wasm32 handles are pointers");
  static logitkit::Buffer<logitkit::SampleResult> results;  // grown once, then reused
  if (!results.resize(rows)) return packed({logitkit::Code::kOutOfMemory, 0});
  const logitkit::TopList tops{at<int32_t>(top_indices), at<float>(top_logprobs), top_n};
  const logitkit::SampleList samples{at<int32_t>(sample_tokens), at<float>(sample_logprobs),
                                     sample_capacity};
  const Status s =
      logitkit::sample_rows(at<logitkit::Sampler* const>(handles), rows, at<float>(logits), n,
                            results.data(), tops, samples, at<uint32_t>(failed_row));
  if (!s.ok()) return packed(s);
  for (uint32_t r = 0; r < rows; ++r)
    write_result(results[r], at<double>(result) + kResultFields * static_cast<size_t>(r));
  return 0;
}

// Accepts `count` int32 tokens at `tokens`, as prompt tokens when `prompt` is nonzero; the index
// of a failure is the token's position. A token outside the vocabulary records none of them.
double sampler_accept(uintptr_t sampler, uintptr_t tokens, uint32_t count, int32_t prompt) {
  logitkit::Sampler* s = at<logitkit::Sampler>(sampler);
  const int32_t* list = at<const int32_t>(tokens);
  for (uint32_t i = 0; i < count; ++i) {
    if (!s->accepts(list[i])) return packed({logitkit::Code::kBadHistoryToken, i});
  }
  for (uint32_t i = 0; i < count; ++i) {
    const Status st = s->accept(list[i], prompt != 0);
    if (!st.ok()) return packed({st.code, i});
  }
  return 0;
}
double sampler_output_length(uintptr_t sampler) {
  return static_cast<double>(at<logitkit::Sampler>(sampler)->output_length());
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

// float16 / bfloat16 words at `in` to floats at `out` (a DType value).
void convert_half(uintptr_t in, uint32_t n, int32_t dtype, uintptr_t out) {
  logitkit::convert_half(at<const uint16_t>(in), n, static_cast<logitkit::DType>(dtype),
                         at<float>(out));
}

// ---- The cross-language tables, row by row, for tests/js/tables.test.mjs ----------------------
// abi_name(table, row): the address of the row's name, NUL-terminated ASCII (0 past the end);
// abi_value(table, row): its number.
enum class AbiTable : int32_t {
  kStages = 0,         // name; value: kind (0 processor, 1 filter)
  kOrderLlamaCpp = 1,  // name of the stage at that position; value: its Stage value
  kParams = 2,         // the option's name; value: its default as written to the wire
  kParamSlots = 3,     // name; value: how many slots it takes
  kResultFields = 4,   // name; value: the field's initial value
  kStatusCodes = 5,    // name; value: the code
  kDTypes = 6,         // name; value: the DType value
  kCompats = 7,        // name; value: the Compat value
};

struct AbiRow {
  const char* name;
  double value;
};

#define LOGITKIT_ABI_STAGE(id, name, kind) {name, static_cast<double>(logitkit::StageKind::kind)},
const AbiRow kStageRows[] = {LOGITKIT_STAGES(LOGITKIT_ABI_STAGE)};
#undef LOGITKIT_ABI_STAGE
#define LOGITKIT_ABI_PRESET(id) \
  {logitkit::stage_name(logitkit::Stage::k##id), static_cast<double>(logitkit::Stage::k##id)},
const AbiRow kLlamaCppRows[] = {LOGITKIT_ORDER_LLAMA_CPP(LOGITKIT_ABI_PRESET)};
#undef LOGITKIT_ABI_PRESET
#define LOGITKIT_ABI_PARAM(type, field, option, initial) {option, static_cast<double>(initial)},
const AbiRow kParamRows[] = {LOGITKIT_SAMPLING_PARAMS(LOGITKIT_ABI_PARAM)};
#undef LOGITKIT_ABI_PARAM
template <typename T>
constexpr double kSlotsOf = 1;  // read_slot: a uint64_t takes two
template <>
constexpr double kSlotsOf<uint64_t> = 2;
#define LOGITKIT_ABI_SLOTS(type, field, option, initial) {option, kSlotsOf<type>},
const AbiRow kSlotRows[] = {LOGITKIT_SAMPLING_PARAMS(LOGITKIT_ABI_SLOTS)};
#undef LOGITKIT_ABI_SLOTS
#define LOGITKIT_ABI_RESULT(type, field, name, initial) {name, static_cast<double>(initial)},
const AbiRow kResultRows[] = {LOGITKIT_SAMPLE_RESULT_FIELDS(LOGITKIT_ABI_RESULT)};
#undef LOGITKIT_ABI_RESULT
#define LOGITKIT_ABI_STATUS(id, value, name) {name, static_cast<double>(value)},
const AbiRow kStatusRows[] = {LOGITKIT_STATUS_CODES(LOGITKIT_ABI_STATUS)};
#undef LOGITKIT_ABI_STATUS
#define LOGITKIT_ABI_DTYPE(id, value, name) {name, static_cast<double>(value)},
const AbiRow kDTypeRows[] = {LOGITKIT_DTYPES(LOGITKIT_ABI_DTYPE)};
#undef LOGITKIT_ABI_DTYPE
#define LOGITKIT_ABI_COMPAT(id, name) {name, static_cast<double>(logitkit::Compat::k##id)},
const AbiRow kCompatRows[] = {LOGITKIT_COMPATS(LOGITKIT_ABI_COMPAT)};
#undef LOGITKIT_ABI_COMPAT

struct AbiRows {
  const AbiRow* rows;
  size_t count;
};
template <size_t N>
constexpr AbiRows rows_of(const AbiRow (&rows)[N]) {
  return {rows, N};
}
// In AbiTable order.
const AbiRows kAbiTables[] = {rows_of(kStageRows), rows_of(kLlamaCppRows), rows_of(kParamRows),
                              rows_of(kSlotRows),  rows_of(kResultRows),   rows_of(kStatusRows),
                              rows_of(kDTypeRows), rows_of(kCompatRows)};
static_assert(std::size(kAbiTables) == static_cast<size_t>(AbiTable::kCompats) + 1);

const AbiRow* abi_row(int32_t table, uint32_t row) {
  if (table < 0 || static_cast<size_t>(table) >= std::size(kAbiTables)) return nullptr;
  const AbiRows& rows = kAbiTables[table];
  return row < rows.count ? &rows.rows[row] : nullptr;
}

uintptr_t abi_name(int32_t table, uint32_t row) {
  const AbiRow* r = abi_row(table, row);
  return r != nullptr ? reinterpret_cast<uintptr_t>(r->name) : 0;
}
double abi_value(int32_t table, uint32_t row) {
  const AbiRow* r = abi_row(table, row);
  return r != nullptr ? r->value : 0;
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
  function("_applyBitmask", &apply_bitmask);
  function("_samplerSetList", &sampler_set_list);
  function("_samplerActiveStages", &sampler_active_stages);
  function("_samplerSample", &sampler_sample);
  function("_sampleRows", &sample_rows);
  function("_samplerAccept", &sampler_accept);
  function("_samplerReset", &sampler_reset);
  function("_samplerClone", &sampler_clone);
  function("_samplerMu", &sampler_mu);
  function("_samplerHistorySize", &sampler_history_size);
  function("_samplerOutputLength", &sampler_output_length);
  function("_convertHalf", &convert_half);
  function("_abiName", &abi_name);
  function("_abiValue", &abi_value);
}
