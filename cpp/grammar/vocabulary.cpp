#include "vocabulary.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "utf8.h"

namespace logitkit::grammar {
namespace {

// GPT-2's bytes_to_unicode, inverted: code point -> byte (-1 when the code point encodes no byte).
struct ByteLevelTable {
  int16_t byte_of[324];
  ByteLevelTable() {
    for (int16_t& v : byte_of) v = -1;
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
      byte_of[printable ? b : 256 + n++] = static_cast<int16_t>(b);
    }
  }
};

bool is_json_char(uint32_t cp) {
  return cp >= 0x20 && cp != '"' && cp != '\\' && cp != 0x7F;
}

int hex_value(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes one token's text (UTF-8 in [s, s + n)) into bytes by the vocabulary's convention, written
// at `out`; returns how many. Never more than `n`: every convention maps a character of one or more
// UTF-8 bytes to at most that many bytes, so the caller sizes the output by the text.
size_t decode_token(VocabType type, bool literal, const uint8_t* s, size_t n, uint8_t* out) {
  static const ByteLevelTable table;
  if (literal || type == VocabType::kRaw) {
    std::memcpy(out, s, n);
    return n;
  }
  if (type == VocabType::kByteFallback) {
    if (n == 6 && s[0] == '<' && s[1] == '0' && s[2] == 'x' && s[5] == '>' &&
        hex_value(s[3]) >= 0 && hex_value(s[4]) >= 0) {
      out[0] = static_cast<uint8_t>(hex_value(s[3]) * 16 + hex_value(s[4]));
      return 1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n;) {
      // U+2581 LOWER ONE EIGHTH BLOCK (E2 96 81) is SentencePiece's space.
      if (i + 2 < n && s[i] == 0xE2 && s[i + 1] == 0x96 && s[i + 2] == 0x81) {
        out[k++] = ' ';
        i += 3;
      } else {
        out[k++] = s[i++];
      }
    }
    return k;
  }
  // Byte-level BPE: every code point stands for one byte; text that is not in the map (possible
  // only in tokens that were added as plain text) keeps its UTF-8.
  size_t k = 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    const int len = utf8_decode(s + i, n - i, &cp);
    if (len == 0 || cp >= 324 || table.byte_of[cp] < 0) {
      std::memcpy(out, s, n);
      return n;
    }
    out[k++] = static_cast<uint8_t>(table.byte_of[cp]);
    i += static_cast<size_t>(len);
  }
  return k;
}

// Character count when the bytes are complete valid UTF-8 of JSON-string characters only, else 0.
uint32_t json_char_count(const uint8_t* s, size_t n) {
  uint32_t count = 0;
  for (size_t i = 0; i < n;) {
    uint32_t cp = 0;
    const int len = utf8_decode(s + i, n - i, &cp);
    if (len == 0 || !is_json_char(cp)) return 0;
    i += static_cast<size_t>(len);
    ++count;
  }
  return count;
}

const uint32_t kSliceBounds[][2] = {{1, 1}, {2, 2}, {3, 4}, {5, 8}, {9, 16}, {17, UINT32_MAX}};
constexpr size_t kJsonSlices = sizeof(kSliceBounds) / sizeof(kSliceBounds[0]);

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
bool get_u32(const uint8_t* data, size_t size, size_t* pos, uint32_t* v) {
  if (size - *pos < 4 || *pos > size) return false;
  *v = 0;
  for (int i = 0; i < 4; ++i) *v |= static_cast<uint32_t>(data[*pos + i]) << (8 * i);
  *pos += 4;
  return true;
}

}  // namespace

bool Vocabulary::build(VocabType type, const uint8_t* blob, size_t blob_size,
                       const uint32_t* lengths, const uint8_t* flags, uint32_t token_count,
                       uint32_t vocab_size, const int32_t* stop, uint32_t stop_count,
                       bool lengths_in_bytes, std::string* error) {
  if (vocab_size < token_count) {
    *error = "vocabSize is smaller than the tokenizer's token count";
    return false;
  }
  if (token_count >= (1u << 24) - 1) {
    *error = "too many tokens (at most 16777214)";
    return false;
  }
  type_ = type;
  vocab_size_ = vocab_size;
  token_count_ = token_count;
  kinds_.assign(vocab_size, kPadding);
  offsets_.assign(static_cast<size_t>(vocab_size) + 1, 0);
  // Decoded bytes are never longer than their text (decode_token): one allocation, cut to size.
  bytes_.resize(blob_size);
  size_t written = 0;
  size_t pos = 0;
  for (uint32_t i = 0; i < token_count; ++i) {
    size_t n = lengths[i];
    if (!lengths_in_bytes) {
      // Convert a UTF-16 length into the UTF-8 byte length of the same text.
      size_t units = 0, b = pos;
      while (units < lengths[i] && b < blob_size) {
        const uint8_t c = blob[b];
        const size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        units += len == 4 ? 2 : 1;
        b += len;
      }
      if (units != lengths[i] || b > blob_size) {
        *error = "token " + std::to_string(i) + ": its text does not match its length";
        return false;
      }
      n = b - pos;
    }
    if (n > blob_size - pos) {
      *error = "token " + std::to_string(i) + ": its length runs past the end of the token data";
      return false;
    }
    offsets_[i] = static_cast<uint32_t>(written);
    const uint8_t f = flags[i];
    if (!(f & 4)) {
      written += decode_token(type, (f & 2) != 0, blob + pos, n, bytes_.data() + written);
      kinds_[i] = (f & 1) ? kSpecial : kNormal;
    }
    pos += n;
  }
  bytes_.resize(written);
  bytes_.shrink_to_fit();
  for (uint32_t i = token_count; i <= vocab_size; ++i) offsets_[i] = static_cast<uint32_t>(written);
  stop_ids_.clear();
  for (uint32_t i = 0; i < stop_count; ++i) {
    if (stop[i] < 0 || static_cast<uint32_t>(stop[i]) >= token_count ||
        kinds_[static_cast<uint32_t>(stop[i])] == kPadding) {
      *error = "stop token id " + std::to_string(stop[i]) + " is not a token of the vocabulary";
      return false;
    }
    kinds_[static_cast<uint32_t>(stop[i])] = kStop;
  }
  finish();
  return true;
}

void Vocabulary::finish() {
  stop_ids_.clear();
  special_ids_.clear();
  empty_tokens_.clear();
  max_token_length_ = 0;
  for (uint32_t i = 0; i < vocab_size_; ++i) {
    if (kinds_[i] == kStop) stop_ids_.push_back(static_cast<int32_t>(i));
    if (kinds_[i] == kSpecial) special_ids_.push_back(static_cast<int32_t>(i));
    if (kinds_[i] == kNormal) max_token_length_ = std::max(max_token_length_, token_length(i));
  }
  // Assign normal tokens to slices; empty tokens go to no trie (they are handled by the matcher).
  std::vector<std::vector<uint32_t>> members(kJsonSlices + 1);
  std::vector<uint32_t> longest(kJsonSlices + 1, 0);
  for (uint32_t i = 0; i < vocab_size_; ++i) {
    if (kinds_[i] != kNormal) continue;
    if (token_length(i) == 0) {
      empty_tokens_.push_back(i);
      continue;
    }
    const uint32_t chars = json_char_count(token_bytes(i), token_length(i));
    size_t slice = kJsonSlices;
    for (size_t s = 0; s < kJsonSlices && chars > 0; ++s) {
      if (chars >= kSliceBounds[s][0] && chars <= kSliceBounds[s][1]) {
        slice = s;
        break;
      }
    }
    members[slice].push_back(i);
    longest[slice] = std::max(longest[slice], slice < kJsonSlices ? chars : 0u);
  }
  slices_.assign(kJsonSlices + 1, Slice());
  same_bytes_.clear();
  for (size_t s = 0; s <= kJsonSlices; ++s) {
    Slice& slice = slices_[s];
    slice.json_chars = s < kJsonSlices;
    slice.min_chars = s < kJsonSlices ? kSliceBounds[s][0] : 0;
    slice.max_chars = s < kJsonSlices ? kSliceBounds[s][1] : 0;
    slice.longest_chars = longest[s];
    slice.bitmask.assign(vocab_words(), 0);
    std::vector<uint32_t>& ids = members[s];
    slice.token_count = static_cast<uint32_t>(ids.size());
    // Sort by the first 8 bytes as a big-endian integer, then by the rest: most comparisons are
    // one integer compare on contiguous memory (a memcmp on every comparison was the cost).
    struct Keyed {
      uint64_t key;
      uint32_t id;
    };
    std::vector<Keyed> keyed(ids.size());
    for (size_t k = 0; k < ids.size(); ++k) {
      const uint8_t* b = token_bytes(ids[k]);
      const uint32_t len = token_length(ids[k]);
      uint64_t key = 0;
      for (uint32_t d = 0; d < 8; ++d) key = (key << 8) | (d < len ? b[d] : 0);
      keyed[k] = {key, ids[k]};
    }
    std::sort(keyed.begin(), keyed.end(), [this](const Keyed& x, const Keyed& y) {
      if (x.key != y.key) return x.key < y.key;
      const uint32_t la = token_length(x.id), lb = token_length(y.id);
      if (la > 8 || lb > 8) {
        const uint32_t common = std::min(la, lb);
        if (common > 8) {
          const int c = std::memcmp(token_bytes(x.id) + 8, token_bytes(y.id) + 8, common - 8);
          if (c != 0) return c < 0;
        }
      }
      if (la != lb) return la < lb;
      return x.id < y.id;
    });
    for (size_t k = 0; k < ids.size(); ++k) ids[k] = keyed[k].id;
    std::vector<Keyed>().swap(keyed);
    size_t total_bytes = 1;
    for (uint32_t id : ids) total_bytes += token_length(id);
    // Depth-first trie from the sorted strings: the path stack holds node indices by depth.
    Trie& trie = slice.trie;
    trie.label.reserve(total_bytes);
    trie.size.reserve(total_bytes);
    trie.label.assign(1, 0);
    trie.size.assign(1, 0);
    std::vector<uint32_t> path = {0};
    const uint8_t* prev = nullptr;
    uint32_t prev_len = 0;
    int32_t prev_id = -1;
    for (uint32_t id : ids) {
      slice.bitmask[id >> 5] |= 1u << (id & 31);
      const uint8_t* b = token_bytes(id);
      const uint32_t len = token_length(id);
      uint32_t lcp = 0;
      while (lcp < len && lcp < prev_len && b[lcp] == prev[lcp]) ++lcp;
      if (prev != nullptr && lcp == len && len == prev_len) {
        same_bytes_.push_back({static_cast<uint32_t>(prev_id), static_cast<int32_t>(id)});
        prev_id = static_cast<int32_t>(id);
        continue;
      }
      while (path.size() > lcp + 1) {
        const uint32_t node = path.back();
        path.pop_back();
        trie.size[node] = static_cast<uint32_t>(trie.label.size()) - node;
      }
      for (uint32_t d = lcp; d < len; ++d) {
        path.push_back(static_cast<uint32_t>(trie.label.size()));
        trie.label.push_back(b[d]);
        trie.size.push_back(0);
      }
      trie.label[path.back()] = b[len - 1] | ((id + 1) << 8);
      prev = b, prev_len = len, prev_id = static_cast<int32_t>(id);
    }
    while (!path.empty()) {
      const uint32_t node = path.back();
      path.pop_back();
      trie.size[node] = static_cast<uint32_t>(trie.label.size()) - node;
    }
    trie.label.shrink_to_fit();
    trie.size.shrink_to_fit();
    summarize(trie);
  }
  std::sort(same_bytes_.begin(), same_bytes_.end());
}

// The byte sets and depths of the subtrees of kSummaryMin nodes or more (Trie::subtree_bytes,
// subtree_depth), bottom-up: a node's set is its byte and its children's sets, its depth one more
// than its deepest child's, and a child's summary is kept on a stack until its parent is done (a
// node's children follow it in depth-first order).
void Vocabulary::summarize(Trie& trie) {
  const uint32_t n = static_cast<uint32_t>(trie.label.size());
  trie.summarized.clear();
  trie.subtree_bytes.clear();
  trie.subtree_depth.clear();
  struct Open {
    uint32_t node, end, depth;
    uint64_t w[4];
  };
  struct Done {
    uint32_t node, depth;
    std::array<uint64_t, 4> w;
  };
  std::vector<Open> open;
  std::vector<Done> done;
  auto close = [&]() {
    const Open o = open.back();
    open.pop_back();
    if (!open.empty()) {
      for (int k = 0; k < 4; ++k) open.back().w[k] |= o.w[k];
      open.back().depth = std::max(open.back().depth, o.depth + 1);
    }
    if (trie.size[o.node] >= Trie::kSummaryMin)
      done.push_back({o.node, o.depth, {o.w[0], o.w[1], o.w[2], o.w[3]}});
  };
  for (uint32_t i = 1; i < n; ++i) {
    while (!open.empty() && i >= open.back().end) close();
    Open o{i, i + trie.size[i], 1, {0, 0, 0, 0}};
    const uint8_t b = Trie::byte_of(trie.label[i]);
    o.w[b >> 6] |= 1ull << (b & 63);
    open.push_back(o);
  }
  while (!open.empty()) close();
  std::sort(done.begin(), done.end(), [](const Done& a, const Done& b) { return a.node < b.node; });
  trie.summarized.reserve(done.size());
  trie.subtree_bytes.reserve(done.size() * 4);
  trie.subtree_depth.reserve(done.size());
  for (const Done& d : done) {
    trie.summarized.push_back(d.node);
    trie.subtree_bytes.insert(trie.subtree_bytes.end(), d.w.begin(), d.w.end());
    trie.subtree_depth.push_back(d.depth);
  }
}

int32_t Vocabulary::next_same_bytes(uint32_t id) const {
  if (same_bytes_.empty()) return -1;
  auto it = std::lower_bound(same_bytes_.begin(), same_bytes_.end(),
                             std::pair<uint32_t, int32_t>(id, INT32_MIN));
  return it != same_bytes_.end() && it->first == id ? it->second : -1;
}

std::vector<uint8_t> Vocabulary::serialize() const {
  std::vector<uint8_t> out = {'L', 'K', 'T', 'I'};
  put_u32(out, 1);  // format version
  out.push_back(static_cast<uint8_t>(type_));
  put_u32(out, vocab_size_);
  put_u32(out, token_count_);
  out.insert(out.end(), kinds_.begin(), kinds_.end());
  for (uint32_t i = 0; i < vocab_size_; ++i) put_u32(out, token_length(i));
  out.insert(out.end(), bytes_.begin(), bytes_.end());
  return out;
}

bool Vocabulary::deserialize(const uint8_t* data, size_t size, std::string* error) {
  size_t pos = 4;
  uint32_t version = 0, vocab = 0, count = 0;
  if (size < 9 || std::memcmp(data, "LKTI", 4) != 0 || !get_u32(data, size, &pos, &version) ||
      version != 1) {
    *error = "not a serialized TokenizerInfo (bad header or version)";
    return false;
  }
  const uint8_t type = data[pos++];
  if (type > 2 || !get_u32(data, size, &pos, &vocab) || !get_u32(data, size, &pos, &count) ||
      count > vocab || size - pos < static_cast<size_t>(vocab) * 5) {
    *error = "serialized TokenizerInfo is truncated or inconsistent";
    return false;
  }
  type_ = static_cast<VocabType>(type);
  vocab_size_ = vocab;
  token_count_ = count;
  kinds_.assign(data + pos, data + pos + vocab);
  pos += vocab;
  offsets_.assign(static_cast<size_t>(vocab) + 1, 0);
  uint64_t total = 0;
  for (uint32_t i = 0; i < vocab; ++i) {
    uint32_t len = 0;
    get_u32(data, size, &pos, &len);
    if (kinds_[i] > kPadding) {
      *error = "serialized TokenizerInfo has an unknown token kind";
      return false;
    }
    offsets_[i] = static_cast<uint32_t>(total);
    total += len;
    if (total > size - pos) {
      *error = "serialized TokenizerInfo is truncated";
      return false;
    }
  }
  offsets_[vocab] = static_cast<uint32_t>(total);
  bytes_.assign(data + pos, data + pos + total);
  finish();
  return true;
}

size_t Vocabulary::memory_bytes() const {
  size_t total = kinds_.capacity() + offsets_.capacity() * 4 + bytes_.capacity();
  for (const Slice& s : slices_)
    total += s.trie.label.capacity() * 4 + s.trie.size.capacity() * 4 + s.bitmask.capacity() * 4 +
             s.trie.summarized.capacity() * 4 + s.trie.subtree_bytes.capacity() * 8 +
             s.trie.subtree_depth.capacity() * 4;
  return total;
}

}  // namespace logitkit::grammar
