// Grammar front ends: turn a JSON Schema, an ECMAScript regular expression or the builtin
// "any JSON value" request into GBNF text in llama.cpp's syntax (grammars/README.md of llama.cpp),
// which the grammar engine then compiles. The GBNF text is the whole contract between the front
// ends and the engine; nothing else is shared.
//
// The GBNF these functions emit uses only:
//   rule definitions `name ::= alternatives` (names of [a-z0-9-], one rule per line),
//   literals "..." and character classes [...] / [^...] whose non-ASCII and control code points
//   are written as \xHH, \uHHHH or \UHHHHHHHH escapes (the text is pure ASCII),
//   rule references, groups ( ... ), alternation |, and the postfix operators ? * + {m} {m,}
//   {m,n}, with every count <= kMaxRepeatCount. It never uses `.`, tokens (<...>), or comments,
//   and never defines a rule twice. It is accepted by llama.cpp's own parser.
//
// Semantics (shared with tests/grammar/gbnf-reference.mjs, the reference recognizer): a grammar
// matches a sequence of Unicode scalar values (U+0000..U+10FFFF without the surrogates), encoded
// as UTF-8 bytes; a negated class matches any scalar value not listed. Byte strings that are not
// valid UTF-8 are never in the language.
//
// Errors: no C++ exceptions (the project builds with -fno-exceptions). Every failure is a
// FrontendResult with ok == false and a typed Error naming the JSON pointer (schema) or the
// position (schema text, regex pattern). No input makes these functions crash, hang or grow
// without bound: Budgets cap nesting depth, input size and output size.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logitkit::grammar {

// The largest {m,n} count the front ends write. Larger counts are split into nested repetitions
// of the same language, so the text also stays within llama.cpp's parser limit (2000).
inline constexpr uint32_t kMaxRepeatCount = 1000;

// The error codes, X(Id, "name"), in the order of their values (kNone = 0): the name is the stable
// lower-case code the JS layer gives as LogitkitGrammarError.code.
#define LOGITKIT_FRONTEND_ERROR_CODES(X)                                       \
  X(None, "none")                                                              \
  /* the schema text is not JSON; Error::position is its byte offset */        \
  X(InvalidJson, "invalid-json")                                               \
  /* a keyword has a value of the wrong shape (e.g. "minLength": "3") */       \
  X(InvalidSchema, "invalid-schema")                                           \
  /* a validation keyword the engine cannot enforce, with strict = true */     \
  X(UnsupportedKeyword, "unsupported-keyword")                                 \
  /* e.g. a remote $ref, a regex backreference or lookaround */                \
  X(UnsupportedFeature, "unsupported-feature")                                 \
  /* the schema admits no instance (e.g. required names a forbidden key) */    \
  X(Unsatisfiable, "unsatisfiable")                                            \
  /* a pattern that is not an ECMAScript regular expression */                 \
  X(RegexSyntax, "regex-syntax")                                               \
  /* a Budgets limit was reached */                                            \
  X(BudgetExceeded, "budget-exceeded")                                         \
  /* Budgets::timeout_ms passed (the engine's own code for it is "timeout") */ \
  X(Timeout, "timeout")

#define LOGITKIT_FRONTEND_ENUMERATOR(id, name) k##id,
enum class ErrorCode : uint8_t { LOGITKIT_FRONTEND_ERROR_CODES(LOGITKIT_FRONTEND_ENUMERATOR) };

// ErrorCode's name in LOGITKIT_FRONTEND_ERROR_CODES ("invalid-json", ...); "unknown" outside it.
const char* error_code_name(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kNone;
  std::string message;       // one line, names the keyword, pointer and position where known
  std::string json_pointer;  // RFC 6901 pointer into the schema ("" = the root), schema errors
  std::string keyword;       // the offending keyword, when there is one
  // Byte offset into the schema text for kInvalidJson; for regex errors, the offset in UTF-16
  // code units into the pattern (JavaScript string indices), so a caller can underline it.
  // -1 when not applicable. A pattern inside a schema reports both pointer and position.
  int64_t position = -1;
};

// The warning kinds, X(Id, "name"), in the order of their values: the name is the JS layer's.
#define LOGITKIT_FRONTEND_WARNING_KINDS(X)                                       \
  /* title, description, default, examples, $comment, ... (no effect) */         \
  X(Annotation, "annotation")                                                    \
  /* an unknown keyword such as javaType or x-foo (ignored, as the spec says) */ \
  X(VendorExtension, "vendor-extension")                                         \
  /* a format value outside the supported list (an annotation) */                \
  X(UnknownFormat, "unknown-format")                                             \
  /* a validation keyword the engine cannot enforce, with strict = false */      \
  X(IgnoredValidation, "ignored-validation")                                     \
  /* a keyword that has no effect where it stands (then without if, ...) */      \
  X(NoEffect, "no-effect")

enum class WarningKind : uint8_t { LOGITKIT_FRONTEND_WARNING_KINDS(LOGITKIT_FRONTEND_ENUMERATOR) };
#undef LOGITKIT_FRONTEND_ENUMERATOR

// WarningKind's name in LOGITKIT_FRONTEND_WARNING_KINDS ("vendor-extension", ...); "unknown"
// outside it.
const char* warning_kind_name(WarningKind kind);

struct Warning {
  WarningKind kind;
  std::string keyword;
  std::string json_pointer;  // where the keyword sits
  std::string message;
};

// Whitespace between JSON tokens. max_run is the longest run of JSON whitespace (space, \t, \n,
// \r) allowed at each place JSON allows whitespace: between tokens, inside empty {} and [].
// Never before the top-level value nor after it, so the output ends exactly when the value does.
struct WhitespaceOptions {
  // 'flexible': room for pretty-printed JSON (a newline and 2-space indentation 15 levels deep,
  // or 4-space 7 levels deep) while a model that loops on whitespace is stopped after 32 bytes.
  static constexpr uint32_t kFlexibleMaxRun = 32;
  static constexpr uint32_t kLargestMaxRun = kMaxRepeatCount;
  uint32_t max_run = kFlexibleMaxRun;  // 0 = 'compact' (no whitespace at all)

  static WhitespaceOptions flexible() { return {kFlexibleMaxRun}; }
  static WhitespaceOptions compact() { return {0}; }
};

struct Budgets {
  size_t max_input_bytes = size_t{4} << 20;   // schema text / pattern length
  uint32_t max_depth = 256;                   // JSON nesting, regex nesting, $ref/allOf nesting
  size_t max_output_bytes = size_t{8} << 20;  // GBNF text length
  size_t max_rules = 50000;                   // GBNF rules
  // Wall-clock limit of one schema conversion in ms (0: none). Expanding anyOf/oneOf over the
  // other keywords can take seconds within the other budgets, and a caller's timeoutMs covers the
  // whole compilation, this step included.
  double timeout_ms = 0;
};

struct JsonSchemaOptions {
  WhitespaceOptions whitespace;
  // true: a validation keyword the engine cannot enforce is a kUnsupportedKeyword error naming
  // it and its pointer. false: it is ignored and listed as a kIgnoredValidation warning (the
  // grammar then accepts a superset of the schema's instances).
  bool strict = true;
  Budgets budgets;
};

struct RegexOptions {
  Budgets budgets;
};

struct FrontendResult {
  bool ok = false;
  std::string gbnf;           // the grammar text when ok
  std::string root = "root";  // the start rule's name
  std::vector<Warning> warnings;
  Error error;  // code != kNone iff !ok
};

// JSON Schema (draft 4 to 2020-12; local $ref only) -> GBNF for the JSON texts that are instances
// of the schema, under options.whitespace. Properties appear in the schema's order. See the
// README's keyword table for what each keyword does, and frontend/json_schema.cpp for details.
FrontendResult json_schema_to_gbnf(std::string_view schema_json, const JsonSchemaOptions& options);

// ECMAScript regular expression (the pattern alone, no slashes or flags; `u`-flag semantics:
// code points, not UTF-16 units) -> GBNF for the strings s that match ^(?:pattern)$. Unsupported,
// each a kUnsupportedFeature error with the position: backreferences, lookahead and lookbehind,
// word boundaries (\b, \B), Unicode property escapes (\p{..}), anchors anywhere but at the edges.
FrontendResult regex_to_gbnf(std::string_view pattern, const RegexOptions& options = {});

// GBNF for any JSON value (RFC 8259), under the given whitespace: what OpenAI calls json_object
// mode, and what the schema `true` or `{}` compiles to. Strings may hold any escape; \u escapes
// of surrogates must form a valid pair.
std::string builtin_json_gbnf(const WhitespaceOptions& whitespace = {});

}  // namespace logitkit::grammar
