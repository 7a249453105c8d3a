// libFuzzer harness over the grammar front ends: the first byte picks JSON Schema (strict or not,
// a whitespace cap) or a regex; the rest is the schema or pattern text. Under tight budgets, every
// input must give either a grammar or a typed error, within the budgets, with no crash, hang or
// sanitizer report. Invariants checked on each input (abort on violation):
//   ok: pure-ASCII GBNF whose first rule is the root, within the output budget, no {m,n} count
//       above kMaxRepeatCount, balanced parentheses outside literals and classes;
//   not ok: an error code and a message.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "frontend.h"

using namespace logitkit::grammar;

namespace {

void check(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

void check_result(const FrontendResult& r, const Budgets& budgets) {
  if (!r.ok) {
    check(r.error.code != ErrorCode::kNone, "a failure without an error code");
    check(!r.error.message.empty(), "a failure without a message");
    return;
  }
  check(r.error.code == ErrorCode::kNone, "success with an error code");
  check(r.gbnf.rfind(r.root + " ::= ", 0) == 0, "the root rule is not first");
  check(r.gbnf.size() <= budgets.max_output_bytes + 64, "output beyond the budget");
  int depth = 0;
  bool literal = false, cls = false;
  for (size_t i = 0; i < r.gbnf.size(); i++) {
    const unsigned char c = static_cast<unsigned char>(r.gbnf[i]);
    check(c < 0x80, "non-ASCII GBNF");
    if (literal || cls) {
      if (c == '\\') {
        i++;
      } else if ((literal && c == '"') || (cls && c == ']')) {
        literal = cls = false;
      }
      continue;
    }
    if (c == '"') literal = true;
    if (c == '[') cls = true;
    if (c == '(') depth++;
    if (c == ')') check(--depth >= 0, "unbalanced ')'");
    if (c == '\n') check(depth == 0, "a rule ends inside a group");
    if (c == '{') {
      size_t j = i + 1;
      unsigned long n = 0;
      while (j < r.gbnf.size() && r.gbnf[j] != '}') {
        if (r.gbnf[j] == ',') {
          check(n <= kMaxRepeatCount, "a repetition count above kMaxRepeatCount");
          n = 0;
        } else {
          n = n * 10 + static_cast<unsigned long>(r.gbnf[j] - '0');
        }
        j++;
      }
      check(n <= kMaxRepeatCount, "a repetition count above kMaxRepeatCount");
    }
  }
  check(depth == 0 && !literal && !cls, "unterminated group, literal or class");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0];
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  Budgets budgets;
  budgets.max_input_bytes = 1 << 16;
  budgets.max_depth = 48;
  budgets.max_output_bytes = 1 << 20;
  budgets.max_rules = 4000;
  if (mode % 4 == 3) {
    RegexOptions options;
    options.budgets = budgets;
    check_result(regex_to_gbnf(text, options), budgets);
    return 0;
  }
  JsonSchemaOptions options;
  options.budgets = budgets;
  options.strict = (mode & 1) == 0;
  options.whitespace.max_run = (mode >> 2) % 3 == 0 ? 0 : (mode >> 2) % 40;
  check_result(json_schema_to_gbnf(text, options), budgets);
  return 0;
}
