// A pattern and a length range on one string: the product of the pattern's automaton with a
// counter of code points, written as GBNF rules (one per reachable, live (state, count) pair).
// Exact for any pattern, where restrict_length (schema_emit.cpp) only handles fixed text around
// one repeated class; its size is the number of live pairs, capped by the caller.
#pragma once
#include <cstdint>
#include <string>

#include "gbnf_writer.h"
#include "json_grammar.h"
#include "regex.h"

namespace logitkit::grammar {

enum class LengthProduct : uint8_t {
  kWritten,  // *out is a GBNF expression for the string content (without the quotes)
  kEmpty,    // no string of the pattern has a length in range
  kTooLarge  // the automaton or the product exceeds max_pairs
};

// The strings of the anchor-free Re `re` whose length in code points lies in [min, max]
// (max == UINT64_MAX: no upper bound), as JSON string content in the spellings `json` allows.
LengthProduct length_product_gbnf(const Re& re, uint64_t min, uint64_t max, size_t max_pairs,
                                  JsonGrammar& json, GbnfWriter& writer, std::string* out);

}  // namespace logitkit::grammar
