// Reads what the grammar engine needs from a Hugging Face tokenizer.json text, without building a
// document: model.vocab (an object of text -> id, or Unigram's [[text, score], ...]),
// model.byte_fallback, added_tokens (id, content, special) and the component types of the decoder
// and pre-tokenizer (ByteLevel, ByteFallback, Metaspace), skipping everything else (the merges).
// Parsing the 9 MB text of a 128k vocabulary here is several times faster than JSON.parse plus
// enumerating a 128k-key object in JavaScript.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vocabulary.h"

namespace logitkit::grammar {

struct TokenizerJson {
  std::string blob;               // every token's text (UTF-8), by id, back to back
  std::vector<uint32_t> lengths;  // bytes of each token's text
  std::vector<uint8_t> flags;     // as Vocabulary::build: 1 special, 2 literal (added), 4 absent
  VocabType type = VocabType::kRaw;
  std::vector<std::pair<std::string, int32_t>> special;  // (content, id) of special added tokens
};

/** False with `error` (naming the byte offset) when the text is not a usable tokenizer.json. */
bool read_tokenizer_json(const char* text, size_t size, TokenizerJson* out, std::string* error);

}  // namespace logitkit::grammar
