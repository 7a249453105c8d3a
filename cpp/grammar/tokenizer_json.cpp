#include "tokenizer_json.h"

#include <algorithm>
#include <cctype>

#include "utf8.h"

namespace logitkit::grammar {
namespace {

constexpr int kMaxDepth = 512;

class Scanner {
 public:
  Scanner(const char* text, size_t size) : begin_(text), p_(text), end_(text + size) {}

  bool fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(p_ - begin_);
    return false;
  }
  const std::string& error() const { return error_; }

  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool eat(char c) {
    ws();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool expect(char c) { return eat(c) || fail(std::string("expected '") + c + "'"); }
  char peek() {
    ws();
    return p_ < end_ ? *p_ : '\0';
  }

  // A JSON string, decoded to UTF-8 into `out` (nullptr: skipped).
  bool string(std::string* out) {
    if (!expect('"')) return false;
    while (p_ < end_ && *p_ != '"') {
      if (*p_ != '\\') {
        // The run up to the next quote or backslash is copied in one append, not a byte at a time
        // (most strings of a vocabulary have no escape).
        const char* run = p_;
        while (p_ < end_ && *p_ != '"' && *p_ != '\\') ++p_;
        if (out) out->append(run, static_cast<size_t>(p_ - run));
        continue;
      }
      ++p_;
      if (p_ >= end_) return fail("unterminated string");
      const char e = *p_++;
      uint32_t cp = 0;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          cp = static_cast<uint8_t>(e);
          break;
        case 'b':
          cp = '\b';
          break;
        case 'f':
          cp = '\f';
          break;
        case 'n':
          cp = '\n';
          break;
        case 'r':
          cp = '\r';
          break;
        case 't':
          cp = '\t';
          break;
        case 'u': {
          if (!hex4(&cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && end_ - p_ >= 6 && p_[0] == '\\' && p_[1] == 'u') {
            uint32_t lo = 0;
            p_ += 2;
            if (!hex4(&lo)) return false;
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              p_ -= 6;  // a lone high surrogate: U+FFFD, as JavaScript's TextEncoder writes it
              cp = 0xFFFD;
            }
          } else if (cp >= 0xD800 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          break;
        }
        default:
          return fail("bad escape in a string");
      }
      if (out) {
        uint8_t buf[4];
        out->append(reinterpret_cast<char*>(buf), static_cast<size_t>(utf8_encode(cp, buf)));
      }
    }
    if (p_ >= end_) return fail("unterminated string");
    ++p_;
    return true;
  }

  bool integer(int64_t* v) {
    ws();
    const char* start = p_;
    bool neg = false;
    if (p_ < end_ && *p_ == '-') neg = true, ++p_;
    int64_t x = 0;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') {
      if (x < (int64_t{1} << 40)) x = x * 10 + (*p_ - '0');
      ++p_;
    }
    if (p_ == start || (neg && p_ == start + 1)) return fail("expected an integer");
    // A fraction or exponent makes it a non-integer token id.
    if (p_ < end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) {
      skip_number();
      *v = -1;
      return true;
    }
    *v = neg ? -x : x;
    return true;
  }

  void skip_number() {
    while (p_ < end_ && (std::isdigit(static_cast<unsigned char>(*p_)) || *p_ == '-' ||
                         *p_ == '+' || *p_ == '.' || *p_ == 'e' || *p_ == 'E'))
      ++p_;
  }

  bool word(const char* w) {
    ws();
    size_t n = std::char_traits<char>::length(w);
    if (static_cast<size_t>(end_ - p_) >= n && std::equal(w, w + n, p_)) {
      p_ += n;
      return true;
    }
    return false;
  }

  // Skips any value; collects the string values of "type" keys when `types` is set.
  bool skip(int depth, std::vector<std::string>* types) {
    if (depth > kMaxDepth) return fail("nesting too deep");
    const char c = peek();
    if (c == '"') return string(nullptr);
    if (c == '{') {
      ++p_;
      if (eat('}')) return true;
      do {
        std::string key;
        if (!string(&key) || !expect(':')) return false;
        if (types && key == "type" && peek() == '"') {
          std::string t;
          if (!string(&t)) return false;
          types->push_back(t);
        } else if (!skip(depth + 1, types)) {
          return false;
        }
      } while (eat(','));
      return expect('}');
    }
    if (c == '[') {
      ++p_;
      if (eat(']')) return true;
      do {
        if (!skip(depth + 1, types)) return false;
      } while (eat(','));
      return expect(']');
    }
    if (word("true") || word("false") || word("null")) return true;
    if (c == '-' || (c >= '0' && c <= '9')) {
      skip_number();
      return true;
    }
    return fail("expected a JSON value");
  }

 private:
  bool hex4(uint32_t* v) {
    if (end_ - p_ < 4) return fail("short \\u escape");
    *v = 0;
    for (int i = 0; i < 4; ++i) {
      const char h = *p_++;
      int d = -1;
      if (h >= '0' && h <= '9') d = h - '0';
      if (h >= 'a' && h <= 'f') d = h - 'a' + 10;
      if (h >= 'A' && h <= 'F') d = h - 'A' + 10;
      if (d < 0) return fail("bad \\u escape");
      *v = *v * 16 + static_cast<uint32_t>(d);
    }
    return true;
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  std::string error_;
};

struct Entry {
  int64_t id;
  uint32_t offset, length;
  uint8_t flags;
};

}  // namespace

bool read_tokenizer_json(const char* text, size_t size, TokenizerJson* out, std::string* error) {
  Scanner s(text, size);
  std::string arena;
  std::vector<Entry> entries;
  std::vector<std::string> types;
  bool byte_fallback = false, has_vocab = false;
  auto add = [&](int64_t id, const std::string& t, uint8_t flags) {
    entries.push_back(
        {id, static_cast<uint32_t>(arena.size()), static_cast<uint32_t>(t.size()), flags});
    arena += t;
  };
  bool ok = s.expect('{');
  if (ok && !s.eat('}')) {
    do {
      std::string key;
      if (!(ok = s.string(&key) && s.expect(':'))) break;
      if (key == "model" && s.peek() == '{') {
        s.expect('{');
        if (s.eat('}')) continue;
        do {
          std::string mkey;
          if (!(ok = s.string(&mkey) && s.expect(':'))) break;
          if (mkey == "byte_fallback") {
            byte_fallback = s.word("true");
            if (!byte_fallback) ok = s.skip(1, nullptr);
          } else if (mkey == "vocab" && s.peek() == '{') {
            has_vocab = true;
            s.expect('{');
            if (s.eat('}')) continue;
            std::string t;
            do {
              t.clear();
              int64_t id = 0;
              if (!(ok = s.string(&t) && s.expect(':') && s.integer(&id))) break;
              add(id, t, 0);
            } while (s.eat(','));
            ok = ok && s.expect('}');
          } else if (mkey == "vocab" && s.peek() == '[') {
            has_vocab = true;
            s.expect('[');
            if (s.eat(']')) continue;
            int64_t id = 0;
            std::string t;
            do {
              t.clear();
              if (!(ok = s.expect('[') && s.string(&t))) break;
              while (ok && s.eat(',')) ok = s.skip(2, nullptr);
              ok = ok && s.expect(']');
              add(id++, t, 0);
            } while (ok && s.eat(','));
            ok = ok && s.expect(']');
          } else {
            ok = s.skip(1, nullptr);
          }
        } while (ok && s.eat(','));
        ok = ok && s.expect('}');
      } else if (key == "added_tokens" && s.peek() == '[') {
        s.expect('[');
        if (s.eat(']')) continue;
        do {
          int64_t id = -1;
          bool special = false;
          std::string content;
          bool has_content = false;
          if (!(ok = s.expect('{'))) break;
          if (!s.eat('}')) {
            do {
              std::string akey;
              if (!(ok = s.string(&akey) && s.expect(':'))) break;
              if (akey == "id") {
                ok = s.integer(&id);
              } else if (akey == "content" && s.peek() == '"') {
                ok = s.string(&content);
                has_content = true;
              } else if (akey == "special") {
                special = s.word("true");
                if (!special) ok = s.skip(1, nullptr);
              } else {
                ok = s.skip(1, nullptr);
              }
            } while (ok && s.eat(','));
            ok = ok && s.expect('}');
          }
          if (ok && (id < 0 || !has_content))
            ok = s.fail("an added token needs an integer id and a content");
          if (ok) {
            add(id, content, static_cast<uint8_t>(2 | (special ? 1 : 0)));
            if (special) out->special.push_back({content, static_cast<int32_t>(id)});
          }
        } while (ok && s.eat(','));
        ok = ok && s.expect(']');
      } else if (key == "decoder" || key == "pre_tokenizer") {
        ok = s.skip(0, &types);
      } else {
        ok = s.skip(0, nullptr);
      }
    } while (ok && s.eat(','));
    ok = ok && s.expect('}');
  }
  if (!ok) {
    *error = "tokenizerJson is not valid JSON: " + s.error();
    return false;
  }
  if (!has_vocab) {
    *error = "tokenizerJson has no model.vocab";
    return false;
  }
  int64_t count = 0;
  for (const Entry& e : entries) {
    if (e.id < 0 || e.id >= (int64_t{1} << 24)) {
      *error = "tokenizerJson has a token id outside [0, 2^24): " + std::to_string(e.id);
      return false;
    }
    count = std::max(count, e.id + 1);
  }
  // An added token overrides the vocabulary's entry of the same id, wherever either appears in the
  // text (tokenizer.json writes added_tokens first): its special flag must not be lost.
  std::vector<int64_t> at(static_cast<size_t>(count), -1);
  for (size_t i = 0; i < entries.size(); ++i) {
    int64_t& slot = at[static_cast<size_t>(entries[i].id)];
    if (slot < 0 || (entries[i].flags & 2) || !(entries[static_cast<size_t>(slot)].flags & 2))
      slot = static_cast<int64_t>(i);
  }
  out->lengths.assign(static_cast<size_t>(count), 0);
  out->flags.assign(static_cast<size_t>(count), 4);
  out->blob.clear();
  out->blob.reserve(arena.size());
  for (size_t id = 0; id < static_cast<size_t>(count); ++id) {
    if (at[id] < 0) continue;
    const Entry& e = entries[static_cast<size_t>(at[id])];
    out->blob.append(arena, e.offset, e.length);
    out->lengths[id] = e.length;
    out->flags[id] = e.flags;
  }
  auto has = [&](const char* t) { return std::find(types.begin(), types.end(), t) != types.end(); };
  if (byte_fallback || has("ByteFallback"))
    out->type = VocabType::kByteFallback;
  else if (has("ByteLevel"))
    out->type = VocabType::kByteLevel;
  else if (has("Metaspace"))
    out->type = VocabType::kByteFallback;
  else
    out->type = VocabType::kRaw;
  return true;
}

}  // namespace logitkit::grammar
