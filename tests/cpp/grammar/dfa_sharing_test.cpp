// doctest for the size of the automata behind "any name but the declared ones" (grammar.h): the
// regex trie the JSON Schema front end writes for other members' names repeats `char*` once per
// declared prefix, and every UTF-8 character class its continuation bytes. Built as copies, each
// branch was its own DFA state family, and the first mask at a name (the whole-slice proof)
// built them all; shared, they are one loop and one chain of continuation states. Checked by
// counts (NFA states, DFA states built by the first mask), and the masks by acceptance.
#include <doctest.h>

#include <string>
#include <vector>

#include "frontend/frontend.h"
#include "grammar_support.h"

using namespace logitkit::grammar;
using namespace logitkit::grammar::test;

TEST_CASE("grammar: copies of `x*` and of continuation bytes with one continuation are shared") {
  // An object with 12 optional members and other members allowed (additionalProperties absent).
  const char* names[] = {"autonegotiation", "autonegenabled", "chassisid", "chassisidsubtype",
                         "ifnumber",        "iftype",         "linkaggr",  "linkaggrid",
                         "mgmtaddress",     "portid",         "portvlan",  "protocolid"};
  std::string schema = "{\"type\":\"object\",\"properties\":{";
  for (size_t i = 0; i < sizeof names / sizeof *names; ++i)
    schema += std::string(i ? "," : "") + "\"" + names[i] + "\":{\"type\":\"integer\"}";
  schema += "}}";
  JsonSchemaOptions options;
  options.strict = false;
  const FrontendResult fr = json_schema_to_gbnf(schema, options);
  REQUIRE(fr.ok);
  // Name pieces of one to three characters (ASCII, 2-, 3- and 4-byte UTF-8), a few separators.
  std::vector<std::string> tokens = {
      "{", "}", "\"", "\":", ",", "1", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "<eos>"};
  for (char a = 'a'; a <= 'z'; ++a) {
    tokens.push_back(std::string(1, a));
    for (char b : std::string("aeinorst")) tokens.push_back(std::string{a, b});
  }
  for (const char* piece :
       {"auto", "neg", "chassis", "id", "port", "vlan", "aggr", "link", "x\xC3\xA9", "if", "type",
        "sub", "mgmt", "address", "protocol", "number"})
    tokens.push_back(piece);
  auto v = make_vocab(tokens, {9});
  GrammarError error;
  CompiledGrammar* compiled = CompiledGrammar::compile(fr.gbnf, fr.root, CompileOptions(), &error);
  INFO(error.message);
  REQUIRE(compiled != nullptr);
  auto g = std::make_shared<BoundGrammar>(v, compiled);
  // 8,819 NFA states with a copy per branch, 3,139 shared.
  CHECK(compiled->nfa_state_count() < 4000);
  Matcher m(g, false);
  std::vector<uint32_t> mask(v->vocab_words());
  m.fill_mask(mask.data());
  REQUIRE(m.accept_token(0));  // {
  REQUIRE(m.accept_token(2));  // "
  const uint32_t before = compiled->state_count();
  m.fill_mask(mask.data());
  // The first mask inside a name proves the JSON-character slices whole by following every
  // character from every declared prefix: 2,134 new DFA states with copies, 139 shared (a state
  // per declared prefix, the shared loop and its continuation bytes).
  CHECK(compiled->state_count() - before < 300);
  check_masks_by_acceptance(g, 7, 3, 6);
}
