// Helpers of the grammar engine's doctest files: a raw vocabulary from strings, a GBNF grammar
// bound to it, and the brute-force mask check (every mask bit against accept_token on a fork).
#pragma once

#include <doctest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "grammar.h"
#include "matcher.h"
#include "vocabulary.h"

namespace logitkit::grammar::test {

// A raw vocabulary from strings; ids listed in `special` are special, `stop` are stop tokens.
inline std::shared_ptr<Vocabulary> make_vocab(const std::vector<std::string>& tokens,
                                              const std::vector<int32_t>& stop = {},
                                              const std::vector<int32_t>& special = {},
                                              uint32_t vocab_size = 0) {
  std::string blob;
  std::vector<uint32_t> lengths;
  std::vector<uint8_t> flags;
  for (size_t i = 0; i < tokens.size(); ++i) {
    blob += tokens[i];
    lengths.push_back(static_cast<uint32_t>(tokens[i].size()));
    uint8_t f = 0;
    for (int32_t s : special) f |= static_cast<size_t>(s) == i ? 1 : 0;
    flags.push_back(f);
  }
  auto v = std::make_shared<Vocabulary>();
  std::string error;
  const uint32_t n = static_cast<uint32_t>(tokens.size());
  REQUIRE(v->build(VocabType::kRaw, reinterpret_cast<const uint8_t*>(blob.data()), blob.size(),
                   lengths.data(), flags.data(), n, vocab_size ? vocab_size : n, stop.data(),
                   static_cast<uint32_t>(stop.size()), true, &error));
  return v;
}

inline std::shared_ptr<BoundGrammar> bind_grammar(const std::shared_ptr<Vocabulary>& v,
                                                  const std::string& gbnf,
                                                  uint32_t max_states = 2000000) {
  GrammarError error;
  CompileOptions options;
  options.max_states = max_states;
  CompiledGrammar* g = CompiledGrammar::compile(gbnf, "root", options, &error);
  INFO(error.message);
  REQUIRE(g != nullptr);
  return std::make_shared<BoundGrammar>(v, g);
}

inline bool allowed(const std::vector<uint32_t>& mask, uint32_t id) {
  return (mask[id >> 5] >> (id & 31)) & 1;
}

// Every mask bit equals whether accept_token succeeds on a fork, along `steps` random walks.
inline void check_masks_by_acceptance(const std::shared_ptr<BoundGrammar>& g, uint32_t seed,
                                      int walks, int max_len) {
  std::mt19937 rng(seed);
  const uint32_t vocab = g->vocab->vocab_size();
  std::vector<uint32_t> mask(g->vocab->vocab_words());
  for (int w = 0; w < walks; ++w) {
    Matcher m(g, false);
    for (int step = 0; step < max_len && !m.is_terminated(); ++step) {
      m.fill_mask(mask.data());
      std::vector<uint32_t> ok;
      for (uint32_t id = 0; id < vocab; ++id) {
        std::unique_ptr<Matcher> f(m.fork());
        const bool accepted = f->accept_token(id);
        if (accepted != allowed(mask, id)) {
          FAIL_CHECK("mask bit of token " << id << " is " << allowed(mask, id)
                                          << " but accept_token says " << accepted << " (walk " << w
                                          << ", step " << step << ")");
          return;
        }
        if (accepted) ok.push_back(id);
      }
      if (ok.empty()) break;
      REQUIRE(m.accept_token(ok[rng() % ok.size()]));
    }
  }
}

}  // namespace logitkit::grammar::test
