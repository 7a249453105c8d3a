// A tokenizer's vocabulary as byte strings (TokenizerInfo), preprocessed for token-mask
// computation: every token's bytes, its kind (normal / special / stop / padding), and the normal
// tokens split into slices, each organised as a byte trie in depth-first order.
//
// Slices (after llguidance's "slicer"): a normal token whose bytes are complete, valid UTF-8 made
// only of characters allowed unescaped inside a JSON string ([^"\\\x00-\x1F\x7F]) goes to the
// slice of its character count (1, 2, 3-4, 5-8, 9-16, 17+); every other normal token goes to the
// last slice. When a grammar state provably accepts every string of a slice, the slice's
// precomputed token set is taken whole instead of walking its trie (see token_masks.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace logitkit::grammar {

enum class VocabType : uint8_t { kRaw = 0, kByteLevel = 1, kByteFallback = 2 };

enum TokenKind : uint8_t {
  kNormal = 0,   // allowed when its bytes extend the prefix toward the language
  kSpecial = 1,  // never allowed (control / added special tokens)
  kStop = 2,     // allowed exactly where the grammar may end
  kPadding = 3,  // ids past the tokenizer (vocabSize > tokenizer size) or holes: never allowed
};

/** A byte trie in depth-first order. Node 0 is the root (no byte). */
struct Trie {
  // Per node: the byte in the low 8 bits, (token id + 1) in the high 24 bits (0 = no token ends
  // here).
  std::vector<uint32_t> label;
  // Per node: the number of nodes in its subtree, itself included; the next sibling is at i + size.
  std::vector<uint32_t> size;

  // The bytes of the larger subtrees (kSummaryMin nodes or more), so that a walk can take a
  // subtree whole where a DFA state loops on all of them (token_masks.cpp): `summarized` lists
  // those nodes in increasing order, `subtree_bytes` holds 4 words (a 256-bit set of the bytes of
  // the node and everything below it) per listed node, and `subtree_depth` the length of its
  // longest path (1: the node alone), which bounds how far a counter can move inside it.
  static constexpr uint32_t kSummaryMin = 16;
  std::vector<uint32_t> summarized;
  std::vector<uint64_t> subtree_bytes;
  std::vector<uint32_t> subtree_depth;

  static uint8_t byte_of(uint32_t label) { return static_cast<uint8_t>(label & 0xFF); }
  static int32_t token_of(uint32_t label) { return static_cast<int32_t>(label >> 8) - 1; }
};

/** A slice: its tokens as a trie and as a bitmask; `min_chars..max_chars` for the JSON-char slices.
 */
struct Slice {
  bool json_chars = false;  // all tokens are 1+ characters of [^"\\\x00-\x1F\x7F]
  uint32_t min_chars = 0;
  uint32_t max_chars = 0;      // UINT32_MAX: unbounded
  uint32_t longest_chars = 0;  // JSON slices: the longest token's character count
  Trie trie;
  std::vector<uint32_t> bitmask;  // vocab_words() words
  uint32_t token_count = 0;
};

class Vocabulary {
 public:
  /**
   * Builds the vocabulary. `blob` holds every token's text (or bytes) back to back; `lengths[i]`
   * is token i's length: in bytes when `lengths_in_bytes`, else in UTF-16 code units of its text
   * (the blob is then that text in UTF-8). `flags[i]`: bit 0 special, bit 1 literal text (an added
   * token: its UTF-8 is its bytes, no byte-level / byte-fallback decoding), bit 2 absent (a hole in
   * the id space: padding). `stop` lists the stop token ids. Returns false with `error` set on bad
   * input (a length past the blob, a stop id past the vocabulary).
   */
  bool build(VocabType type, const uint8_t* blob, size_t blob_size, const uint32_t* lengths,
             const uint8_t* flags, uint32_t token_count, uint32_t vocab_size, const int32_t* stop,
             uint32_t stop_count, bool lengths_in_bytes, std::string* error);

  /** The serialized form (see serialize()); false with `error` on a malformed or truncated input.
   */
  bool deserialize(const uint8_t* data, size_t size, std::string* error);
  std::vector<uint8_t> serialize() const;

  uint32_t vocab_size() const { return vocab_size_; }
  uint32_t token_count() const { return token_count_; }
  uint32_t vocab_words() const { return (vocab_size_ + 31) / 32; }
  VocabType type() const { return type_; }
  TokenKind kind(uint32_t id) const { return static_cast<TokenKind>(kinds_[id]); }
  const uint8_t* token_bytes(uint32_t id) const { return bytes_.data() + offsets_[id]; }
  uint32_t token_length(uint32_t id) const { return offsets_[id + 1] - offsets_[id]; }
  const std::vector<int32_t>& stop_ids() const { return stop_ids_; }
  const std::vector<int32_t>& special_ids() const { return special_ids_; }
  const std::vector<Slice>& slices() const { return slices_; }
  /** Normal tokens with no bytes: they extend any prefix, so they are allowed until termination. */
  const std::vector<uint32_t>& empty_tokens() const { return empty_tokens_; }
  uint32_t max_token_length() const { return max_token_length_; }
  /** Another token with the same bytes as `id`, or -1 (duplicates share one trie node). */
  int32_t next_same_bytes(uint32_t id) const;
  size_t memory_bytes() const;

 private:
  void finish();  // kinds and bytes are set: build the slices and tries
  static void summarize(Trie& trie);

  VocabType type_ = VocabType::kRaw;
  uint32_t vocab_size_ = 0;
  uint32_t token_count_ = 0;
  uint32_t max_token_length_ = 0;
  std::vector<uint8_t> kinds_;     // vocab_size_
  std::vector<uint32_t> offsets_;  // vocab_size_ + 1 (padding ids have empty bytes)
  std::vector<uint8_t> bytes_;
  std::vector<int32_t> stop_ids_;
  std::vector<int32_t> special_ids_;
  std::vector<Slice> slices_;
  std::vector<uint32_t> empty_tokens_;
  std::vector<std::pair<uint32_t, int32_t>> same_bytes_;  // sorted (id, next id with equal bytes)
};

}  // namespace logitkit::grammar
