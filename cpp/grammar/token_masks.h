// Per-DFA-state token sets, computed on first use and cached for the life of a compiled grammar.
//
// For a DFA state q, local(q) holds:
//  - the tokens whose bytes the DFA consumes entirely from q by transitions: allowed for any parser
//    item at q, whatever the rest of the parser state (every DFA state can complete);
//  - the exit points: trie nodes where, after k >= 1 bytes, the DFA is at a state that can complete
//    its rule or call another one, and the next byte may be scanned that way (exit_bytes). Tokens
//    below an exit point depend on the parser state, so the matcher walks those subtrees with its
//    Earley parser (matcher.cpp). A transition with several results (grammar.h) continues as one
//    walk path per result, as the Earley parser scans them (one item each).
// A slice of the vocabulary (vocabulary.h) is taken whole, without a walk, when every string of the
// slice's characters and lengths is consumed from q (checked on the DFA, character by character).
//
// Counters. Items at a state with loop members carry a counter c (grammar.h), and whether a token
// is consumed depends on c: `[^"]{0,100}` takes a 10-character token only while c <= 90. The walk
// keeps c symbolic: every token, exit and whole slice comes with the range of c it holds for (a
// CounterRange; zones split a path where needed). So one walk per DFA state serves every counter,
// and the matcher selects by the item's counter. A slice that is whole only for part of the counter
// range is walked too, lazily, the first time an item needs it (prepare()).
//
// Inside counted loops a trie subtree is taken whole (its tokens held for a counter range, no node
// stepped) when the state loops on every byte of it (none an exit byte) in every zone the counter
// can reach within the subtree's depth: `[A-Za-z0-9-]{0,61}` takes a 60-deep subtree of letters
// whole for item counters up to its bound less that depth. The counters closer to the bound are
// kept as a deferred walk of the subtree, done the first time an item has such a counter.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "grammar.h"
#include "vocabulary.h"

namespace logitkit::grammar {

/** A closed range [lo, hi] of item counters; empty when lo > hi. */
struct CounterRange {
  static constexpr int32_t kLowest = -(1 << 30);
  static constexpr int32_t kHighest = 1 << 30;
  int32_t lo = kLowest;
  int32_t hi = kHighest;
  bool has(int32_t c) const { return lo <= c && c <= hi; }
  bool empty() const { return lo > hi; }
  CounterRange intersect(const CounterRange& o) const {
    return {lo > o.lo ? lo : o.lo, hi < o.hi ? hi : o.hi};
  }
  bool operator==(const CounterRange& o) const { return lo == o.lo && hi == o.hi; }
};

struct LocalMask {
  uint32_t whole_slices = 0;             // bit s: slice s is whole for counters in whole_when[s]
  std::vector<CounterRange> whole_when;  // per slice
  uint32_t walked_slices = 0;            // bit s: slice s's tokens and exits are below
  // Consumed tokens that need no counter, as a bitmask of vocab_words() words, when there are at
  // least as many as words (a `format: uri` state: ~100k tokens, one OR per word, not per token);
  // else empty and those tokens are a group below.
  std::vector<uint32_t> any_bits;
  std::vector<uint32_t> tokens;  // consumed tokens, grouped by the counters they need
  struct Group {
    CounterRange when;
    uint32_t begin, end;  // into tokens
  };
  std::vector<Group> groups;
  struct Exit {
    uint32_t slice;
    uint32_t node;   // the trie node whose byte is the first one scanned after the exit
    uint32_t state;  // the DFA state before that byte
    CounterRange when;
    int32_t counter;  // the counter at the exit: item counter + counter when relative, else this
    bool relative;
  };
  std::vector<Exit> exits;
  // A trie subtree (rooted at `node`) taken whole for part of its walk paths' counters: the walk
  // from the path (q, counter, relative) at its parent, for item counters in `when`, is left to
  // the first item with such a counter (TokenMasks::prepare()).
  struct Deferred {
    uint32_t slice, node, q;
    int32_t counter;
    bool relative, nested, walked;
    CounterRange when;
  };
  std::vector<Deferred> deferred;
  bool whole_at(uint32_t slice, int32_t counter) const {
    return ((whole_slices >> slice) & 1) && whole_when[slice].has(counter);
  }
};

class TokenMasks {
 public:
  TokenMasks(std::shared_ptr<const Vocabulary> vocab, CompiledGrammar* grammar);
  ~TokenMasks();
  /** The cached local mask of DFA state q (computed on first use). */
  LocalMask& local(uint32_t q);
  /**
   * Walks (once) the slices of local(q) that are whole for some counters but not `counter`, and the
   * deferred subtrees whose counters hold `counter`.
   */
  void prepare(uint32_t q, int32_t counter);
  const Vocabulary& vocab() const { return *vocab_; }
  size_t memory_bytes() const;
  /** Work counters since construction: the cost model of a mask, deterministic (for tests). */
  struct Stats {
    uint64_t local_masks = 0;    // local(q) computed (cache misses)
    uint64_t walks = 0;          // slice walks
    uint64_t trie_nodes = 0;     // trie nodes visited by walks (one DFA step each)
    uint64_t path_steps = 0;     // (node, walk path) pairs stepped in counted loops
    uint64_t skipped_nodes = 0;  // trie nodes taken whole: a subtree the state loops on
    uint64_t deferred = 0;       // subtree walks deferred to a counter near a bound (and done)
  };
  const Stats& stats() const { return stats_; }

 private:
  // A walk's position: DFA state and counter (item counter + `counter` when relative), valid for
  // item counters in `when`.
  struct Path {
    uint32_t q;
    int32_t counter;
    bool relative;
    CounterRange when;
    bool operator==(const Path& o) const {
      return q == o.q && counter == o.counter && relative == o.relative && when == o.when;
    }
  };
  struct PathHash {
    size_t operator()(const Path& p) const {
      return (p.q * 0x9E3779B1u) ^ (static_cast<uint32_t>(p.counter) * 0x85EBCA77u) ^
             (static_cast<uint32_t>(p.when.lo) * 0xC2B2AE3Du) ^
             (static_cast<uint32_t>(p.when.hi) * 0x27D4EB2Fu) ^ (p.relative ? 1u : 0u);
    }
  };
  Path root(uint32_t q) const;
  Path child(const Path& from, int32_t single_code, const CounterRange& when) const;
  template <typename Emit>
  void step(const Path& p, uint8_t byte, Emit&& emit);
  std::vector<CounterRange> whole_ranges(uint32_t q);
  bool loops_on(uint32_t q, const uint64_t* bytes);
  const ByteSet& zone_loop_bytes(uint32_t q, uint32_t zone);
  CounterRange looping_items(const Path& p, const uint64_t* bytes, uint32_t depth);
  bool take_whole(uint32_t slice, uint32_t node, uint32_t summary, bool nested, uint32_t begin_path,
                  uint32_t end_path, LocalMask& out);
  void walk(uint32_t q, uint32_t slice, LocalMask& out);
  void walk_paths(uint32_t slice, const Path& start, uint32_t begin, uint32_t end, bool nested,
                  LocalMask& out);
  void group(LocalMask& out);
  void keep_any(LocalMask& out);

  std::shared_ptr<const Vocabulary> vocab_;
  CompiledGrammar* grammar_;
  std::vector<LocalMask*> cache_;
  std::vector<uint32_t> longest_chars_;  // per slice: its longest token in characters (JSON slices)
  std::vector<ByteSet>
      loop_bytes_;  // per DFA state: bytes it loops on (not exit bytes), see walk()
  std::vector<uint8_t> loop_known_;
  std::vector<ByteSet> zone_loop_bytes_;  // per DFA zone (zone_base + z): bytes q stays at q on
  std::vector<uint8_t> zone_loop_known_;  // (counter kept or + 1), none an exit byte
  std::vector<ByteSet> loop_any_;         // per counted DFA state: the union over its zones
  std::vector<uint8_t> loop_any_known_;
  std::vector<CounterRange> ok_;  // take_whole(): per parent path, the counters it takes
  struct Frame {
    uint32_t end;         // trie index past the subtree
    uint32_t begin_path;  // this depth's paths in paths_[begin_path, end_path)
    uint32_t end_path;
  };
  std::vector<Frame> frames_;
  std::vector<uint32_t> level_end_, level_state_;  // walk()'s stack outside counted loops
  std::vector<Path> paths_;
  struct RawToken {
    CounterRange when;
    uint32_t token;
  };
  std::vector<RawToken> raw_;
  std::vector<uint32_t> any_;  // walk(): tokens consumed outside counted loops (any counter)
  std::vector<std::pair<CounterRange, uint32_t>> ranges_;  // walk(): distinct ranges, counts
  std::vector<uint32_t> range_of_, range_slot_;            // per raw token; hash table
  Stats stats_;
};

}  // namespace logitkit::grammar
