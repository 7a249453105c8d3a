// JSON Schema -> GBNF, the compiler behind json_schema_to_gbnf. Internal to the front ends:
//   schema_compiler.cpp  keywords, $ref resolution, merging a conjunction into a MergedSchema;
//   schema_emit.cpp      MergedSchema -> GBNF per JSON type, anyOf/oneOf distribution;
//   schema_check.cpp     whether a JSON value satisfies a conjunction (enum/const filtering,
//                        oneOf disjointness, patternProperties matching).
// Every failure goes through fail() once: later work is skipped and the first error is reported.
#pragma once
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "frontend.h"
#include "gbnf_writer.h"
#include "json_grammar.h"
#include "json_value.h"
#include "nfa.h"
#include "regex.h"
#include "schema_merge.h"

namespace logitkit::grammar {

class SchemaCompiler {
 public:
  SchemaCompiler(const JsonValue& document, const JsonSchemaOptions& options,
                 FrontendResult& result);
  // Compiles the document's root schema into result (gbnf, root, warnings, or error).
  void run();

 private:
  using Conj = std::vector<SchemaRef>;
  enum class Verdict : uint8_t { kFail, kPass };

  // -- diagnostics (schema_compiler.cpp)
  bool failed() const { return failed_; }
  void fail(ErrorCode code, const std::string& keyword, const std::string& pointer,
            const std::string& message);
  void warn(WarningKind kind, const std::string& keyword, const std::string& pointer,
            const std::string& message);
  // True once Budgets::timeout_ms has passed (then failed with kTimeout); reads the clock only
  // every kClockStride calls, so the hot paths can ask often.
  bool out_of_time();
  // A validation keyword the engine cannot enforce: an error when strict, else a warning.
  void unsupported(const std::string& keyword, const std::string& pointer, const std::string& why);
  // A string constraint (at `pointer`) the grammar cannot combine with the others: an error
  // (unsupported-feature) when strict; else a warning, and returns true: the caller leaves the
  // constraint out, so the grammar accepts a superset.
  bool leave_out(const std::string& keyword, const std::string& pointer, const std::string& why);

  // -- merging (schema_compiler.cpp)
  const JsonValue* resolve_ref(const std::string& ref, const std::string& pointer,
                               std::string* target);
  void index_anchors(const JsonValue& value, const std::string& pointer);
  void merge(const SchemaRef& schema, MergedSchema& m, uint32_t depth);
  void merge_keyword(const std::string& key, const JsonValue& value, const SchemaRef& at,
                     MergedSchema& m, uint32_t depth);
  MergedSchema merge_all(const Conj& conj, uint32_t depth);
  bool siblings_of_ref_apply() const { return !old_draft_; }

  // Regexes from the schema (pattern, patternProperties keys, formats), parsed once.
  struct CompiledPattern {
    bool ok = false;
    Re re;    // anchor-free: the language of strings the pattern accepts
    Nfa nfa;  // for matching values and property names
    bool nfa_ok = false;
  };
  const CompiledPattern* pattern(const std::string& source, const std::string& pointer,
                                 bool is_format);

  // -- emission (schema_emit.cpp); "" means no instance at all
  std::string compile(const Conj& conj, const std::string& hint, uint32_t depth);
  std::string compile_merged(MergedSchema& m, const std::string& hint, uint32_t depth);
  std::string emit_types(const MergedSchema& m, const std::string& hint, uint32_t depth);
  std::string emit_enum(const MergedSchema& m, uint32_t depth);
  std::string emit_value(const JsonValue& value);
  std::string emit_number(const MergedSchema& m);
  std::string emit_string(const MergedSchema& m);
  std::string emit_array(const MergedSchema& m, const std::string& hint, uint32_t depth);
  std::string emit_object(const MergedSchema& m, const std::string& hint, uint32_t depth);
  std::string never();
  bool provably_disjoint(const MergedSchema& a, const MergedSchema& b, uint32_t depth);

  // The schemas the array item at `index` must satisfy.
  static Conj item_schemas(const MergedSchema& m, size_t index);

  // The schemas an object member named `name` must satisfy, and whether the name is declared
  // (properties / patternProperties of some spec) at all.
  Conj member_schemas(const MergedSchema& m, const std::string& name, bool* declared);

  // -- value checks (schema_check.cpp)
  Verdict check(const JsonValue& value, const Conj& conj, uint32_t depth);
  Verdict check_merged(const JsonValue& value, const MergedSchema& m, uint32_t depth);

  const JsonValue& document_;
  const JsonSchemaOptions& options_;
  FrontendResult& result_;
  GbnfWriter writer_;
  JsonGrammar json_;
  bool failed_ = false;
  bool old_draft_ = false;  // draft 4-7: siblings of $ref are ignored
  std::string root_id_;
  std::set<std::string> warned_;
  std::map<std::string, std::pair<const JsonValue*, std::string>> anchors_;
  bool anchors_indexed_ = false;
  std::unordered_map<std::string, std::unique_ptr<CompiledPattern>> patterns_;

  struct Memo {
    std::string name;  // the rule reserved for this conjunction
    std::string expr;  // what to reference: name, an inlined atom, or "" for no instance
    bool done = false;
    bool referenced = false;  // referenced while in progress (recursion)
  };
  std::unordered_map<std::string, Memo> memo_;
  std::string never_;
  size_t distributed_ = 0;  // anyOf/oneOf alternatives produced, against a budget
  std::chrono::steady_clock::time_point deadline_;  // when options_.budgets.timeout_ms > 0
  uint32_t clock_calls_ = 0;
  size_t ignored_ = 0;  // validation keywords ignored so far (strict: false)
};

}  // namespace logitkit::grammar
