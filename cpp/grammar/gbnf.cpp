#include "gbnf.h"

#include <algorithm>
#include <unordered_map>

#include "utf8.h"

namespace logitkit::grammar {
namespace {

// Every message about one place names it, as the front ends' messages do: " (at 11)".
std::string at_position(int64_t pos) {
  return pos < 0 ? "" : " (at " + std::to_string(pos) + ")";
}

bool is_word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_' ||
         (c >= '0' && c <= '9');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

class Parser {
 public:
  Parser(const std::string& src, GrammarAst* ast, ParseError* error)
      : s_(src), ast_(ast), error_(error) {}

  bool parse_all() {
    size_t pos = skip_space(0, true);
    while (ok_ && pos < s_.size()) pos = parse_rule(pos);
    return ok_;
  }

  int32_t rule_id(const std::string& name) {
    auto it = ids_.find(name);
    if (it != ids_.end()) return it->second;
    const int32_t id = static_cast<int32_t>(ast_->rule_names.size());
    ids_.emplace(name, id);
    ast_->rule_names.push_back(name);
    ast_->rule_expr.push_back(-1);
    first_use_.push_back(-1);
    return id;
  }
  int64_t first_use(int32_t rule) const { return first_use_[static_cast<size_t>(rule)]; }
  bool has_rule(const std::string& name) const { return ids_.count(name) != 0; }

 private:
  char at(size_t pos) const { return pos < s_.size() ? s_[pos] : '\0'; }

  bool fail(const std::string& message, size_t pos) {
    if (ok_) {
      error_->message = message + at_position(static_cast<int64_t>(pos));
      error_->position = static_cast<int64_t>(pos);
    }
    ok_ = false;
    return false;
  }

  size_t skip_space(size_t pos, bool newline_ok) {
    while (pos < s_.size()) {
      const char c = s_[pos];
      if (c == ' ' || c == '\t') {
        ++pos;
      } else if (c == '#') {
        while (pos < s_.size() && s_[pos] != '\r' && s_[pos] != '\n') ++pos;
      } else if (newline_ok && (c == '\r' || c == '\n')) {
        ++pos;
      } else {
        break;
      }
    }
    return pos;
  }

  size_t parse_name(size_t pos) {
    size_t end = pos;
    while (is_word_char(at(end))) ++end;
    if (end == pos) fail("expecting a rule name", pos);
    return end;
  }

  int32_t add(Expr e) {
    ast_->exprs.push_back(std::move(e));
    return static_cast<int32_t>(ast_->exprs.size() - 1);
  }

  // One character of a literal or class, escapes included; advances pos.
  bool parse_char(size_t* pos, uint32_t* cp, bool in_class) {
    const size_t p = *pos;
    if (at(p) == '\\') {
      const char e = at(p + 1);
      int digits = 0;
      switch (e) {
        case 'x':
          digits = 2;
          break;
        case 'u':
          digits = 4;
          break;
        case 'U':
          digits = 8;
          break;
        case 't':
          *cp = '\t', *pos = p + 2;
          return true;
        case 'r':
          *cp = '\r', *pos = p + 2;
          return true;
        case 'n':
          *cp = '\n', *pos = p + 2;
          return true;
        case '\\':
        case '"':
        case '[':
        case ']':
          *cp = static_cast<uint8_t>(e), *pos = p + 2;
          return true;
        case '-':
          if (in_class) {
            *cp = '-', *pos = p + 2;
            return true;
          }
          [[fallthrough]];
        default:
          return fail(std::string("unknown escape \\") + (e ? std::string(1, e) : std::string()),
                      p);
      }
      uint32_t v = 0;
      for (int i = 0; i < digits; ++i) {
        const char c = at(p + 2 + i);
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) return fail("expecting " + std::to_string(digits) + " hex digits", p + 2 + i);
        v = v * 16 + static_cast<uint32_t>(d);
      }
      if (v > 0x10FFFF) return fail("code point above U+10FFFF", p);
      *cp = v;
      *pos = p + 2 + digits;
      return true;
    }
    if (p >= s_.size()) return fail("unexpected end of input", p);
    const int len = utf8_decode(reinterpret_cast<const uint8_t*>(s_.data()) + p, s_.size() - p, cp);
    if (len == 0) return fail("invalid UTF-8", p);
    *pos = p + static_cast<size_t>(len);
    return true;
  }

  size_t parse_rule(size_t pos) {
    const size_t name_end = parse_name(pos);
    if (!ok_) return s_.size();
    const int32_t id = rule_id(s_.substr(pos, name_end - pos));
    if (ast_->rule_expr[static_cast<size_t>(id)] >= 0) {
      // llama.cpp keeps the last definition silently; a second one is almost always a mistake.
      fail("rule '" + s_.substr(pos, name_end - pos) + "' defined twice", pos);
      return s_.size();
    }
    pos = skip_space(name_end, false);
    if (s_.compare(pos, 3, "::=") != 0) {
      fail("expecting ::=", pos);
      return s_.size();
    }
    pos = skip_space(pos + 3, true);
    int32_t expr = -1;
    pos = parse_alternates(pos, false, &expr);
    if (!ok_) return s_.size();
    ast_->rule_expr[static_cast<size_t>(id)] = expr;
    if (at(pos) == '\r') {
      pos += at(pos + 1) == '\n' ? 2 : 1;
    } else if (at(pos) == '\n') {
      ++pos;
    } else if (pos < s_.size()) {
      fail("expecting newline or end", pos);
      return s_.size();
    }
    return skip_space(pos, true);
  }

  size_t parse_alternates(size_t pos, bool nested, int32_t* out) {
    // Parentheses nest by recursion: a bound keeps hostile input from exhausting the stack.
    if (++depth_ > 1000) {
      fail("groups nest more than 1000 levels deep", pos);
      return s_.size();
    }
    Expr alt;
    alt.kind = Expr::kAlt;
    int32_t seq = -1;
    pos = parse_sequence(pos, nested, &seq);
    alt.kids.push_back(seq);
    while (ok_ && at(pos) == '|') {
      pos = skip_space(pos + 1, true);
      pos = parse_sequence(pos, nested, &seq);
      alt.kids.push_back(seq);
    }
    *out = alt.kids.size() == 1 ? alt.kids[0] : add(std::move(alt));
    --depth_;
    return pos;
  }

  size_t parse_sequence(size_t pos, bool nested, int32_t* out) {
    Expr seq;
    seq.kind = Expr::kSeq;
    while (ok_ && pos < s_.size()) {
      const char c = s_[pos];
      if (c == '"') {
        Expr lit;
        lit.kind = Expr::kLiteral;
        ++pos;
        while (ok_ && at(pos) != '"') {
          if (pos >= s_.size()) {
            fail("unexpected end of input in a string literal", pos);
            break;
          }
          uint32_t cp = 0;
          const size_t char_start = pos;
          if (!parse_char(&pos, &cp, false)) break;
          if (cp >= 0xD800 && cp <= 0xDFFF) {
            // No UTF-8 text holds a surrogate; llama.cpp would match its 3-byte encoding.
            fail("a surrogate code point (U+D800-U+DFFF) in a string literal matches no UTF-8 text",
                 char_start);
            break;
          }
          uint8_t buf[4];
          lit.bytes.append(reinterpret_cast<char*>(buf), static_cast<size_t>(utf8_encode(cp, buf)));
        }
        if (!ok_) break;
        seq.kids.push_back(add(std::move(lit)));
        pos = skip_space(pos + 1, nested);
      } else if (c == '[') {
        const size_t start = pos;
        ++pos;
        bool negated = false;
        if (at(pos) == '^') negated = true, ++pos;
        std::vector<std::pair<uint32_t, uint32_t>> ranges;
        while (ok_ && at(pos) != ']') {
          if (pos >= s_.size()) {
            fail("unexpected end of input in a character class", start);
            break;
          }
          uint32_t lo = 0, hi = 0;
          if (!parse_char(&pos, &lo, true)) break;
          hi = lo;
          if (at(pos) == '-' && at(pos + 1) != ']' && pos + 1 < s_.size()) {
            ++pos;
            if (!parse_char(&pos, &hi, true)) break;
            if (hi < lo) {
              fail("character range out of order", pos);
              break;
            }
          }
          ranges.push_back({lo, hi});
        }
        if (!ok_) break;
        if (ranges.empty()) {
          // llama.cpp reads [] and [^] as the empty string, which is seldom what was meant.
          fail(negated ? "empty character class [^]" : "empty character class []", start);
          break;
        }
        seq.kids.push_back(add(make_class(std::move(ranges), negated)));
        pos = skip_space(pos + 1, nested);
      } else if (is_word_char(c)) {
        const size_t end = parse_name(pos);
        Expr ref;
        ref.kind = Expr::kRef;
        ref.rule = rule_id(s_.substr(pos, end - pos));
        if (first_use_[static_cast<size_t>(ref.rule)] < 0)
          first_use_[static_cast<size_t>(ref.rule)] = static_cast<int64_t>(pos);
        seq.kids.push_back(add(std::move(ref)));
        pos = skip_space(end, nested);
      } else if (c == '(') {
        pos = skip_space(pos + 1, true);
        int32_t inner = -1;
        pos = parse_alternates(pos, true, &inner);
        if (!ok_) break;
        if (at(pos) != ')') {
          fail("expecting ')'", pos);
          break;
        }
        seq.kids.push_back(inner);
        pos = skip_space(pos + 1, nested);
      } else if (c == '.') {
        seq.kids.push_back(add(make_class({{0, 0x10FFFF}}, false)));
        pos = skip_space(pos + 1, nested);
      } else if (c == '*' || c == '+' || c == '?') {
        if (seq.kids.empty()) {
          fail(std::string("expecting preceding item to ") + c, pos);
          break;
        }
        const uint32_t min = c == '+' ? 1 : 0;
        const uint32_t max = c == '?' ? 1 : Expr::kUnbounded;
        seq.kids.back() = repeat(seq.kids.back(), min, max);
        pos = skip_space(pos + 1, nested);
      } else if (c == '{') {
        if (seq.kids.empty()) {
          fail("expecting preceding item to {", pos);
          break;
        }
        const size_t brace = pos;
        pos = skip_space(pos + 1, nested);
        uint64_t min = 0, max = Expr::kUnbounded;
        // As llama.cpp: the lower bound is required ({,n} is an error; write {0,n}).
        if (!is_digit(at(pos))) {
          fail("expecting an integer", pos);
          break;
        }
        pos = parse_int(pos, &min);
        pos = skip_space(pos, nested);
        if (at(pos) == '}') {
          max = min;
          pos = skip_space(pos + 1, nested);
        } else if (at(pos) == ',') {
          pos = skip_space(pos + 1, nested);
          if (is_digit(at(pos))) {
            pos = parse_int(pos, &max);
            pos = skip_space(pos, nested);
          }
          if (at(pos) != '}') {
            fail("expecting '}'", pos);
            break;
          }
          pos = skip_space(pos + 1, nested);
        } else {
          fail("expecting ',' or '}'", pos);
          break;
        }
        if (!ok_) break;
        if (max != Expr::kUnbounded && max < min) {
          fail("repetition {m,n} with n < m", brace);
          break;
        }
        if (min >= Expr::kUnbounded || (max != Expr::kUnbounded && max >= Expr::kUnbounded)) {
          fail("repetition count too large", brace);
          break;
        }
        seq.kids.back() =
            repeat(seq.kids.back(), static_cast<uint32_t>(min), static_cast<uint32_t>(max));
      } else {
        break;
      }
    }
    *out = seq.kids.size() == 1 ? seq.kids[0] : add(std::move(seq));
    return pos;
  }

  size_t parse_int(size_t pos, uint64_t* v) {
    *v = 0;
    while (is_digit(at(pos))) {
      if (*v < (1ull << 40)) *v = *v * 10 + static_cast<uint64_t>(at(pos) - '0');
      ++pos;
    }
    return pos;
  }

  int32_t repeat(int32_t kid, uint32_t min, uint32_t max) {
    Expr r;
    r.kind = Expr::kRepeat;
    r.kids.push_back(kid);
    r.min = min;
    r.max = max;
    return add(std::move(r));
  }

  static Expr make_class(std::vector<std::pair<uint32_t, uint32_t>> ranges, bool negated) {
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<uint32_t, uint32_t>> merged;
    for (const auto& r : ranges) {
      if (!merged.empty() && r.first <= merged.back().second + 1)
        merged.back().second = std::max(merged.back().second, r.second);
      else
        merged.push_back(r);
    }
    Expr e;
    e.kind = Expr::kClass;
    if (!negated) {
      e.ranges = std::move(merged);
    } else {
      uint32_t next = 0;
      for (const auto& r : merged) {
        if (r.first > next) e.ranges.push_back({next, r.first - 1});
        next = r.second + 1;
      }
      if (next <= 0x10FFFF) e.ranges.push_back({next, 0x10FFFF});
    }
    return e;
  }

  const std::string& s_;
  GrammarAst* ast_;
  ParseError* error_;
  bool ok_ = true;
  int depth_ = 0;
  std::unordered_map<std::string, int32_t> ids_;
  std::vector<int64_t> first_use_;
};

}  // namespace

bool parse_gbnf(const std::string& source, const std::string& root_name, GrammarAst* out,
                ParseError* error) {
  *out = GrammarAst();
  Parser parser(source, out, error);
  if (!parser.parse_all()) return false;
  for (size_t r = 0; r < out->rule_expr.size(); ++r) {
    if (out->rule_expr[r] < 0) {
      error->position = parser.first_use(static_cast<int32_t>(r));
      error->message = "undefined rule '" + out->rule_names[r] + "'" + at_position(error->position);
      return false;
    }
  }
  if (!parser.has_rule(root_name)) {
    error->message = "the grammar has no rule named '" + root_name +
                     "', the rule it starts from (define it, or name another start rule with the "
                     "root option)";
    error->position = -1;
    return false;
  }
  out->root = parser.rule_id(root_name);
  return true;
}

}  // namespace logitkit::grammar
