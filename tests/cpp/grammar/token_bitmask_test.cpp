// doctest for the bitmask of a local mask (token_masks.h, LocalMask::any_bits): the tokens a DFA
// state outside counted loops consumes whole are kept as one bit each once they outnumber the
// vocabulary's bitmask words, not as a list of 4-byte ids (a `format: uri` state consumes ~100k
// of Llama 3's tokens), and the masks built from it stay exact. Checked by the local masks' memory
// and every mask bit against accept_token.
#include <doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "grammar_support.h"

using namespace logitkit::grammar;
using namespace logitkit::grammar::test;

TEST_CASE("token masks: a state that consumes most of the vocabulary keeps a bitmask") {
  // Every string of one to three letters of a-h (584 tokens, 19 bitmask words), the separators,
  // and tokens that cross them.
  std::vector<std::string> tokens = {"x", ".", "x.", "a.", ".b", "ab.c", "\"", "1"};
  const std::string letters = "abcdefgh";
  size_t letter_tokens = 0;
  for (char a : letters) {
    tokens.push_back(std::string(1, a));
    for (char b : letters) {
      tokens.push_back(std::string{a, b});
      for (char c : letters) tokens.push_back(std::string{a, b, c});
    }
  }
  letter_tokens = tokens.size() - 8;
  auto v = make_vocab(tokens);
  auto g = bind_grammar(v, "root ::= \"x\" [a-h]* (\".\" [a-h]+)* \"1\"?\n");
  Matcher m(g, false);
  REQUIRE(m.accept_token(0));  // "x": the state loops on a-h, '.' leaves and comes back
  const size_t before = g->masks->memory_bytes();
  std::vector<uint32_t> mask(v->vocab_words());
  m.fill_mask(mask.data());
  const size_t after = g->masks->memory_bytes();
  for (uint32_t id = 8; id < tokens.size(); ++id) CHECK(allowed(mask, id));
  // A list of the consumed ids alone takes 4 bytes a token (2,336 bytes): this mask's first visit
  // grew the local masks by 2,809 bytes with one, by 545 with the bitmask (76 bytes).
  CHECK(after - before < letter_tokens * 4);
  // Every mask bit against accept_token: bitmask states, the '.' and '1' states, the end.
  check_masks_by_acceptance(g, 5, 12, 12);
}
