// Per-DFA-state token sets, computed on first use and cached for the life of a compiled grammar.
//
// For a DFA state q, local(q) holds:
//  - the tokens whose bytes the DFA consumes entirely from q by byte transitions: allowed for any
//    parser item at q, whatever the rest of the parser state (every DFA state can complete);
//  - the exit points: trie nodes where, after k >= 1 bytes, the DFA is at a state that can complete
//    its rule or call another one, and the next byte may be scanned that way (exit_bytes). Tokens
//    below an exit point depend on the parser state, so the matcher walks those subtrees with its
//    Earley parser (matcher.cpp).
// A slice of the vocabulary (vocabulary.h) is taken whole, without a walk, when every string of the
// slice's characters and lengths is consumed from q (checked on the DFA, character by character).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "grammar.h"
#include "vocabulary.h"

namespace logitkit::grammar {

struct LocalMask {
  uint32_t whole_slices = 0;     // bit s: every token of slice s is consumed from the state
  std::vector<uint32_t> tokens;  // other tokens consumed from the state
  struct Exit {
    uint32_t slice;
    uint32_t node;   // the trie node whose byte is the first one scanned after the exit
    uint32_t state;  // the DFA state before that byte
  };
  std::vector<Exit> exits;
};

class TokenMasks {
 public:
  TokenMasks(std::shared_ptr<const Vocabulary> vocab, CompiledGrammar* grammar);
  ~TokenMasks();
  /** The cached local mask of DFA state q (computed on first use). */
  const LocalMask& local(uint32_t q);
  const Vocabulary& vocab() const { return *vocab_; }
  size_t memory_bytes() const;

 private:
  uint32_t json_run_limit(uint32_t q);
  void walk(uint32_t q, uint32_t slice, LocalMask& out);

  std::shared_ptr<const Vocabulary> vocab_;
  CompiledGrammar* grammar_;
  std::vector<LocalMask*> cache_;
  std::vector<uint32_t> path_state_, path_end_;
};

}  // namespace logitkit::grammar
