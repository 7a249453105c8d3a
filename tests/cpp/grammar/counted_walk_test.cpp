// doctest for the walk of trie subtrees inside counted loops (token_masks.h): at a state of a
// `format: email`-like domain label, `[a-z0-9-]{0,61}`, a subtree of letters loops on the state for
// every item counter at least its depth below the bound, so it is taken whole for those counters
// instead of stepped node by node, and its walk for the counters near the bound is deferred until
// an item has one. Checked by counts (trie nodes stepped, nodes taken whole, deferred walks) and
// every mask bit against accept_token, near the bound too.
#include <doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "frontend/frontend.h"
#include "grammar_support.h"

using namespace logitkit::grammar;
using namespace logitkit::grammar::test;

namespace {

// Every mask bit of m's current state equals whether accept_token succeeds on a fork.
void check_mask_here(const std::shared_ptr<BoundGrammar>& g, Matcher& m) {
  std::vector<uint32_t> mask(g->vocab->vocab_words());
  m.fill_mask(mask.data());
  for (uint32_t id = 0; id < g->vocab->vocab_size(); ++id) {
    std::unique_ptr<Matcher> f(m.fork());
    INFO("token " << id);
    CHECK(f->accept_token(id) == allowed(mask, id));
  }
}

}  // namespace

TEST_CASE("token masks: subtrees inside a counted loop are taken whole below its bound") {
  // Every string of one to three letters of a-h, a 16-letter run (a subtree 16 deep), the
  // separators and two tokens that leave the label.
  std::vector<std::string> tokens = {"\"", "@", ".", "-", "a-b", ".com", "abcdefghabcdefgh"};
  const std::string letters = "abcdefgh";
  for (char a : letters) {
    tokens.push_back(std::string(1, a));
    for (char b : letters) {
      tokens.push_back(std::string{a, b});
      for (char c : letters) tokens.push_back(std::string{a, b, c});
    }
  }
  auto v = make_vocab(tokens);
  // The JSON Schema front end's `format: email`: domain labels [A-Za-z0-9](?:[A-Za-z0-9-]{0,61}
  // [A-Za-z0-9])?, a counted loop.
  const FrontendResult fr =
      json_schema_to_gbnf("{\"type\":\"string\",\"format\":\"email\"}", JsonSchemaOptions());
  REQUIRE(fr.ok);
  GrammarError error;
  CompiledGrammar* compiled = CompiledGrammar::compile(fr.gbnf, fr.root, CompileOptions(), &error);
  INFO(error.message);
  REQUIRE(compiled != nullptr);
  auto g = std::make_shared<BoundGrammar>(v, compiled);
  auto id = [&](const std::string& t) {
    for (uint32_t i = 0; i < tokens.size(); ++i)
      if (tokens[i] == t) return i;
    FAIL("no token " << t);
    return 0u;
  };
  Matcher m(g, false);
  // `"a@bc`: inside the first domain label, two items: one in the counted loop (counter 1), one
  // that re-enters it (a transition with several results).
  for (const char* t : {"\"", "a", "@", "b", "c"}) REQUIRE(m.accept_token(id(t)));
  const TokenMasks::Stats before = g->masks->stats();
  check_mask_here(g, m);
  const TokenMasks::Stats first = g->masks->stats();
  // The loop item's state loops on every letter for counters up to the bound less a subtree's
  // depth: the letters' subtrees of 3-character tokens (73 nodes) and the 16-letter run are
  // taken whole there, 527 nodes. Stepped node by node (no subtree taken whole in a counted
  // loop), this mask stepped 1,377 nodes; now 850 (the other item's walk).
  CHECK(first.trie_nodes - before.trie_nodes < 1000);
  CHECK(first.skipped_nodes - before.skipped_nodes >= 500);
  CHECK(first.deferred > before.deferred);
  // Near the bound (3 x 16 letters + "ab": counter 50, then 58) the deferred walks run, and the
  // masks stay exact.
  for (int k = 0; k < 3; ++k) REQUIRE(m.accept_token(id("abcdefghabcdefgh")));
  REQUIRE(m.accept_token(id("ab")));
  check_mask_here(g, m);
  const TokenMasks::Stats near = g->masks->stats();
  CHECK(near.trie_nodes > first.trie_nodes);  // the deferred walks for counters near 61
  for (int k = 0; k < 4; ++k) REQUIRE(m.accept_token(id("ab")));
  check_mask_here(g, m);
  REQUIRE(m.accept_token(id("a")));
  check_mask_here(g, m);
  // Random walks through local parts, labels and separators.
  check_masks_by_acceptance(g, 11, 6, 30);
}
