// The grammar matcher: an Earley parser over bytes whose items are (DFA state, origin set, loop
// counter), on the automata of grammar.h, and the token-mask computation over the vocabulary's
// tries. The counter counts the iterations of the counted loop the item's DFA state is in (0 when
// it is in none).
//
// Mask of the current parser state (the last Earley set K): for every item (q, o, c) of K with byte
// transitions, the cached local mask of q (token_masks.h) at counter c, plus, for each of q's exit
// points valid at c, a walk of the exit node's trie subtree by the Earley parser started from the
// exit's item — the only part that depends on the rest of the parser state. Stop tokens are allowed
// exactly when the root rule can complete at K; special and padding tokens never.
//
// Exactness argument: a token's bytes are scanned from K either entirely along one item's DFA
// transitions (the local mask), or they leave those transitions after k >= 1 bytes through a
// completion or a prediction, i.e. at an exit point (k = 0 departures are the other items of K).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "grammar.h"
#include "token_masks.h"
#include "vocabulary.h"

namespace logitkit::grammar {

/** A compiled grammar bound to a vocabulary, with its mask caches (shared by its matchers). */
struct BoundGrammar {
  std::shared_ptr<const Vocabulary> vocab;
  std::unique_ptr<CompiledGrammar> grammar;
  std::unique_ptr<TokenMasks> masks;
  BoundGrammar(std::shared_ptr<const Vocabulary> v, CompiledGrammar* g)
      : vocab(std::move(v)), grammar(g), masks(new TokenMasks(vocab, g)) {}
};

class Matcher {
 public:
  Matcher(std::shared_ptr<BoundGrammar> grammar, bool terminate_without_stop_token);

  /** Accepts one token; false (state unchanged) when the grammar does not allow it. */
  bool accept_token(uint32_t id);
  /** Accepts bytes as one history entry (rollback(1) undoes it); false leaves the state unchanged.
   */
  bool accept_bytes(const uint8_t* bytes, size_t n);
  /** Writes ceil(vocab / 32) words: bit (id & 31) of word (id >> 5) set when id is allowed. */
  void fill_mask(uint32_t* out);
  /** The bytes the grammar forces next (cut at the last complete UTF-8 character). */
  std::string jump_forward();
  /** Undoes the last n accepted tokens / strings; false when fewer were accepted. */
  bool rollback(uint32_t n);
  void reset();
  Matcher* fork() const;
  bool is_terminated() const;
  /** The root rule can complete here (a stop token would be accepted). */
  bool can_end() const;
  /** Tokens (and strings) accepted since the last reset. */
  uint32_t history_size() const { return static_cast<uint32_t>(history_.size()); }
  /** The DFA outgrew maxStates: masks and acceptance can no longer be trusted. */
  bool over_budget() const { return g_->grammar->over_budget(); }
  const BoundGrammar& bound() const { return *g_; }
  /** Items of the current Earley set: the parser state a mask and the next byte work through. */
  uint32_t current_set_size() const {
    return set_begin_[set_count()] - set_begin_[set_count() - 1];
  }

 private:
  struct Item {
    uint32_t state;
    uint32_t origin;
    uint32_t counter;
    bool operator==(const Item& o) const {
      return state == o.state && origin == o.origin && counter == o.counter;
    }
  };
  uint32_t set_count() const { return static_cast<uint32_t>(set_begin_.size() - 1); }
  void begin_set();
  void add(uint32_t state, uint32_t origin, uint32_t counter);
  void add_code(int32_t code, uint32_t origin, uint32_t counter);
  void close_set(uint32_t set);
  // Removes from the set being built every item a smaller counter of the same (state, origin)
  // dominates (CompiledGrammar::counter_floor): nested counted loops would otherwise keep one item
  // per reachable counter combination, growing each set (and each mask) with the input's length.
  void drop_dominated(uint32_t set);
  bool scan(uint8_t byte, const Item* skip = nullptr);
  void pop_set();
  bool set_can_end(uint32_t set) const;
  // The Earley walks below exits exits_[begin, end) of `m`, which share one seed item (state,
  // origin, counter): the seed's closure is built once for all of them.
  void walk_exits(const LocalMask& m, size_t begin, size_t end, uint32_t origin, uint32_t* out);

  std::shared_ptr<BoundGrammar> g_;
  CompiledGrammar* grammar_;
  bool terminate_without_stop_;
  bool terminated_ = false;
  std::vector<Item> items_;
  std::vector<uint32_t> set_begin_;    // set k = items_[set_begin_[k], set_begin_[k + 1])
  std::vector<uint32_t> history_;      // set count before each accepted token / string
  std::vector<uint8_t> history_stop_;  // whether that entry was a stop token
  // Deduplication of the set being built: open addressing over items, stamped per set.
  std::vector<Item> dedup_key_;
  std::vector<uint32_t> dedup_stamp_;
  uint32_t dedup_now_ = 0;
  std::vector<std::pair<uint64_t, uint32_t>> dominance_;    // drop_dominated: ((state, origin), c)
  std::vector<std::pair<uint32_t, uint32_t>> seen_states_;  // fill_mask: (state, counter) done
  struct ExitRef {
    uint32_t state, counter, index;  // the seed item's state and counter; the exit in exits
    bool operator<(const ExitRef& o) const {
      return state != o.state       ? state < o.state
             : counter != o.counter ? counter < o.counter
                                    : index < o.index;
    }
  };
  std::vector<ExitRef> exits_;  // fill_mask: an item's exits to walk, by seed
};

}  // namespace logitkit::grammar
