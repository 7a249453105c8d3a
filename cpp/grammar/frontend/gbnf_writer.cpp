#include "gbnf_writer.h"

#include <cstdio>

namespace logitkit::grammar {

namespace {

constexpr size_t kMaxNameHint = 40;

void append_escape(std::string& out, uint32_t cp) {
  char buf[16];
  if (cp < 0x100) {
    std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(cp));
  } else if (cp < 0x10000) {
    std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(cp));
  } else {
    std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(cp));
  }
  out += buf;
}

bool plain_ascii(uint32_t cp) {
  return cp >= 0x20 && cp < 0x7F;
}

// A code point inside [...]: alphanumerics and harmless punctuation as themselves, everything
// else (including ] \ - ^ [ and all non-ASCII) as an escape.
void append_class_char(std::string& out, uint32_t cp) {
  const bool alnum =
      (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  if (alnum || (plain_ascii(cp) &&
                std::string_view("!#$%&'()*+,./:;<=>?@_`{|}~ \"").find(static_cast<char>(cp)) !=
                    std::string_view::npos)) {
    out += static_cast<char>(cp);
  } else {
    append_escape(out, cp);
  }
}

// The ranges of `set` with the surrogate gap cut out, so no written range spans it.
void append_ranges(std::string& out, const CharSet& set) {
  for (auto [lo, hi] : set.ranges()) {
    std::vector<std::pair<uint32_t, uint32_t>> pieces;
    if (lo < kSurrogateFirst && hi > kSurrogateLast) {
      pieces = {{lo, kSurrogateFirst - 1}, {kSurrogateLast + 1, hi}};
    } else {
      pieces = {{lo, hi}};
    }
    for (auto [a, b] : pieces) {
      append_class_char(out, a);
      if (b == a) continue;
      if (b > a + 1) out += '-';
      append_class_char(out, b);
    }
  }
}

size_t written_ranges(const CharSet& set) {
  size_t n = 0;
  for (auto [lo, hi] : set.ranges()) n += (lo < kSurrogateFirst && hi > kSurrogateLast) ? 2 : 1;
  return n;
}

// The index of the delimiter that closes the literal ("...") or class ([...]) opening at `open`,
// past backslash escapes; npos when it is not closed.
size_t closing_delimiter(const std::string& e, size_t open) {
  const char close = e[open] == '"' ? '"' : ']';
  for (size_t i = open + 1; i < e.size(); i++) {
    if (e[i] == '\\') {
      i++;
    } else if (e[i] == close) {
      return i;
    }
  }
  return std::string::npos;
}

bool is_atom(const std::string& e) {
  if (e.empty()) return false;
  // A single literal or class: its closing delimiter is the last character and not escaped.
  if (e.front() == '"' || e.front() == '[') {
    const size_t close = closing_delimiter(e, 0);
    return close != std::string::npos && close + 1 == e.size();
  }
  if (e.front() == '(') {
    int depth = 0;
    for (size_t i = 0; i < e.size(); i++) {
      if (e[i] == '"' || e[i] == '[') {
        i = closing_delimiter(e, i);
        if (i == std::string::npos) return false;
      } else if (e[i] == '(') {
        depth++;
      } else if (e[i] == ')' && --depth == 0) {
        return i + 1 == e.size();
      }
    }
    return false;
  }
  for (char c : e) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '_';
    if (!word) return false;
  }
  return true;
}

std::string counted(const std::string& atom, uint32_t min, uint32_t max) {
  if (min == 0 && max == 0) return "\"\"";
  if (min == 1 && max == 1) return atom;
  if (min == 0 && max == 1) return atom + "?";
  if (max == UINT32_MAX) {
    if (min == 0) return atom + "*";
    if (min == 1) return atom + "+";
    return atom + "{" + std::to_string(min) + ",}";
  }
  if (min == max) return atom + "{" + std::to_string(min) + "}";
  return atom + "{" + std::to_string(min) + "," + std::to_string(max) + "}";
}

// atom{0,k} for any k, with every count <= kMaxRepeatCount. Writing k = C*a + b (C = the cap):
// (atom{C}){0,a-1} atom{0,C-1} covers 0 .. C*a - 1 and (atom{C}){a} atom{0,b} covers C*a .. k.
std::string up_to(const std::string& atom, uint32_t k) {
  constexpr uint32_t C = kMaxRepeatCount;
  if (k <= C) return counted(atom, 0, k);
  const uint32_t a = k / C, b = k % C;
  const std::string block = "(" + counted(atom, C, C) + ")";
  const std::string low =
      a == 1 ? counted(atom, 0, C - 1)
             : GbnfWriter::group(up_to(block, a - 1)) + " " + counted(atom, 0, C - 1);
  std::string high = GbnfWriter::repeat(block, a, a);
  if (b > 0) high += " " + counted(atom, 0, b);
  return "(" + low + " | " + high + ")";
}

}  // namespace

std::string GbnfWriter::fresh_name(std::string_view hint) {
  std::string base;
  for (char c : hint) {
    if (base.size() >= kMaxNameHint) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (ok) {
      base += c;
    } else if (!base.empty() && base.back() != '-') {
      base += '-';
    }
  }
  while (!base.empty() && base.back() == '-') base.pop_back();
  if (base.empty()) base = "r";
  std::string name = base;
  if (names_.count(name) > 0) {
    size_t& n = next_suffix_.try_emplace(base, 2).first->second;
    do name = base + "-" + std::to_string(n++);
    while (names_.count(name) > 0);
  }
  names_.insert(name);
  return name;
}

void GbnfWriter::define(const std::string& name, const std::string& body) {
  if (over_budget_) return;
  bytes_ += name.size() + body.size() + 6;
  if (bytes_ > budgets_.max_output_bytes || rules_.size() + 1 > budgets_.max_rules) {
    over_budget_ = true;
    return;
  }
  rules_.emplace_back(name, body);
}

std::string GbnfWriter::intern(std::string_view hint, const std::string& body) {
  const auto found = interned_.find(body);
  if (found != interned_.end()) return found->second;
  std::string name = fresh_name(hint);
  define(name, body);
  interned_.emplace(body, name);
  return name;
}

std::string GbnfWriter::text(const std::string& root) const {
  std::string out;
  out.reserve(bytes_);
  for (int pass = 0; pass < 2; pass++) {
    for (const auto& [name, body] : rules_) {
      if ((name == root) != (pass == 0)) continue;
      out += name;
      out += " ::= ";
      out += body;
      out += '\n';
    }
  }
  return out;
}

std::string GbnfWriter::literal(std::string_view utf8) {
  std::string out = "\"";
  for (size_t pos = 0; pos < utf8.size();) {
    const uint8_t b = static_cast<uint8_t>(utf8[pos]);
    uint32_t cp = b;
    size_t n = 1;
    if (b >= 0x80) {
      // Callers pass valid UTF-8; decode by hand to avoid a dependency cycle.
      n = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
      cp = b & (0x7F >> n);
      for (size_t i = 1; i < n && pos + i < utf8.size(); i++) {
        cp = (cp << 6) | (static_cast<uint8_t>(utf8[pos + i]) & 0x3F);
      }
    }
    pos += n;
    if (cp == '"' || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (plain_ascii(cp)) {
      out += static_cast<char>(cp);
    } else {
      append_escape(out, cp);
    }
  }
  out += '"';
  return out;
}

std::string GbnfWriter::char_class(const CharSet& set) {
  const CharSet complement = set.complement();
  std::string out = "[";
  if (!complement.empty() && written_ranges(complement) < written_ranges(set)) {
    out += '^';
    append_ranges(out, complement);
  } else {
    append_ranges(out, set);
  }
  out += ']';
  return out;
}

std::string GbnfWriter::group(const std::string& expr) {
  if (is_atom(expr)) return expr;
  return "(" + expr + ")";
}

std::string GbnfWriter::repeat(const std::string& atom, uint32_t min, uint32_t max) {
  constexpr uint32_t C = kMaxRepeatCount;
  if (atom == "\"\"") return atom;  // llama.cpp cannot repeat an empty literal
  if (min > C) {
    // atom{min} = (atom{C}){min / C} atom{min % C}, then the optional part.
    const std::string block = "(" + counted(atom, C, C) + ")";
    std::string out = repeat(block, min / C, min / C);
    if (min % C > 0) out += " " + counted(atom, min % C, min % C);
    if (max == UINT32_MAX) return out + " " + atom + "*";
    if (max > min) out += " " + up_to(atom, max - min);
    return out;
  }
  if (max == UINT32_MAX || max <= C) return counted(atom, min, max);
  std::string out = min > 0 ? counted(atom, min, min) + " " : "";
  return out + up_to(atom, max - min);
}

std::string GbnfWriter::alternatives(const std::vector<std::string>& alts) {
  std::string out;
  for (size_t i = 0; i < alts.size(); i++) {
    if (i > 0) out += " | ";
    out += alts[i];
  }
  return out;
}

}  // namespace logitkit::grammar
