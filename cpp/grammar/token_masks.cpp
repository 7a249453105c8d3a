#include "token_masks.h"

#include <algorithm>

#include "utf8.h"

namespace logitkit::grammar {
namespace {

// The UTF-8 byte-range sequences of [^"\\\x00-\x1F\x7F]: the characters of the JSON slices.
const std::vector<Utf8Sequence>& json_char_sequences() {
  static const std::vector<Utf8Sequence> seqs = [] {
    std::vector<Utf8Sequence> out;
    utf8_sequences(0x20, 0x21, out);
    utf8_sequences(0x23, 0x5B, out);
    utf8_sequences(0x5D, 0x7E, out);
    utf8_sequences(0x80, 0x10FFFF, out);
    return out;
  }();
  return seqs;
}

void add_unique(std::vector<uint32_t>& v, uint32_t x) {
  if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
}

}  // namespace

TokenMasks::TokenMasks(std::shared_ptr<const Vocabulary> vocab, CompiledGrammar* grammar)
    : vocab_(std::move(vocab)), grammar_(grammar) {}

TokenMasks::~TokenMasks() {
  for (LocalMask* m : cache_) delete m;
}

// The largest J such that every string of 1..J JSON characters is consumed from q by byte
// transitions (UINT32_MAX: any length). Gives up (returns what it has proved) past 32 characters
// or when the reachable set grows past 16 states: the answer is then smaller, never wrong.
uint32_t TokenMasks::json_run_limit(uint32_t q) {
  const auto& seqs = json_char_sequences();
  std::vector<uint32_t> frontier = {q}, seen = {q};
  for (uint32_t j = 1; j <= 32; ++j) {
    std::vector<uint32_t> next;
    for (uint32_t s : frontier) {
      for (const Utf8Sequence& seq : seqs) {
        std::vector<uint32_t> cur = {s};
        for (uint8_t k = 0; k < seq.length; ++k) {
          std::vector<uint32_t> step;
          for (uint32_t st : cur) {
            for (uint32_t b = seq.lo[k]; b <= seq.hi[k]; ++b) {
              const int32_t t = grammar_->next(st, static_cast<uint8_t>(b));
              if (t < 0) return j - 1;
              add_unique(step, static_cast<uint32_t>(t));
            }
          }
          cur.swap(step);
          if (cur.size() > 16) return j - 1;
        }
        for (uint32_t t : cur) add_unique(next, t);
      }
    }
    std::vector<uint32_t> fresh;
    for (uint32_t t : next)
      if (std::find(seen.begin(), seen.end(), t) == seen.end())
        fresh.push_back(t), seen.push_back(t);
    if (fresh.empty()) return UINT32_MAX;
    if (seen.size() > 16) return j;
    frontier.swap(fresh);
  }
  return 32;
}

void TokenMasks::walk(uint32_t q, uint32_t slice_index, LocalMask& out) {
  const Trie& trie = vocab_->slices()[slice_index].trie;
  const uint32_t n = static_cast<uint32_t>(trie.label.size());
  const uint32_t* label = trie.label.data();
  const uint32_t* size = trie.size.data();
  path_state_.assign(1, q);
  path_end_.assign(1, n);
  uint32_t i = 1;
  while (i < n) {
    while (i >= path_end_.back()) path_end_.pop_back(), path_state_.pop_back();
    const uint32_t cur = path_state_.back();
    const uint32_t lab = label[i];
    const uint8_t b = Trie::byte_of(lab);
    if (path_state_.size() > 1 && grammar_->exit_bytes(cur).has(b))
      out.exits.push_back({slice_index, i, cur});
    const int32_t t = grammar_->next(cur, b);
    if (t < 0) {
      i += size[i];
      continue;
    }
    const int32_t token = Trie::token_of(lab);
    if (token >= 0) {
      out.tokens.push_back(static_cast<uint32_t>(token));
      for (int32_t d = vocab_->next_same_bytes(static_cast<uint32_t>(token)); d >= 0;
           d = vocab_->next_same_bytes(static_cast<uint32_t>(d)))
        out.tokens.push_back(static_cast<uint32_t>(d));
    }
    if (size[i] > 1) {
      path_state_.push_back(static_cast<uint32_t>(t));
      path_end_.push_back(i + size[i]);
    }
    ++i;
  }
}

const LocalMask& TokenMasks::local(uint32_t q) {
  if (q >= cache_.size())
    cache_.resize(grammar_->state_count() > q ? grammar_->state_count() : q + 1, nullptr);
  if (cache_[q] != nullptr) return *cache_[q];
  LocalMask* m = new LocalMask();
  const auto& slices = vocab_->slices();
  uint32_t limit = 0;
  bool limit_known = false;
  for (uint32_t s = 0; s < slices.size(); ++s) {
    const Slice& slice = slices[s];
    if (slice.token_count == 0) continue;
    if (slice.json_chars) {
      if (!limit_known) limit = json_run_limit(q), limit_known = true;
      if (slice.max_chars <= limit) {
        m->whole_slices |= 1u << s;
        continue;
      }
    }
    walk(q, s, *m);
  }
  cache_[q] = m;
  return *m;
}

size_t TokenMasks::memory_bytes() const {
  size_t total = cache_.capacity() * sizeof(void*);
  for (const LocalMask* m : cache_)
    if (m)
      total += sizeof(LocalMask) + m->tokens.capacity() * 4 +
               m->exits.capacity() * sizeof(LocalMask::Exit);
  return total;
}

}  // namespace logitkit::grammar
