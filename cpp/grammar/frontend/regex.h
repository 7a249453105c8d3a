// ECMAScript regular expressions (ECMA-262 RegExp pattern syntax with `u`-flag semantics: the
// pattern and the subject are sequences of code points) parsed into a small AST, the Re. The
// front ends also build Re values directly (formats, property-name sets), then emit them as GBNF
// with re_to_gbnf (re_emit.h).
//
// Accepted beyond strict `u` mode, as browsers accept without the flag (Annex B): `{` and `}` that
// do not form a quantifier, and `]`, are literal; any non-alphanumeric character may be escaped as
// itself. Rejected with a kRegexSyntax error and the position: a malformed pattern, an unknown
// letter escape (\q, \A, \Z), an unterminated class or group. Rejected with kUnsupportedFeature
// and the position: backreferences (\1, \k<name>), lookahead and lookbehind, \b and \B, \p{..} and
// \P{..}, pattern modifiers ((?i:...)).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "charset.h"
#include "frontend.h"

namespace logitkit::grammar {

struct Re {
  enum class Kind : uint8_t {
    kEmpty,   // matches the empty string
    kSet,     // one code point of `set` (an empty set matches nothing)
    kSeq,     // kids in order
    kAlt,     // any of the kids
    kRepeat,  // kids[0] repeated min..max times (max == kUnbounded: no limit)
    kStart,   // ^: zero-width, only at the start of the subject
    kEnd,     // $: zero-width, only at the end of the subject
  };
  static constexpr uint32_t kUnbounded = UINT32_MAX;

  Kind kind = Kind::kEmpty;
  CharSet set;
  std::vector<Re> kids;
  uint32_t min = 0, max = 0;
  int64_t position = -1;  // UTF-16 offset of the construct in its pattern, -1 if built

  static Re empty() { return Re(); }
  static Re chars(CharSet s) {
    Re r;
    r.kind = Kind::kSet;
    r.set = std::move(s);
    return r;
  }
  static Re seq(std::vector<Re> kids);
  static Re alt(std::vector<Re> kids);
  static Re repeat(Re kid, uint32_t min, uint32_t max);
  static Re literal(std::string_view utf8);  // the code points of a UTF-8 string, in order
};

struct RegexParseResult {
  bool ok = false;
  Re re;
  Error error;  // kRegexSyntax, kUnsupportedFeature or kBudgetExceeded, with position
};

// Parses an ECMAScript pattern (UTF-8; positions are reported in UTF-16 units).
RegexParseResult parse_regex(std::string_view pattern, const Budgets& budgets);

// The code points ECMAScript's `.` matches without the s flag: all but \n, \r, U+2028, U+2029.
CharSet regex_dot_set();
// \d, \w and \s.
CharSet regex_digit_set();
CharSet regex_word_set();
CharSet regex_space_set();

}  // namespace logitkit::grammar
