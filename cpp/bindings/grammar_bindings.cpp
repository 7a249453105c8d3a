// embind declarations of the grammar module (logitkit-grammar-*.wasm), and nothing else: thin
// entry points over raw wasm addresses. Handles are addresses of heap objects (0 on failure); the
// failure's message, code and position are read with _lastError*() right after the failing call.
// The JavaScript wrapper (web/src/grammar/) owns memory and turns failures into typed errors.
#include <emscripten/bind.h>
#include <chrono>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "frontend/frontend.h"
#include "grammar.h"
#include "matcher.h"
#include "tokenizer_json.h"
#include "vocabulary.h"

namespace {

using namespace logitkit::grammar;

struct VocabHandle {
  std::shared_ptr<Vocabulary> vocab;
  std::vector<uint8_t> serialized;
};
struct CompiledHandle {
  std::shared_ptr<BoundGrammar> bound;
  std::vector<std::string> warnings;  // "kind\tkeyword\tpointer\tmessage"
};

std::string g_error;
std::string g_error_code;
double g_error_position = -1;
std::string g_error_pointer;

template <typename T>
T* at(uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

void set_error(const std::string& code, const std::string& message, double position = -1,
               const std::string& pointer = std::string()) {
  g_error_code = code;
  g_error = message;
  g_error_position = position;
  g_error_pointer = pointer;
}

std::string last_error() {
  return g_error;
}
std::string last_error_code() {
  return g_error_code;
}
double last_error_position() {
  return g_error_position;
}
std::string last_error_pointer() {
  return g_error_pointer;
}

uintptr_t vocab_build(uint32_t type, uintptr_t blob, uint32_t blob_size, uintptr_t lengths,
                      uintptr_t flags, uint32_t count, uint32_t vocab_size, uintptr_t stop,
                      uint32_t stop_count, bool lengths_in_bytes) {
  if (type > 2) {
    set_error("invalid-tokenizer", "unknown vocabulary type");
    return 0;
  }
  auto* h = new (std::nothrow) VocabHandle();
  if (h == nullptr) return 0;
  h->vocab = std::make_shared<Vocabulary>();
  std::string error;
  if (!h->vocab->build(static_cast<VocabType>(type), at<const uint8_t>(blob), blob_size,
                       at<const uint32_t>(lengths), at<const uint8_t>(flags), count, vocab_size,
                       at<const int32_t>(stop), stop_count, lengths_in_bytes, &error)) {
    set_error("invalid-tokenizer", error);
    delete h;
    return 0;
  }
  return reinterpret_cast<uintptr_t>(h);
}

// A tokenizer.json text. vocab_size 0: the tokenizer's own size. With use_default_stops, the stop
// tokens are the special added tokens whose content is one of `default_stop_names`
// ('\n'-separated).
uintptr_t vocab_from_json(uintptr_t text, uint32_t size, uint32_t vocab_size, uintptr_t stop,
                          uint32_t stop_count, bool use_default_stops,
                          std::string default_stop_names) {
  TokenizerJson tj;
  std::string error;
  if (!read_tokenizer_json(at<const char>(text), size, &tj, &error)) {
    set_error("invalid-tokenizer", error);
    return 0;
  }
  std::vector<int32_t> stops(at<const int32_t>(stop), at<const int32_t>(stop) + stop_count);
  if (use_default_stops) {
    stops.clear();
    size_t start = 0;
    while (start <= default_stop_names.size()) {
      size_t end = default_stop_names.find('\n', start);
      if (end == std::string::npos) end = default_stop_names.size();
      const std::string name = default_stop_names.substr(start, end - start);
      for (const auto& sp : tj.special)
        if (sp.first == name && std::find(stops.begin(), stops.end(), sp.second) == stops.end())
          stops.push_back(sp.second);
      start = end + 1;
    }
  }
  const uint32_t count = static_cast<uint32_t>(tj.lengths.size());
  if (vocab_size == 0) vocab_size = count;
  auto* h = new (std::nothrow) VocabHandle();
  if (h == nullptr) return 0;
  h->vocab = std::make_shared<Vocabulary>();
  if (!h->vocab->build(tj.type, reinterpret_cast<const uint8_t*>(tj.blob.data()), tj.blob.size(),
                       tj.lengths.data(), tj.flags.data(), count, vocab_size, stops.data(),
                       static_cast<uint32_t>(stops.size()), true, &error)) {
    set_error("invalid-tokenizer", error);
    delete h;
    return 0;
  }
  return reinterpret_cast<uintptr_t>(h);
}

uintptr_t vocab_deserialize(uintptr_t data, uint32_t size) {
  auto* h = new (std::nothrow) VocabHandle();
  if (h == nullptr) return 0;
  h->vocab = std::make_shared<Vocabulary>();
  std::string error;
  if (!h->vocab->deserialize(at<const uint8_t>(data), size, &error)) {
    set_error("invalid-tokenizer", error);
    delete h;
    return 0;
  }
  return reinterpret_cast<uintptr_t>(h);
}

void vocab_free(uintptr_t h) {
  delete at<VocabHandle>(h);
}
uint32_t vocab_size(uintptr_t h) {
  return at<VocabHandle>(h)->vocab->vocab_size();
}
uint32_t vocab_token_count(uintptr_t h) {
  return at<VocabHandle>(h)->vocab->token_count();
}
uint32_t vocab_type(uintptr_t h) {
  return static_cast<uint32_t>(at<VocabHandle>(h)->vocab->type());
}
uint32_t vocab_stop_count(uintptr_t h) {
  return static_cast<uint32_t>(at<VocabHandle>(h)->vocab->stop_ids().size());
}
int32_t vocab_stop_id(uintptr_t h, uint32_t i) {
  return at<VocabHandle>(h)->vocab->stop_ids()[i];
}
uint32_t vocab_kind(uintptr_t h, uint32_t id) {
  return at<VocabHandle>(h)->vocab->kind(id);
}
uint32_t vocab_token_length(uintptr_t h, uint32_t id) {
  return at<VocabHandle>(h)->vocab->token_length(id);
}
uintptr_t vocab_token_bytes(uintptr_t h, uint32_t id) {
  return reinterpret_cast<uintptr_t>(at<VocabHandle>(h)->vocab->token_bytes(id));
}
double vocab_memory(uintptr_t h) {
  return static_cast<double>(at<VocabHandle>(h)->vocab->memory_bytes());
}
// Serializes into the handle's own buffer; returns its size (read it at vocab_serialized()).
uint32_t vocab_serialize(uintptr_t h) {
  VocabHandle* v = at<VocabHandle>(h);
  v->serialized = v->vocab->serialize();
  return static_cast<uint32_t>(v->serialized.size());
}
uintptr_t vocab_serialized(uintptr_t h) {
  return reinterpret_cast<uintptr_t>(at<VocabHandle>(h)->serialized.data());
}
void vocab_release_serialized(uintptr_t h) {
  std::vector<uint8_t>().swap(at<VocabHandle>(h)->serialized);
}

const char* grammar_error_name(GrammarErrorCode code) {
  switch (code) {
    case GrammarErrorCode::kSyntax:
      return "syntax";
    case GrammarErrorCode::kEmpty:
      return "empty-language";
    case GrammarErrorCode::kTooLarge:
      return "too-many-states";
    case GrammarErrorCode::kTimeout:
      return "timeout";
    default:
      return "invalid-grammar";
  }
}

uintptr_t compile_gbnf_text(uintptr_t vocab, const std::string& gbnf, const std::string& root,
                            const CompileOptions& options, std::vector<std::string> warnings) {
  GrammarError error;
  CompiledGrammar* g = CompiledGrammar::compile(gbnf, root, options, &error);
  if (g == nullptr) {
    set_error(grammar_error_name(error.code), error.message, static_cast<double>(error.position));
    return 0;
  }
  auto* h = new (std::nothrow) CompiledHandle();
  if (h == nullptr) {
    delete g;
    return 0;
  }
  h->bound = std::make_shared<BoundGrammar>(at<VocabHandle>(vocab)->vocab, g);
  h->warnings = std::move(warnings);
  return reinterpret_cast<uintptr_t>(h);
}

// The engine's options for one compile call: timeout_ms runs from the call's start, so it also
// covers a front end's conversion before the engine.
CompileOptions call_options(double timeout_ms, uint32_t max_states) {
  CompileOptions options;
  options.timeout_ms = timeout_ms;
  options.max_states = max_states;
  options.started = std::chrono::steady_clock::now();
  return options;
}

uintptr_t compile_gbnf(uintptr_t vocab, std::string gbnf, std::string root, double timeout_ms,
                       uint32_t max_states) {
  return compile_gbnf_text(vocab, gbnf, root, call_options(timeout_ms, max_states), {});
}

uintptr_t compile_frontend(uintptr_t vocab, const FrontendResult& r,
                           const CompileOptions& options) {
  if (!r.ok) {
    set_error(error_code_name(r.error.code), r.error.message, static_cast<double>(r.error.position),
              r.error.json_pointer);
    return 0;
  }
  std::vector<std::string> warnings;
  for (const Warning& w : r.warnings)
    warnings.push_back(std::string(warning_kind_name(w.kind)) + "\t" + w.keyword + "\t" +
                       w.json_pointer + "\t" + w.message);
  return compile_gbnf_text(vocab, r.gbnf, r.root, options, std::move(warnings));
}

// whitespace_max_run: the longest whitespace run between JSON tokens (0 = compact).
uintptr_t compile_json_schema(uintptr_t vocab, std::string schema, uint32_t whitespace_max_run,
                              bool strict, double timeout_ms, uint32_t max_states) {
  const CompileOptions engine = call_options(timeout_ms, max_states);
  JsonSchemaOptions options;
  options.whitespace.max_run = whitespace_max_run;
  options.strict = strict;
  options.budgets.timeout_ms = timeout_ms;
  return compile_frontend(vocab, json_schema_to_gbnf(schema, options), engine);
}

uintptr_t compile_regex(uintptr_t vocab, std::string pattern, double timeout_ms,
                        uint32_t max_states) {
  const CompileOptions engine = call_options(timeout_ms, max_states);
  return compile_frontend(vocab, regex_to_gbnf(pattern), engine);
}

uintptr_t compile_builtin_json(uintptr_t vocab, uint32_t whitespace_max_run, double timeout_ms,
                               uint32_t max_states) {
  WhitespaceOptions ws;
  ws.max_run = whitespace_max_run;
  return compile_gbnf_text(vocab, builtin_json_gbnf(ws), "root",
                           call_options(timeout_ms, max_states), {});
}

std::string schema_to_gbnf(std::string schema, uint32_t whitespace_max_run, bool strict) {
  JsonSchemaOptions options;
  options.whitespace.max_run = whitespace_max_run;
  options.strict = strict;
  const FrontendResult r = json_schema_to_gbnf(schema, options);
  if (!r.ok) {
    set_error(error_code_name(r.error.code), r.error.message, static_cast<double>(r.error.position),
              r.error.json_pointer);
    return std::string();
  }
  return r.gbnf;
}

void compiled_free(uintptr_t h) {
  delete at<CompiledHandle>(h);
}
uint32_t compiled_warning_count(uintptr_t h) {
  return static_cast<uint32_t>(at<CompiledHandle>(h)->warnings.size());
}
std::string compiled_warning(uintptr_t h, uint32_t i) {
  return at<CompiledHandle>(h)->warnings[i];
}
double compiled_memory(uintptr_t h) {
  const BoundGrammar& b = *at<CompiledHandle>(h)->bound;
  return static_cast<double>(b.grammar->memory_bytes() + b.masks->memory_bytes());
}

uintptr_t matcher_create(uintptr_t compiled, bool terminate_without_stop) {
  return reinterpret_cast<uintptr_t>(
      new (std::nothrow) Matcher(at<CompiledHandle>(compiled)->bound, terminate_without_stop));
}
void matcher_free(uintptr_t m) {
  delete at<Matcher>(m);
}
// 1 accepted, 0 rejected, -1 the automaton outgrew maxStates (the state is then unchanged).
int32_t budget_checked(Matcher* m, bool result) {
  if (m->over_budget()) {
    set_error("too-many-states", "the grammar's automaton outgrew maxStates (" +
                                     std::to_string(m->bound().grammar->max_states()) + ")");
    return -1;
  }
  return result ? 1 : 0;
}
int32_t matcher_accept_token(uintptr_t m, uint32_t id) {
  Matcher* x = at<Matcher>(m);
  return budget_checked(x, x->accept_token(id));
}
int32_t matcher_accept_bytes(uintptr_t m, uintptr_t bytes, uint32_t n) {
  Matcher* x = at<Matcher>(m);
  return budget_checked(x, x->accept_bytes(at<const uint8_t>(bytes), n));
}
int32_t matcher_fill_mask(uintptr_t m, uintptr_t out) {
  Matcher* x = at<Matcher>(m);
  x->fill_mask(at<uint32_t>(out));
  return budget_checked(x, true);
}
bool matcher_rollback(uintptr_t m, uint32_t n) {
  return at<Matcher>(m)->rollback(n);
}
void matcher_reset(uintptr_t m) {
  at<Matcher>(m)->reset();
}
uintptr_t matcher_fork(uintptr_t m) {
  return reinterpret_cast<uintptr_t>(at<Matcher>(m)->fork());
}
bool matcher_is_terminated(uintptr_t m) {
  return at<Matcher>(m)->is_terminated();
}
bool matcher_can_end(uintptr_t m) {
  return at<Matcher>(m)->can_end();
}
uint32_t matcher_history_size(uintptr_t m) {
  return at<Matcher>(m)->history_size();
}
std::string matcher_jump_forward(uintptr_t m) {
  return at<Matcher>(m)->jump_forward();
}

}  // namespace

EMSCRIPTEN_BINDINGS(logitkit_grammar) {
  using emscripten::function;
  function("_lastError", &last_error);
  function("_lastErrorCode", &last_error_code);
  function("_lastErrorPosition", &last_error_position);
  function("_lastErrorPointer", &last_error_pointer);
  function("_vocabBuild", &vocab_build);
  function("_vocabDeserialize", &vocab_deserialize);
  function("_vocabFromJson", &vocab_from_json);
  function("_vocabFree", &vocab_free);
  function("_vocabSize", &vocab_size);
  function("_vocabTokenCount", &vocab_token_count);
  function("_vocabType", &vocab_type);
  function("_vocabKind", &vocab_kind);
  function("_vocabStopCount", &vocab_stop_count);
  function("_vocabStopId", &vocab_stop_id);
  function("_vocabTokenLength", &vocab_token_length);
  function("_vocabTokenBytes", &vocab_token_bytes);
  function("_vocabMemory", &vocab_memory);
  function("_vocabSerialize", &vocab_serialize);
  function("_vocabSerialized", &vocab_serialized);
  function("_vocabReleaseSerialized", &vocab_release_serialized);
  function("_compileGbnf", &compile_gbnf);
  function("_compileJsonSchema", &compile_json_schema);
  function("_compileRegex", &compile_regex);
  function("_compileBuiltinJson", &compile_builtin_json);
  function("_schemaToGbnf", &schema_to_gbnf);
  function("_compiledFree", &compiled_free);
  function("_compiledWarningCount", &compiled_warning_count);
  function("_compiledWarning", &compiled_warning);
  function("_compiledMemory", &compiled_memory);
  function("_matcherCreate", &matcher_create);
  function("_matcherFree", &matcher_free);
  function("_matcherAcceptToken", &matcher_accept_token);
  function("_matcherAcceptBytes", &matcher_accept_bytes);
  function("_matcherFillMask", &matcher_fill_mask);
  function("_matcherRollback", &matcher_rollback);
  function("_matcherReset", &matcher_reset);
  function("_matcherFork", &matcher_fork);
  function("_matcherIsTerminated", &matcher_is_terminated);
  function("_matcherCanEnd", &matcher_can_end);
  function("_matcherHistorySize", &matcher_history_size);
  function("_matcherJumpForward", &matcher_jump_forward);
}
