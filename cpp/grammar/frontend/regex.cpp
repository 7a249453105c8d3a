#include "regex.h"

#include <utility>

#include "json_value.h"

namespace logitkit::grammar {

Re Re::seq(std::vector<Re> kids) {
  if (kids.size() == 1) return std::move(kids[0]);
  Re r;
  r.kind = kids.empty() ? Kind::kEmpty : Kind::kSeq;
  r.kids = std::move(kids);
  return r;
}

Re Re::alt(std::vector<Re> kids) {
  if (kids.size() == 1) return std::move(kids[0]);
  Re r;
  if (kids.empty()) return chars(CharSet());  // no alternative: matches nothing
  r.kind = Kind::kAlt;
  r.kids = std::move(kids);
  return r;
}

Re Re::repeat(Re kid, uint32_t min, uint32_t max) {
  Re r;
  r.kind = Kind::kRepeat;
  r.min = min;
  r.max = max;
  r.position = kid.position;
  r.kids.push_back(std::move(kid));
  return r;
}

Re Re::literal(std::string_view utf8) {
  std::vector<Re> kids;
  for (size_t pos = 0; pos < utf8.size();) {
    uint32_t cp = 0xFFFD;
    size_t n = decode_utf8(utf8, pos, &cp);
    if (n == 0) n = 1;  // callers pass valid UTF-8; a stray byte becomes U+FFFD
    kids.push_back(chars(CharSet::of(cp)));
    pos += n;
  }
  return seq(std::move(kids));
}

CharSet regex_dot_set() {
  CharSet s = CharSet::all();
  CharSet line_terminators;
  line_terminators.add('\n');
  line_terminators.add('\r');
  line_terminators.add(0x2028, 0x2029);
  return s.minus(line_terminators);
}

CharSet regex_digit_set() {
  return CharSet::range('0', '9');
}

CharSet regex_word_set() {
  CharSet s = CharSet::range('a', 'z');
  s.add('A', 'Z');
  s.add('0', '9');
  s.add('_');
  return s;
}

CharSet regex_space_set() {
  // WhiteSpace and LineTerminator of ECMA-262 (Unicode Zs included).
  CharSet s;
  s.add('\t', '\r');  // \t \n \v \f \r
  s.add(' ');
  s.add(0xA0);
  s.add(0x1680);
  s.add(0x2000, 0x200A);
  s.add(0x2028, 0x2029);
  s.add(0x202F);
  s.add(0x205F);
  s.add(0x3000);
  s.add(0xFEFF);
  return s;
}

namespace {

constexpr uint32_t kMaxCount = 1000000000;  // larger {n,m} counts are a budget error

bool is_hex(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
uint32_t hex_value(uint32_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}
bool is_ascii_alnum(uint32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// A code point of a group name (RegExpIdentifierName): ASCII letters, '$' and '_' anywhere, digits
// after the first. Other code points are taken without the Unicode ID_Start / ID_Continue tables.
bool is_group_name_char(uint32_t c, bool first) {
  if (c < 0x80) return is_ascii_alnum(c) ? !(first && c <= '9') : c == '$' || c == '_';
  return !(c >= 0xD800 && c <= 0xDFFF);
}

// Where a group stands: for each enclosing disjunction, its serial number and which alternative
// holds the group. Two groups may both take part in a match unless some disjunction holds them
// in different alternatives (ECMA-262's MightBothParticipate).
using GroupPath = std::vector<std::pair<uint32_t, uint32_t>>;
bool might_both_participate(const GroupPath& a, const GroupPath& b) {
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) return a[i].first != b[i].first;
  }
  return true;
}

class RegexParser {
 public:
  RegexParser(std::string_view pattern, const Budgets& budgets) : budgets_(budgets) {
    int64_t utf16 = 0;
    for (size_t pos = 0; pos < pattern.size();) {
      uint32_t cp;
      const size_t n = decode_utf8(pattern, pos, &cp);
      if (n == 0) {
        fail(ErrorCode::kRegexSyntax, "the pattern is not valid UTF-8", utf16);
        return;
      }
      cps_.push_back(cp);
      offsets_.push_back(utf16);
      utf16 += cp > 0xFFFF ? 2 : 1;
      pos += n;
    }
    offsets_.push_back(utf16);
  }

  RegexParseResult run() {
    RegexParseResult result;
    if (!failed_) {
      result.re = disjunction(0);
      if (!failed_ && pos_ < cps_.size()) {
        fail(ErrorCode::kRegexSyntax, "unmatched ')'", offset());
      }
    }
    result.ok = !failed_;
    if (failed_) {
      result.re = Re();
      result.error = error_;
    }
    return result;
  }

 private:
  void fail(ErrorCode code, const std::string& message, int64_t position) {
    if (failed_) return;
    failed_ = true;
    error_.code = code;
    error_.position = position;
    error_.message = message + " at position " + std::to_string(position) + " of the pattern";
  }
  int64_t offset() const { return offsets_[pos_ < cps_.size() ? pos_ : cps_.size()]; }
  int64_t offset_at(size_t i) const { return offsets_[i < cps_.size() ? i : cps_.size()]; }
  bool at_end() const { return pos_ >= cps_.size(); }
  uint32_t peek(size_t ahead = 0) const {
    return pos_ + ahead < cps_.size() ? cps_[pos_ + ahead] : 0xFFFFFFFF;
  }

  Re disjunction(uint32_t depth) {
    if (depth >= budgets_.max_depth) {
      fail(ErrorCode::kBudgetExceeded, "the pattern nests deeper than the depth budget", offset());
      return Re();
    }
    std::vector<Re> alts;
    path_.push_back({disjunctions_++, 0});
    alts.push_back(alternative(depth));
    while (!failed_ && peek() == '|') {
      pos_++;
      ++path_.back().second;
      alts.push_back(alternative(depth));
    }
    path_.pop_back();
    return Re::alt(std::move(alts));
  }

  Re alternative(uint32_t depth) {
    std::vector<Re> terms;
    while (!failed_ && !at_end() && peek() != '|' && peek() != ')') terms.push_back(term(depth));
    return Re::seq(std::move(terms));
  }

  // A quantifier at pos_ ({n}, {n,}, {n,m}): parses it and returns true, or leaves pos_ alone and
  // returns false when the brace is not a quantifier (it is then a literal, as in Annex B).
  bool brace_quantifier(uint32_t* min, uint32_t* max) {
    size_t p = pos_ + 1;
    const auto number = [&](uint64_t* value) {
      const size_t start = p;
      *value = 0;
      while (p < cps_.size() && cps_[p] >= '0' && cps_[p] <= '9') {
        if (*value <= kMaxCount) *value = *value * 10 + (cps_[p] - '0');
        p++;
      }
      return p > start;
    };
    uint64_t lo, hi;
    if (!number(&lo)) return false;
    hi = lo;
    if (p < cps_.size() && cps_[p] == ',') {
      p++;
      if (!number(&hi)) hi = Re::kUnbounded;
    }
    if (p >= cps_.size() || cps_[p] != '}') return false;
    if (lo > kMaxCount || (hi != Re::kUnbounded && hi > kMaxCount)) {
      fail(ErrorCode::kBudgetExceeded, "a repetition count above 1000000000", offset());
      return false;
    }
    if (hi < lo) {
      fail(ErrorCode::kRegexSyntax, "numbers out of order in a {} quantifier", offset());
      return false;
    }
    *min = static_cast<uint32_t>(lo);
    *max = hi == Re::kUnbounded ? Re::kUnbounded : static_cast<uint32_t>(hi);
    pos_ = p + 1;
    return true;
  }

  bool quantifier_here() {
    const uint32_t c = peek();
    if (c == '*' || c == '+' || c == '?') return true;
    if (c != '{') return false;
    const size_t save = pos_;
    uint32_t min, max;
    const bool yes = brace_quantifier(&min, &max);
    pos_ = save;
    return yes;
  }

  Re term(uint32_t depth) {
    const size_t start = pos_;
    const uint32_t c = peek();
    Re atom;
    if (c == '^' || c == '$') {
      pos_++;
      atom.kind = c == '^' ? Re::Kind::kStart : Re::Kind::kEnd;
      atom.position = offset_at(start);
      if (quantifier_here()) fail(ErrorCode::kRegexSyntax, "nothing to repeat", offset());
      return atom;
    }
    if (c == '*' || c == '+' || c == '?' || (c == '{' && quantifier_here())) {
      fail(ErrorCode::kRegexSyntax, "nothing to repeat", offset());
      return Re();
    }
    if (c == '(') {
      atom = group(depth);
    } else if (c == '[') {
      atom = Re::chars(char_class());
    } else if (c == '.') {
      pos_++;
      atom = Re::chars(regex_dot_set());
    } else if (c == '\\') {
      atom = Re::chars(atom_escape());
    } else {
      pos_++;
      atom = Re::chars(CharSet::of(c));
    }
    if (failed_) return Re();
    atom.position = offset_at(start);
    // Quantifiers; a lazy form (trailing ?) matches the same language.
    uint32_t min = 0, max = 0;
    bool quantified = true;
    if (peek() == '*') {
      pos_++, min = 0, max = Re::kUnbounded;
    } else if (peek() == '+') {
      pos_++, min = 1, max = Re::kUnbounded;
    } else if (peek() == '?') {
      pos_++, min = 0, max = 1;
    } else if (peek() == '{' && brace_quantifier(&min, &max)) {
    } else {
      quantified = false;
    }
    if (failed_ || !quantified) return atom;
    if (peek() == '?') pos_++;
    if (quantifier_here()) {
      fail(ErrorCode::kRegexSyntax, "nothing to repeat", offset());
      return Re();
    }
    Re r = Re::repeat(std::move(atom), min, max);
    r.position = offset_at(start);
    return r;
  }

  Re group(uint32_t depth) {
    const int64_t start = offset();
    pos_++;  // (
    if (peek() == '?') {
      const uint32_t kind = peek(1);
      if (kind == ':') {
        pos_ += 2;
      } else if (kind == '=' || kind == '!' ||
                 (kind == '<' && (peek(2) == '=' || peek(2) == '!'))) {
        fail(ErrorCode::kUnsupportedFeature,
             kind == '<' ? "lookbehind is not supported" : "lookahead is not supported", start);
        return Re();
      } else if (kind == '<') {
        pos_ += 2;
        if (!group_name(start)) return Re();
      } else if (kind == 'i' || kind == 'm' || kind == 's' || kind == '-') {
        fail(ErrorCode::kUnsupportedFeature, "pattern modifiers (?flags:...) are not supported",
             start);
        return Re();
      } else {
        fail(ErrorCode::kRegexSyntax, "invalid group", start);
        return Re();
      }
    }
    Re inner = disjunction(depth + 1);
    if (failed_) return Re();
    if (peek() != ')') {
      fail(ErrorCode::kRegexSyntax, "unterminated group", start);
      return Re();
    }
    pos_++;
    return inner;
  }

  // `(?<name>`: pos_ is just past the '<'. Reads the name up to the '>' (\u escapes decoded) and
  // refuses an invalid one, or one that another group with that name might match beside
  // (ES2025 allows a name twice only in different alternatives, as in `(?<y>a)|(?<y>b)`).
  bool group_name(int64_t start) {
    const auto invalid = [&] {
      fail(ErrorCode::kRegexSyntax, "invalid group name", start);
      return false;
    };
    std::vector<uint32_t> name;
    while (!at_end() && peek() != '>') {
      uint32_t c = peek();
      pos_++;
      if (c == '\\') {  // only \uXXXX and \u{X...} escapes stand in a name
        if (peek() != 'u') return invalid();
        pos_++;
        if (!unicode_escape(&c)) return invalid();
      }
      if (!is_group_name_char(c, name.empty())) return invalid();
      name.push_back(c);
    }
    if (at_end() || name.empty()) return invalid();
    pos_++;  // >
    for (const auto& [other, path] : group_names_) {
      if (other == name && might_both_participate(path, path_)) {
        fail(ErrorCode::kRegexSyntax, "duplicate capture group name", start);
        return false;
      }
    }
    group_names_.push_back({std::move(name), path_});
    return true;
  }

  // \u escapes: \uXXXX (a surrogate pair of two escapes is one code point), \u{X...}.
  bool unicode_escape(uint32_t* cp) {
    // pos_ is just past the 'u'.
    if (peek() == '{') {
      size_t p = pos_ + 1;
      uint32_t value = 0;
      size_t digits = 0;
      while (p < cps_.size() && is_hex(cps_[p])) {
        value = value * 16 + hex_value(cps_[p]);
        if (value > kMaxScalar) return false;
        p++, digits++;
      }
      if (digits == 0 || p >= cps_.size() || cps_[p] != '}') return false;
      pos_ = p + 1;
      *cp = value;
      return true;
    }
    const auto hex4 = [&](size_t p, uint32_t* value) {
      if (p + 4 > cps_.size()) return false;
      *value = 0;
      for (size_t i = p; i < p + 4; i++) {
        if (!is_hex(cps_[i])) return false;
        *value = *value * 16 + hex_value(cps_[i]);
      }
      return true;
    };
    uint32_t value;
    if (!hex4(pos_, &value)) return false;
    pos_ += 4;
    uint32_t low;
    if (value >= 0xD800 && value <= 0xDBFF && peek() == '\\' && peek(1) == 'u' &&
        hex4(pos_ + 2, &low) && low >= 0xDC00 && low <= 0xDFFF) {
      value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00);
      pos_ += 6;
    }
    *cp = value;
    return true;
  }

  // One escape after '\': a set, or a single code point (`single`, with its value `cp` even when
  // it is a lone surrogate, whose set is empty). In a class, \b is backspace.
  struct Item {
    CharSet set;
    bool single = true;
    uint32_t cp = 0;
  };
  static Item one(uint32_t cp) { return Item{CharSet::of(cp), true, cp}; }
  static Item many(CharSet set) { return Item{std::move(set), false, 0}; }

  Item escape(bool in_class) {
    const int64_t start = offset();
    pos_++;  // backslash
    if (at_end()) {
      fail(ErrorCode::kRegexSyntax, "\\ at the end of the pattern", start);
      return Item();
    }
    const uint32_t c = peek();
    pos_++;
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S': {
        CharSet s = c == 'd' || c == 'D'   ? regex_digit_set()
                    : c == 'w' || c == 'W' ? regex_word_set()
                                           : regex_space_set();
        return many(c >= 'a' ? s : s.complement());
      }
      case 'f':
        return one('\f');
      case 'n':
        return one('\n');
      case 'r':
        return one('\r');
      case 't':
        return one('\t');
      case 'v':
        return one('\v');
      case 'b':
        if (in_class) return one('\b');
        fail(ErrorCode::kUnsupportedFeature, "word boundaries (\\b) are not supported", start);
        return Item();
      case 'B':
        fail(ErrorCode::kUnsupportedFeature, "word boundaries (\\B) are not supported", start);
        return Item();
      case 'c': {
        const uint32_t letter = peek();
        if ((letter >= 'a' && letter <= 'z') || (letter >= 'A' && letter <= 'Z')) {
          pos_++;
          return one(letter % 32);
        }
        fail(ErrorCode::kRegexSyntax, "invalid \\c escape", start);
        return Item();
      }
      case '0':
        if (peek() >= '0' && peek() <= '9') {
          fail(ErrorCode::kRegexSyntax, "octal escapes are not allowed", start);
          return Item();
        }
        return one(0);
      case 'x':
        if (is_hex(peek()) && is_hex(peek(1))) {
          const uint32_t value = hex_value(peek()) * 16 + hex_value(peek(1));
          pos_ += 2;
          return one(value);
        }
        fail(ErrorCode::kRegexSyntax, "invalid \\x escape", start);
        return Item();
      case 'u': {
        uint32_t cp;
        if (!unicode_escape(&cp)) {
          fail(ErrorCode::kRegexSyntax, "invalid \\u escape", start);
          return Item();
        }
        return one(cp);  // a lone surrogate has an empty set: it matches no text
      }
      case 'k':
        if (peek() == '<') {
          fail(ErrorCode::kUnsupportedFeature, "backreferences are not supported", start);
          return Item();
        }
        break;
      case 'p':
      case 'P':
        fail(ErrorCode::kUnsupportedFeature,
             "Unicode property escapes (\\p{...}) are not supported", start);
        return Item();
      default:
        if (c >= '1' && c <= '9') {
          if (in_class) break;
          fail(ErrorCode::kUnsupportedFeature, "backreferences are not supported", start);
          return Item();
        }
        if (!is_ascii_alnum(c)) return one(c);  // identity escape, '-' included
        break;
    }
    fail(ErrorCode::kRegexSyntax, "unknown escape", start);
    return Item();
  }

  CharSet atom_escape() { return escape(false).set; }

  CharSet char_class() {
    const int64_t start = offset();
    pos_++;  // [
    bool negated = false;
    if (peek() == '^') {
      negated = true;
      pos_++;
    }
    CharSet set;
    for (;;) {
      if (at_end()) {
        fail(ErrorCode::kRegexSyntax, "unterminated character class", start);
        return CharSet();
      }
      if (peek() == ']') {
        pos_++;
        break;
      }
      const int64_t item_start = offset();
      Item lo = class_atom();
      if (failed_) return CharSet();
      if (peek() == '-' && peek(1) != ']' && pos_ + 1 < cps_.size()) {
        pos_++;
        Item hi = class_atom();
        if (failed_) return CharSet();
        if (lo.single && hi.single) {
          if (lo.cp > hi.cp) {
            fail(ErrorCode::kRegexSyntax, "range out of order in character class", item_start);
            return CharSet();
          }
          set.add(lo.cp, hi.cp);
        } else {
          // Annex B: with a class escape (\d, \w, \s) on either side, '-' is a literal.
          set.add(lo.set);
          set.add('-');
          set.add(hi.set);
        }
      } else {
        set.add(lo.set);
      }
    }
    return negated ? set.complement() : set;
  }

  Item class_atom() {
    if (peek() == '\\') return escape(true);
    const uint32_t c = peek();
    pos_++;
    return one(c);
  }

  const Budgets& budgets_;
  std::vector<uint32_t> cps_;
  std::vector<int64_t> offsets_;
  size_t pos_ = 0;
  bool failed_ = false;
  Error error_;
  GroupPath path_;             // where the parser stands (see might_both_participate)
  uint32_t disjunctions_ = 0;  // disjunctions begun so far: the next one's serial number
  std::vector<std::pair<std::vector<uint32_t>, GroupPath>> group_names_;  // named groups so far
};

}  // namespace

RegexParseResult parse_regex(std::string_view pattern, const Budgets& budgets) {
  if (pattern.size() > budgets.max_input_bytes) {
    RegexParseResult result;
    result.error.code = ErrorCode::kBudgetExceeded;
    result.error.message = "the pattern is longer than the input budget";
    return result;
  }
  return RegexParser(pattern, budgets).run();
}

}  // namespace logitkit::grammar
