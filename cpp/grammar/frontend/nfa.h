// Thompson automata over code-point sets, built from anchor-free Re values: for matching a value
// against a pattern (enum values, property names), and as the first step towards a DFA.
#pragma once
#include <cstdint>
#include <string_view>
#include <vector>

#include "charset.h"
#include "regex.h"

namespace logitkit::grammar {

struct Nfa {
  struct State {
    CharSet set;                   // consumed on the edge to `next` (when !epsilon_only)
    int32_t next = -1;             // target of the set edge
    std::vector<int32_t> epsilon;  // epsilon edges
  };
  std::vector<State> states;
  int32_t start = 0, accept = 0;
};

// Builds the automaton of an anchor-free Re. Counted repetitions are unrolled; false (and an
// empty automaton) when that would need more than `max_states` states.
bool build_nfa(const Re& re, size_t max_states, Nfa* out);

// Whether the automaton accepts the UTF-8 string `text` as a whole.
bool nfa_matches(const Nfa& nfa, std::string_view text);

// The epsilon closure of `states`, sorted and without duplicates.
std::vector<int32_t> nfa_closure(const Nfa& nfa, std::vector<int32_t> states);

}  // namespace logitkit::grammar
