// llama2.c's tokenizer: the tokenizer.bin format and its encode/decode rules, byte for byte.
//
// tokenizer.bin: int32 max_token_length, then for each of vocab_size tokens: float32 score,
// int32 length, then `length` bytes (the piece, UTF-8, not NUL-terminated). Ids 0, 1, 2 are
// <unk>, <s> (BOS) and </s> (EOS); pieces "<0x00>".."<0xFF>" are byte-fallback tokens, expected
// at ids 3..258 as in Llama's sentencepiece vocabulary.
//
// encode(): BOS if asked; a " " dummy prefix token when the text is not empty (sentencepiece's
// add_dummy_prefix); each UTF-8 code point's token, or its bytes as ids byte + 3 when the code
// point has no token; then, repeatedly, the adjacent pair whose concatenation is a token with the
// highest score is merged (the leftmost on ties) until no pair merges; EOS if asked.
// decode(prev, token): the piece, without its leading space right after BOS, and "<0xHH>" as the
// one raw byte HH.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"

namespace logitkit::model {

class Tokenizer {
 public:
  static constexpr int32_t kBos = 1;
  static constexpr int32_t kEos = 2;

  // Reads tokenizer.bin for a model of `vocab_size` tokens (bytes beyond them are ignored).
  LoadError load(const uint8_t* data, size_t size, int32_t vocab_size);

  int32_t vocab_size() const { return static_cast<int32_t>(pieces_.size()); }

  // Most ids encode() can write for `length` bytes of text (every byte a token, plus BOS, prefix,
  // EOS).
  static size_t max_tokens(size_t length) { return length + 3; }

  // Writes the ids of `text` to `out` (room for max_tokens(length)); returns how many.
  size_t encode(const char* text, size_t length, bool bos, bool eos, int32_t* out) const;

  // The bytes token `token` stands for after `prev` (-1 when there is none). Valid until the
  // tokenizer is destroyed. An id outside the vocabulary gives an empty piece.
  std::string_view decode(int32_t prev, int32_t token) const;

  // The raw vocabulary entry (e.g. " the", "<0x0A>"), for labels.
  std::string_view piece(int32_t token) const;

 private:
  int32_t lookup(std::string_view piece) const;  // -1 when absent

  std::vector<std::string> pieces_;
  std::vector<float> scores_;
  std::vector<int32_t> sorted_;  // ids ordered by piece, for lookup()
  char bytes_[256] = {};         // the 256 one-byte strings decode() returns for "<0xHH>"
};

}  // namespace logitkit::model
