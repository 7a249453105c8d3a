#include "json_value.h"

#include <unordered_map>

namespace logitkit::grammar {

const JsonValue* JsonValue::find(std::string_view key) const {
  if (type != Type::kObject) return nullptr;
  for (const auto& member : members) {
    if (member.first == key) return &member.second;
  }
  return nullptr;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t decode_utf8(std::string_view text, size_t pos, uint32_t* cp) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  const uint8_t b0 = byte(pos);
  size_t n;
  uint32_t value, min;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if (b0 >= 0xC2 && b0 < 0xE0) {
    n = 2, value = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 < 0xF0) {
    n = 3, value = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 < 0xF5) {
    n = 4, value = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (pos + n > text.size()) return 0;
  for (size_t i = 1; i < n; i++) {
    if ((byte(pos + i) & 0xC0) != 0x80) return 0;
    value = (value << 6) | (byte(pos + i) & 0x3F);
  }
  if (value < min || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return 0;
  *cp = value;
  return n;
}

std::string pointer_token(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

namespace {

class Parser {
 public:
  Parser(std::string_view text, uint32_t max_depth) : text_(text), max_depth_(max_depth) {}

  JsonParseResult run() {
    JsonParseResult result;
    skip_space();
    if (value(result.value, 0)) {
      skip_space();
      if (pos_ != text_.size()) fail("unexpected text after the JSON value");
    }
    if (!failed_) {
      result.ok = true;
    } else {
      result.value = JsonValue();
      result.error_offset = error_offset_;
      result.message = message_;
      result.unsupported = unsupported_;
    }
    return result;
  }

 private:
  bool fail(const char* message) {
    if (!failed_) {
      failed_ = true;
      error_offset_ = pos_;
      message_ = message;
    }
    return false;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_space() {
    while (!at_end() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r')) {
      pos_++;
    }
  }
  bool literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool value(JsonValue& out, uint32_t depth) {
    if (depth >= max_depth_) return fail("the JSON nesting is deeper than the depth budget");
    out.offset = pos_;
    switch (peek()) {
      case '{':
        return object(out, depth);
      case '[':
        return array(out, depth);
      case '"':
        out.type = JsonValue::Type::kString;
        return string(out.text);
      case 't':
        out.type = JsonValue::Type::kBool;
        out.boolean = true;
        return literal("true");
      case 'f':
        out.type = JsonValue::Type::kBool;
        return literal("false");
      case 'n':
        out.type = JsonValue::Type::kNull;
        return literal("null");
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return number(out);
        return fail(at_end() ? "unexpected end of JSON text" : "unexpected character");
    }
  }

  bool digits() {
    const size_t start = pos_;
    while (!at_end() && peek() >= '0' && peek() <= '9') pos_++;
    return pos_ > start || fail("expecting a digit");
  }

  bool number(JsonValue& out) {
    const size_t start = pos_;
    if (peek() == '-') pos_++;
    if (peek() == '0') {
      pos_++;
    } else if (!digits()) {
      return false;
    }
    if (peek() == '.') {
      pos_++;
      if (!digits()) return false;
    }
    if (peek() == 'e' || peek() == 'E') {
      pos_++;
      if (peek() == '+' || peek() == '-') pos_++;
      if (!digits()) return false;
    }
    out.type = JsonValue::Type::kNumber;
    out.text.assign(text_.substr(start, pos_ - start));
    return true;
  }

  bool hex4(uint32_t* value) {
    *value = 0;
    for (int i = 0; i < 4; i++) {
      const char c = peek();
      uint32_t d;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return fail("expecting 4 hex digits after \\u");
      }
      *value = *value * 16 + d;
      pos_++;
    }
    return true;
  }

  bool string(std::string& out) {
    pos_++;  // the opening quote
    for (;;) {
      if (at_end()) return fail("unterminated string");
      const uint8_t c = static_cast<uint8_t>(peek());
      if (c == '"') {
        pos_++;
        return true;
      }
      if (c < 0x20) return fail("control character in a string (must be escaped)");
      if (c == '\\') {
        const size_t escape_start = pos_;
        pos_++;
        const char e = peek();
        pos_++;
        switch (e) {
          case '"':
          case '\\':
          case '/':
            out += e;
            break;
          case 'b':
            out += '\b';
            break;
          case 'f':
            out += '\f';
            break;
          case 'n':
            out += '\n';
            break;
          case 'r':
            out += '\r';
            break;
          case 't':
            out += '\t';
            break;
          case 'u': {
            uint32_t cp;
            if (!hex4(&cp)) return false;
            if (cp >= 0xD800 && cp <= 0xDBFF && text_.substr(pos_, 2) == "\\u") {
              const size_t low_start = pos_;
              pos_ += 2;
              uint32_t low;
              if (!hex4(&low)) return false;
              if (low >= 0xDC00 && low <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              } else {
                pos_ = low_start;
              }
            }
            if (cp >= 0xD800 && cp <= 0xDFFF) {
              pos_ = escape_start;
              unsupported_ = true;
              return fail("a \\u escape of a lone surrogate is not supported");
            }
            append_utf8(out, cp);
            break;
          }
          default:
            pos_ = escape_start;
            return fail("invalid escape in a string");
        }
        continue;
      }
      uint32_t cp;
      const size_t n = decode_utf8(text_, pos_, &cp);
      if (n == 0) return fail("invalid UTF-8 in a string");
      out.append(text_.substr(pos_, n));
      pos_ += n;
    }
  }

  bool array(JsonValue& out, uint32_t depth) {
    out.type = JsonValue::Type::kArray;
    for (bool closed = open_container(']'); !closed;) {
      out.items.emplace_back();
      if (!value(out.items.back(), depth + 1) || !separator(']', &closed)) return false;
    }
    return true;
  }

  bool object(JsonValue& out, uint32_t depth) {
    out.type = JsonValue::Type::kObject;
    std::unordered_map<std::string, size_t> index;  // key -> member, for duplicate keys
    for (bool closed = open_container('}'); !closed;) {
      if (peek() != '"') return fail("expecting a string key");
      std::string key;
      if (!string(key)) return false;
      skip_space();
      if (peek() != ':') return fail("expecting ':'");
      pos_++;
      skip_space();
      JsonValue member;
      if (!value(member, depth + 1)) return false;
      const auto found = index.find(key);
      if (found != index.end()) {
        out.members[found->second].second = std::move(member);
      } else {
        index.emplace(key, out.members.size());
        out.members.emplace_back(std::move(key), std::move(member));
      }
      if (!separator('}', &closed)) return false;
    }
    return true;
  }

  // Past a container's opening bracket and the space after it; true when `close` follows at once
  // (consumed: the container is empty).
  bool open_container(char close) {
    pos_++;
    skip_space();
    if (peek() != close) return false;
    pos_++;
    return true;
  }

  // After a container's element: true at ',' (consumed, and the space after it) or at `close`
  // (consumed; *closed set), false with an error otherwise.
  bool separator(char close, bool* closed) {
    skip_space();
    if (peek() == ',') {
      pos_++;
      skip_space();
      return true;
    }
    if (peek() == close) {
      pos_++;
      *closed = true;
      return true;
    }
    return fail(close == ']' ? "expecting ',' or ']'" : "expecting ',' or '}'");
  }

  std::string_view text_;
  uint32_t max_depth_;
  size_t pos_ = 0;
  bool failed_ = false, unsupported_ = false;
  size_t error_offset_ = 0;
  std::string message_;
};

}  // namespace

JsonParseResult parse_json(std::string_view text, uint32_t max_depth) {
  return Parser(text, max_depth).run();
}

}  // namespace logitkit::grammar
