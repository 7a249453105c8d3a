// llama.cpp's GBNF, parsed into an expression tree per rule (the grammar engine's input language;
// the JSON Schema and regex front ends emit GBNF text too).
//
// Syntax, as llama.cpp's src/llama-grammar.cpp parses it: rules `name ::= alternatives`, names of
// [a-zA-Z0-9_-]; "literals" and [classes] / [^negated classes] over code points with the escapes
// \xHH \uHHHH \UHHHHHHHH \t \r \n \\ \" \[ \] (and \- inside classes); `.` (any code point); groups
// ( ); `|`; postfix * + ? {m} {m,} {m,n} {,n}; `#` comments to the end of the line; a rule ends at
// a newline outside parentheses. A later definition of a name replaces the earlier one, as in
// llama.cpp. Deviation: left recursion is accepted (the parser is Earley), where llama.cpp refuses
// it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace logitkit::grammar {

struct Expr {
  enum Kind : uint8_t { kSeq, kAlt, kRepeat, kRef, kLiteral, kClass };
  Kind kind = kSeq;
  std::vector<int32_t> kids;  // kSeq, kAlt: children; kRepeat: one child
  int32_t rule = -1;          // kRef
  std::string bytes;          // kLiteral (UTF-8)
  // kClass: sorted, disjoint, merged code point ranges [lo, hi] (negation already applied).
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  uint32_t min = 0, max = 0;  // kRepeat; max == kUnbounded: no upper bound
  static constexpr uint32_t kUnbounded = UINT32_MAX;
};

struct GrammarAst {
  std::vector<Expr> exprs;
  std::vector<std::string> rule_names;
  std::vector<int32_t> rule_expr;  // -1: referenced but never defined
  int32_t root = -1;
};

struct ParseError {
  std::string message;
  int64_t position =
      -1;  // byte offset in the source (the message names it), -1 when not about one place
};

/** Parses GBNF; `root_name` names the start rule. False with `error` (message and byte offset). */
bool parse_gbnf(const std::string& source, const std::string& root_name, GrammarAst* out,
                ParseError* error);

}  // namespace logitkit::grammar
