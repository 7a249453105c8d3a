// The JSON building blocks every JSON grammar shares (RFC 8259): whitespace under the run cap,
// strings, numbers, any value, and the JSON spellings of a set of code points inside a string.
// Each block is a rule defined on first use, so a grammar holds only the rules it references.
#pragma once
#include <string>
#include <string_view>
#include <unordered_map>

#include "charset.h"
#include "frontend.h"
#include "gbnf_writer.h"

namespace logitkit::grammar {

class JsonGrammar {
 public:
  JsonGrammar(GbnfWriter& writer, const WhitespaceOptions& whitespace)
      : writer_(writer), max_run_(whitespace.max_run) {}

  GbnfWriter& writer() { return writer_; }

  // Optional whitespace between tokens: a rule name, or "" under 'compact'. Callers place it with
  // gap(): "a" gap() "b".
  std::string gap();
  // ` ws ` or ` ` (with the separating spaces), for joining token expressions.
  std::string join(const std::string& a, const std::string& b);

  std::string string_char();  // one code point of string content, raw or in any JSON escape
  std::string string();       // any JSON string
  std::string number();       // any JSON number
  std::string integer();      // -?(0|[1-9][0-9]*)
  std::string value();        // any JSON value

  // One code point of `set` inside a JSON string: raw where JSON allows it raw, and as the
  // escapes \" \\ \/ \b \f \n \r \t and \u00XX (either hex case) for the members that have them.
  // (Other \u escapes of members are not offered: the language stays sound, it is not complete.)
  // `set` must not be empty.
  std::string encoded_set(const CharSet& set);

  // The JSON string (quotes included) holding `utf8`, spelled as JSON.stringify spells it: raw
  // except " \ and control characters (\b \f \n \r \t, else \u00xx).
  static std::string canonical_string(std::string_view utf8);

 private:
  std::string rule(const char* name, const std::string& body);

  GbnfWriter& writer_;
  uint32_t max_run_;
  std::unordered_map<std::string, std::string> rules_;  // block name -> rule name
};

}  // namespace logitkit::grammar
