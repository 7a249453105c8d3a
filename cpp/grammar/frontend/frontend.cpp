// The front ends' entry points (frontend.h).
#include "frontend.h"

#include "json_grammar.h"
#include "json_value.h"
#include "re_emit.h"
#include "regex.h"
#include "schema_compiler.h"

namespace logitkit::grammar {

namespace {

#define LOGITKIT_FRONTEND_NAME(id, name) name,
const char* const kErrorCodeNames[] = {LOGITKIT_FRONTEND_ERROR_CODES(LOGITKIT_FRONTEND_NAME)};
const char* const kWarningKindNames[] = {LOGITKIT_FRONTEND_WARNING_KINDS(LOGITKIT_FRONTEND_NAME)};
#undef LOGITKIT_FRONTEND_NAME

template <size_t N>
const char* name_at(const char* const (&names)[N], size_t i) {
  return i < N ? names[i] : "unknown";
}

}  // namespace

const char* error_code_name(ErrorCode code) {
  return name_at(kErrorCodeNames, static_cast<size_t>(code));
}

const char* warning_kind_name(WarningKind kind) {
  return name_at(kWarningKindNames, static_cast<size_t>(kind));
}

namespace {

bool whitespace_ok(const WhitespaceOptions& whitespace, FrontendResult* result) {
  if (whitespace.max_run <= WhitespaceOptions::kLargestMaxRun) return true;
  result->error.code = ErrorCode::kInvalidSchema;
  result->error.message =
      "whitespace maxRun must be at most " + std::to_string(WhitespaceOptions::kLargestMaxRun);
  return false;
}

}  // namespace

FrontendResult json_schema_to_gbnf(std::string_view schema_json, const JsonSchemaOptions& options) {
  FrontendResult result;
  if (!whitespace_ok(options.whitespace, &result)) return result;
  if (schema_json.size() > options.budgets.max_input_bytes) {
    result.error.code = ErrorCode::kBudgetExceeded;
    result.error.message = "the schema text is longer than the input budget (" +
                           std::to_string(options.budgets.max_input_bytes) + " bytes)";
    return result;
  }
  JsonParseResult parsed = parse_json(schema_json, options.budgets.max_depth);
  if (!parsed.ok) {
    const bool depth = parsed.message.find("depth") != std::string::npos;
    result.error.code = parsed.unsupported ? ErrorCode::kUnsupportedFeature
                        : depth            ? ErrorCode::kBudgetExceeded
                                           : ErrorCode::kInvalidJson;
    result.error.position = static_cast<int64_t>(parsed.error_offset);
    result.error.message = "the schema is not valid JSON: " + parsed.message + " at byte " +
                           std::to_string(parsed.error_offset);
    if (parsed.unsupported || depth) {
      result.error.message = parsed.message + " at byte " + std::to_string(parsed.error_offset);
    }
    return result;
  }
  SchemaCompiler(parsed.value, options, result).run();
  if (!result.ok) {
    result.gbnf.clear();
    if (result.error.code == ErrorCode::kNone) {
      result.error.code = ErrorCode::kInvalidSchema;
      result.error.message = "the schema could not be compiled";
    }
  }
  return result;
}

FrontendResult regex_to_gbnf(std::string_view pattern, const RegexOptions& options) {
  FrontendResult result;
  RegexParseResult parsed = parse_regex(pattern, options.budgets);
  if (!parsed.ok) {
    result.error = parsed.error;
    return result;
  }
  ReResolveResult resolved = resolve_anchors(parsed.re, ReMatch::kFull);
  if (!resolved.ok) {
    result.error = resolved.error;
    return result;
  }
  if (re_is_nothing(resolved.re)) {
    result.error.code = ErrorCode::kUnsatisfiable;
    result.error.message = "the pattern matches no string";
    return result;
  }
  GbnfWriter writer(options.budgets);
  const std::string root = writer.fresh_name("root");
  writer.define(root, re_to_gbnf(resolved.re, nullptr));
  if (writer.over_budget()) {
    result.error.code = ErrorCode::kBudgetExceeded;
    result.error.message = "the grammar exceeds the output budget";
    return result;
  }
  result.ok = true;
  result.root = root;
  result.gbnf = writer.text(root);
  return result;
}

std::string builtin_json_gbnf(const WhitespaceOptions& whitespace) {
  WhitespaceOptions ws = whitespace;
  if (ws.max_run > WhitespaceOptions::kLargestMaxRun)
    ws.max_run = WhitespaceOptions::kLargestMaxRun;
  Budgets budgets;
  GbnfWriter writer(budgets);
  JsonGrammar json(writer, ws);
  const std::string root = writer.fresh_name("root");
  writer.define(root, json.value());
  return writer.text(root);
}

}  // namespace logitkit::grammar
