// UTF-8 helpers of the grammar engine: decoding one code point, encoding, and splitting a range of
// code points into sequences of byte ranges (the standard construction also used by RE2 and Rust's
// utf8-ranges), so character classes over code points become byte-level automata.
//
// Contract: only valid UTF-8 is produced or accepted — shortest forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace logitkit::grammar {

/** One byte range [lo, hi] per position of an encoded sequence (1 to 4 positions). */
struct Utf8Sequence {
  uint8_t length = 0;
  uint8_t lo[4] = {0, 0, 0, 0};
  uint8_t hi[4] = {0, 0, 0, 0};
};

/** Encodes `cp` (<= 0x10FFFF) into `out`; returns the byte count (1-4). */
inline int utf8_encode(uint32_t cp, uint8_t out[4]) {
  if (cp < 0x80) {
    out[0] = static_cast<uint8_t>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<uint8_t>(0xC0 | (cp >> 6));
    out[1] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<uint8_t>(0xE0 | (cp >> 12));
    out[1] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<uint8_t>(0xF0 | (cp >> 18));
  out[1] = static_cast<uint8_t>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<uint8_t>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<uint8_t>(0x80 | (cp & 0x3F));
  return 4;
}

/**
 * Decodes one code point of valid UTF-8 at s[0..n). Returns its length (1-4), or 0 when the bytes
 * there are not a complete, valid, shortest-form sequence (a partial sequence included).
 */
inline int utf8_decode(const uint8_t* s, size_t n, uint32_t* cp) {
  if (n == 0) return 0;
  const uint8_t b0 = s[0];
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  }
  int len;
  uint32_t v;
  uint32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, v = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, v = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, v = b0 & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (n < static_cast<size_t>(len)) return 0;
  for (int i = 1; i < len; ++i) {
    if ((s[i] & 0xC0) != 0x80) return 0;
    v = (v << 6) | (s[i] & 0x3F);
  }
  if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
}

namespace detail {
inline void utf8_split_same_length(uint32_t lo, uint32_t hi, int n,
                                   std::vector<Utf8Sequence>& out) {
  for (int i = 1; i < n; ++i) {
    const uint32_t m = (1u << (6 * i)) - 1;
    if ((lo & ~m) != (hi & ~m)) {
      if ((lo & m) != 0) {
        utf8_split_same_length(lo, lo | m, n, out);
        utf8_split_same_length((lo | m) + 1, hi, n, out);
        return;
      }
      if ((hi & m) != m) {
        utf8_split_same_length(lo, (hi & ~m) - 1, n, out);
        utf8_split_same_length(hi & ~m, hi, n, out);
        return;
      }
    }
  }
  Utf8Sequence seq;
  uint8_t a[4], b[4];
  seq.length = static_cast<uint8_t>(utf8_encode(lo, a));
  utf8_encode(hi, b);
  for (int k = 0; k < seq.length; ++k) seq.lo[k] = a[k], seq.hi[k] = b[k];
  out.push_back(seq);
}
}  // namespace detail

/** Appends the byte-range sequences that encode exactly the code points [lo, hi], surrogates
 * excluded. */
inline void utf8_sequences(uint32_t lo, uint32_t hi, std::vector<Utf8Sequence>& out) {
  if (hi > 0x10FFFF) hi = 0x10FFFF;
  if (lo > hi) return;
  if (lo <= 0xDFFF && hi >= 0xD800) {
    if (lo < 0xD800) utf8_sequences(lo, 0xD7FF, out);
    if (hi > 0xDFFF) utf8_sequences(0xE000, hi, out);
    return;
  }
  static const uint32_t kMax[4] = {0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
  for (int n = 1; n <= 4; ++n) {
    const uint32_t start = n == 1 ? 0 : kMax[n - 2] + 1;
    const uint32_t a = lo > start ? lo : start;
    const uint32_t b = hi < kMax[n - 1] ? hi : kMax[n - 1];
    if (a <= b) detail::utf8_split_same_length(a, b, n, out);
  }
}

}  // namespace logitkit::grammar
