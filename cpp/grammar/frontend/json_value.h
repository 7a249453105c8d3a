// A small JSON DOM for schemas: RFC 8259 text in, values out, with what a schema compiler needs
// and JSON.parse does not keep: numbers as their source text (exact bounds and enum values), object
// members in source order, the byte offset of every value (for error positions), and budgets
// (nesting depth, input size) so no input can exhaust the stack or memory.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logitkit::grammar {

struct JsonValue {
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;              // kString: the decoded UTF-8 value; kNumber: the number as written
  std::vector<JsonValue> items;  // kArray
  std::vector<std::pair<std::string, JsonValue>> members;  // kObject, in source order
  size_t offset = 0;                                       // byte offset in the source text

  bool is_null() const { return type == Type::kNull; }
  bool is_bool() const { return type == Type::kBool; }
  bool is_number() const { return type == Type::kNumber; }
  bool is_string() const { return type == Type::kString; }
  bool is_array() const { return type == Type::kArray; }
  bool is_object() const { return type == Type::kObject; }

  // The member named `key` of an object, or nullptr (also when this is not an object).
  const JsonValue* find(std::string_view key) const;
};

struct JsonParseResult {
  bool ok = false;
  JsonValue value;
  size_t error_offset = 0;
  std::string message;
  bool unsupported = false;  // valid JSON this parser refuses (a lone surrogate \u escape)
};

// Parses `text` as one JSON value with optional surrounding whitespace. A duplicate object key
// keeps its first position and its last value (as JSON.parse does). Strings must be valid UTF-8.
JsonParseResult parse_json(std::string_view text, uint32_t max_depth);

// Appends the UTF-8 encoding of the scalar value `cp` to `out`.
void append_utf8(std::string& out, uint32_t cp);

// Decodes one UTF-8 scalar value at text[pos]; returns its length in bytes (0 if invalid: bad
// lead or continuation byte, overlong form, surrogate, above U+10FFFF, truncated).
size_t decode_utf8(std::string_view text, size_t pos, uint32_t* cp);

// A JSON pointer (RFC 6901) token for `key`: '~' -> "~0", '/' -> "~1".
std::string pointer_token(std::string_view key);

}  // namespace logitkit::grammar
