// doctest for the cost model of the token masks (token_masks.h), by the work counters of
// TokenMasks::stats(), not by time: a state that loops on every byte of a trie subtree takes it
// whole, and the walk paths of a long counted loop do not multiply with the depth. Each case also
// checks its masks bit for bit against accept_token.
#include <doctest.h>

#include <string>
#include <vector>

#include "grammar_support.h"

using namespace logitkit::grammar;
using namespace logitkit::grammar::test;

namespace {

// Every string of 1 to 3 lowercase letters (18,278 tokens), then `extra`.
std::vector<std::string> letter_tokens(const std::vector<std::string>& extra) {
  std::vector<std::string> tokens;
  std::string s;
  for (char a = 'a'; a <= 'z'; ++a) {
    tokens.push_back(std::string(1, a));
    for (char b = 'a'; b <= 'z'; ++b) {
      tokens.push_back(std::string{a, b});
      for (char c = 'a'; c <= 'z'; ++c) tokens.push_back(std::string{a, b, c});
    }
  }
  tokens.insert(tokens.end(), extra.begin(), extra.end());
  return tokens;
}

}  // namespace

TEST_CASE("masks: a trie subtree the state loops on is taken whole, not stepped") {
  const std::vector<std::string> tokens =
      letter_tokens({"!", "a!", "ab!", "!a", "1", "a1b", "(", ")", "ab)", "a(b", "x)(", "<eos>"});
  auto v = make_vocab(tokens, {static_cast<int32_t>(tokens.size() - 1)});
  {
    auto g = bind_grammar(v, "root ::= [a-z]* \"!\"");
    Matcher m(g, false);
    std::vector<uint32_t> mask(v->vocab_words());
    m.fill_mask(mask.data());
    const TokenMasks::Stats& st = g->masks->stats();
    // Stepping every letter token's node is 18,278 DFA steps; below the first letter every
    // subtree is all letters, which the state after a letter loops on.
    CHECK(st.trie_nodes < 1000);
    CHECK(st.skipped_nodes >= 18000);
    for (uint32_t id = 0; id < 18278; ++id) CHECK(allowed(mask, id));
    check_masks_by_acceptance(g, 3, 2, 4);
  }
  {
    // Recursive: `)` is an exit byte of the letter loop (the nested root completes there), so a
    // subtree holding it is stepped, and the tokens that cross it are walked by the parser.
    auto g = bind_grammar(v, "root ::= [a-z]* (\"(\" root \")\")? \"!\"?");
    Matcher m(g, false);
    std::vector<uint32_t> mask(v->vocab_words());
    m.fill_mask(mask.data());
    CHECK(g->masks->stats().skipped_nodes >= 18000);
    check_masks_by_acceptance(g, 5, 3, 5);
  }
}

TEST_CASE("masks: the walk paths of long counted loops stay few") {
  // Tokens of 1 to 64 `a`s: one chain 64 nodes deep. The first loop is left only at its bound, so
  // at every byte one more item counter (the one reaching 50 there) enters the second loop: a path
  // per item counter, at depth d one per earlier byte. Those paths are one relative path (their
  // counter minus the item counter is the same), so the steps grow with the depth, not its square.
  std::vector<std::string> tokens;
  for (int n = 1; n <= 64; ++n) tokens.push_back(std::string(static_cast<size_t>(n), 'a'));
  tokens.push_back("!");
  tokens.push_back("<eos>");
  auto v = make_vocab(tokens, {static_cast<int32_t>(tokens.size() - 1)});
  auto g = bind_grammar(v, "root ::= \"a\"{50,50} \"a\"{0,50} \"!\"");
  Matcher m(g, false);
  std::vector<uint32_t> mask(v->vocab_words());
  for (int i = 0; i < 3; ++i) {
    m.fill_mask(mask.data());
    REQUIRE(m.accept_token(9));  // 10 `a`s
  }
  m.fill_mask(mask.data());
  // 575 path steps; 4,246 when each item counter at the first loop's bound kept a path of its own.
  CHECK(g->masks->stats().path_steps < 1200);
  check_masks_by_acceptance(g, 9, 4, 12);
}
