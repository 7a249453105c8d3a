#include "json_grammar.h"

#include <cstdio>

namespace logitkit::grammar {

std::string JsonGrammar::rule(const char* name, const std::string& body) {
  std::string& slot = rules_[name];
  if (slot.empty()) {
    slot = writer_.fresh_name(name);
    writer_.define(slot, body);
  }
  return slot;
}

std::string JsonGrammar::gap() {
  if (max_run_ == 0) return "";
  return rule("ws", GbnfWriter::repeat("[ \\t\\n\\r]", 0, max_run_));
}

std::string JsonGrammar::join(const std::string& a, const std::string& b) {
  const std::string ws = gap();
  if (a.empty()) return b;
  if (b.empty()) return a;
  return ws.empty() ? a + " " + b : a + " " + ws + " " + b;
}

std::string JsonGrammar::string_char() {
  // Raw: any scalar but " \ and controls. Escapes: the short ones, \u of a non-surrogate, and a
  // \u surrogate pair (high then low), so every escape decodes to exactly one scalar value.
  const std::string hex = "[0-9a-fA-F]";
  return rule("char",
              "[^\"\\\\\\x00-\\x1F] | \"\\\\\" ([\"\\\\/bfnrt] | \"u\" ([0-9a-cA-Ce-fE-F] " + hex +
                  "{3} | [dD] [0-7] " + hex + "{2} | [dD] [89abAB] " + hex +
                  "{2} \"\\\\u\" [dD] [c-fC-F] " + hex + "{2}))");
}

std::string JsonGrammar::string() {
  return rule("string", "\"\\\"\" " + string_char() + "* \"\\\"\"");
}

std::string JsonGrammar::integer() {
  // Plain form, as with bounds (integer_range_gbnf): no "-0".
  return rule("integer", "\"0\" | \"-\"? [1-9] [0-9]*");
}

std::string JsonGrammar::number() {
  return rule("number", "\"-\"? (\"0\" | [1-9] [0-9]*) (\".\" [0-9]+)? ([eE] [-+]? [0-9]+)?");
}

std::string JsonGrammar::value() {
  const auto found = rules_.find("value");
  if (found != rules_.end()) return found->second;
  // Reserve the names first: value, object and array refer to each other.
  const std::string value_name = writer_.fresh_name("value");
  rules_["value"] = value_name;
  const std::string object_name = writer_.fresh_name("object");
  const std::string array_name = writer_.fresh_name("array");
  const std::string str = string();
  const std::string w = gap().empty() ? " " : " " + gap() + " ";
  const std::string member = str + w + "\":\"" + w + value_name;
  writer_.define(value_name, object_name + " | " + array_name + " | " + str + " | " + number() +
                                 " | \"true\" | \"false\" | \"null\"");
  writer_.define(object_name, "\"{\"" + w + "\"}\" | \"{\"" + w + member + " (" + w.substr(1) +
                                  "\",\"" + w + member + ")*" + w + "\"}\"");
  writer_.define(array_name, "\"[\"" + w + "\"]\" | \"[\"" + w + value_name + " (" + w.substr(1) +
                                 "\",\"" + w + value_name + ")*" + w + "\"]\"");
  return value_name;
}

std::string JsonGrammar::encoded_set(const CharSet& set) {
  if (set.is_all()) return string_char();
  CharSet special;
  special.add('"');
  special.add('\\');
  special.add(0, 0x1F);
  const CharSet raw = set.minus(special);
  std::string letters;
  static const struct {
    uint32_t cp;
    char letter;
  } kShort[] = {{'"', '"'},  {'\\', '\\'}, {'/', '/'},  {'\b', 'b'},
                {'\f', 'f'}, {'\n', 'n'},  {'\r', 'r'}, {'\t', 't'}};
  for (const auto& e : kShort) {
    if (set.contains(e.cp)) letters += e.letter;
  }
  std::vector<std::string> escapes;
  if (!letters.empty()) {
    CharSet letter_set;
    for (char c : letters) letter_set.add(static_cast<uint8_t>(c));
    escapes.push_back(GbnfWriter::char_class(letter_set));
  }
  for (uint32_t high = 0; high < 2; high++) {
    CharSet nibbles;
    for (uint32_t low = 0; low < 16; low++) {
      if (!set.contains(high * 16 + low)) continue;
      nibbles.add(low < 10 ? '0' + low : 'a' + low - 10);
      if (low >= 10) nibbles.add('A' + low - 10);
    }
    if (!nibbles.empty()) {
      escapes.push_back("\"u00" + std::to_string(high) + "\" " + GbnfWriter::char_class(nibbles));
    }
  }
  if (escapes.empty()) return GbnfWriter::char_class(raw);
  std::vector<std::string> alts;
  if (!raw.empty()) alts.push_back(GbnfWriter::char_class(raw));
  alts.push_back("\"\\\\\" " + GbnfWriter::group(GbnfWriter::alternatives(escapes)));
  if (escapes.size() == 1 && escapes[0].front() == '[') {
    alts.back() = "\"\\\\\" " + escapes[0];
  }
  return writer_.intern("chars", GbnfWriter::alternatives(alts));
}

std::string JsonGrammar::canonical_string(std::string_view utf8) {
  std::string content = "\"";
  for (char ch : utf8) {
    const uint8_t c = static_cast<uint8_t>(ch);
    switch (c) {
      case '"':
        content += "\\\"";
        break;
      case '\\':
        content += "\\\\";
        break;
      case '\b':
        content += "\\b";
        break;
      case '\f':
        content += "\\f";
        break;
      case '\n':
        content += "\\n";
        break;
      case '\r':
        content += "\\r";
        break;
      case '\t':
        content += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          content += buf;
        } else {
          content += ch;
        }
    }
  }
  content += '"';
  return GbnfWriter::literal(content);
}

}  // namespace logitkit::grammar
