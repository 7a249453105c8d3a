#include "tokenizer.h"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <system_error>

namespace logitkit::model {
namespace {

bool read_i32(const uint8_t*& p, const uint8_t* end, int32_t* out) {
  if (end - p < 4) return false;
  std::memcpy(out, p, 4);
  p += 4;
  return true;
}

// The byte of a "<0xHH>" piece (two hex digits, either case), or -1.
int byte_piece(std::string_view piece) {
  if (piece.size() != 6 || piece.substr(0, 3) != "<0x" || piece[5] != '>') return -1;
  const char* digits = piece.data() + 3;
  unsigned byte = 0;  // unsigned: from_chars takes no sign
  const auto [end, error] = std::from_chars(digits, digits + 2, byte, 16);
  return error == std::errc() && end == digits + 2 ? static_cast<int>(byte) : -1;
}

}  // namespace

LoadError Tokenizer::load(const uint8_t* data, size_t size, int32_t vocab_size) {
  const uint8_t* p = data;
  const uint8_t* end = data + size;
  int32_t max_token_length = 0;
  if (!read_i32(p, end, &max_token_length) || max_token_length <= 0)
    return LoadError::TokenizerMalformed;
  pieces_.clear();
  scores_.clear();
  pieces_.reserve(vocab_size);
  scores_.reserve(vocab_size);
  for (int32_t i = 0; i < vocab_size; ++i) {
    int32_t score_bits = 0, length = 0;
    if (!read_i32(p, end, &score_bits) || !read_i32(p, end, &length))
      return LoadError::TokenizerMalformed;
    if (length < 0 || length > max_token_length || end - p < length)
      return LoadError::TokenizerMalformed;
    float score;
    std::memcpy(&score, &score_bits, 4);
    scores_.push_back(score);
    pieces_.emplace_back(reinterpret_cast<const char*>(p), static_cast<size_t>(length));
    p += length;
  }
  sorted_.resize(vocab_size);
  for (int32_t i = 0; i < vocab_size; ++i) sorted_[i] = i;
  // Stable: when a piece appears twice, lookup() finds the lower id, as llama2.c's bsearch may not.
  std::stable_sort(sorted_.begin(), sorted_.end(),
                   [this](int32_t a, int32_t b) { return pieces_[a] < pieces_[b]; });
  for (int i = 0; i < 256; ++i) bytes_[i] = static_cast<char>(i);
  return LoadError::Ok;
}

int32_t Tokenizer::lookup(std::string_view piece) const {
  auto it = std::lower_bound(
      sorted_.begin(), sorted_.end(), piece,
      [this](int32_t id, std::string_view key) { return std::string_view(pieces_[id]) < key; });
  return it != sorted_.end() && pieces_[*it] == piece ? *it : -1;
}

size_t Tokenizer::encode(const char* text, size_t length, bool bos, bool eos, int32_t* out) const {
  size_t n = 0;
  if (bos) out[n++] = kBos;
  if (length > 0) {
    const int32_t space = lookup(" ");
    if (space >= 0) out[n++] = space;
  }
  // Code points: a lead byte and its continuation bytes (10xxxxxx), at most 4 bytes.
  for (size_t i = 0; i < length;) {
    size_t j = i + 1;
    while (j < length && j - i < 4 && (static_cast<uint8_t>(text[j]) & 0xC0) == 0x80) ++j;
    const int32_t id = lookup(std::string_view(text + i, j - i));
    if (id >= 0) {
      out[n++] = id;
    } else {
      for (size_t b = i; b < j; ++b) out[n++] = static_cast<uint8_t>(text[b]) + 3;
    }
    i = j;
  }
  // Greedy merges, highest-scoring result first (leftmost on ties), as llama2.c does.
  const size_t first = bos ? 1 : 0;
  std::string pair;
  for (;;) {
    float best_score = -1e10f;
    int32_t best_id = -1;
    size_t best_at = 0;
    for (size_t i = first; i + 1 < n; ++i) {
      pair.assign(piece(out[i]));
      pair.append(piece(out[i + 1]));
      const int32_t id = lookup(pair);
      if (id >= 0 && scores_[id] > best_score) {
        best_score = scores_[id];
        best_id = id;
        best_at = i;
      }
    }
    if (best_id < 0) break;
    out[best_at] = best_id;
    std::memmove(out + best_at + 1, out + best_at + 2, (n - best_at - 2) * sizeof(int32_t));
    --n;
  }
  if (eos) out[n++] = kEos;
  return n;
}

std::string_view Tokenizer::piece(int32_t token) const {
  if (token < 0 || token >= vocab_size()) return {};
  return pieces_[token];
}

std::string_view Tokenizer::decode(int32_t prev, int32_t token) const {
  std::string_view p = piece(token);
  if (prev == kBos && !p.empty() && p[0] == ' ') p.remove_prefix(1);
  const int byte = byte_piece(p);
  if (byte >= 0) return std::string_view(bytes_ + byte, 1);
  return p;
}

}  // namespace logitkit::model
