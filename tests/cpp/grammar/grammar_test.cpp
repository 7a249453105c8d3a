// doctest for the grammar engine: GBNF parsing, compilation, the matcher, and masks checked bit for
// bit against per-token acceptance (a brute force over the whole vocabulary) along random walks.
#include <doctest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "grammar.h"
#include "grammar_support.h"
#include "matcher.h"
#include "tokenizer_json.h"
#include "vocabulary.h"

using namespace logitkit::grammar;
using namespace logitkit::grammar::test;

TEST_CASE("gbnf: syntax errors name the position") {
  GrammarAst ast;
  ParseError e;
  CHECK_FALSE(parse_gbnf("root ::= \"a", "root", &ast, &e));
  CHECK(e.position >= 0);
  CHECK_FALSE(parse_gbnf("root ::= foo", "root", &ast, &e));
  CHECK(e.message.find("undefined rule 'foo'") != std::string::npos);
  CHECK(e.position == 9);
  CHECK_FALSE(parse_gbnf("root := \"a\"", "root", &ast, &e));
  CHECK(e.position == 5);
  CHECK_FALSE(parse_gbnf("a ::= \"x\"", "root", &ast, &e));
  CHECK_FALSE(parse_gbnf("root ::= * \"x\"", "root", &ast, &e));
  CHECK_FALSE(parse_gbnf("root ::= \"x\"{3,2}", "root", &ast, &e));
  CHECK_FALSE(parse_gbnf("root ::= \"\\q\"", "root", &ast, &e));
  CHECK(parse_gbnf("root ::= [a-z]+ | # comment\n  \"x\"{2,} ( \"y\" \n | [^\\]] )?\n", "root",
                   &ast, &e));
  // As in llama.cpp, a newline outside parentheses ends the rule: a leading '|' on the next line is
  // an error.
  CHECK_FALSE(parse_gbnf("root ::= \"a\"\n | \"b\"", "root", &ast, &e));
}

TEST_CASE("gbnf: what llama.cpp would silently change is an error at its position") {
  GrammarAst ast;
  ParseError e;
  const auto fails_at = [&](const char* grammar, int64_t position, const char* message) {
    CHECK_FALSE(parse_gbnf(grammar, "root", &ast, &e));
    CHECK(e.position == position);
    CHECK(e.message.find(message) != std::string::npos);
  };
  // llama.cpp keeps the second definition.
  fails_at("root ::= \"a\"\nroot ::= \"b\"", 13, "rule 'root' defined twice");
  fails_at("root ::= x\nx ::= \"a\"\nx ::= \"b\"", 21, "rule 'x' defined twice");
  // llama.cpp reads an empty class as the empty string.
  fails_at("root ::= \"a\" []", 13, "empty character class []");
  fails_at("root ::= [^] \"a\"", 9, "empty character class [^]");
  // No UTF-8 text holds a surrogate; llama.cpp would match its 3-byte encoding.
  fails_at("root ::= \"a\\uD800\"", 11, "surrogate");
  fails_at("root ::= \"\\uDFFF\" | \"b\"", 10, "surrogate");
  // In a class a surrogate range matches nothing, and the rest of the class stays.
  CHECK(parse_gbnf("root ::= [\\uD800-\\uDFFFa]", "root", &ast, &e));
  // As llama.cpp: a repetition needs its lower bound.
  fails_at("root ::= \"a\"{,3}", 13, "expecting an integer");
  // Counts above llama.cpp's 2000 are taken exactly (llama.cpp refuses a minimum above 2000 and
  // makes a maximum above 2000 unbounded).
  CHECK(parse_gbnf("root ::= \"a\"{0,3000}", "root", &ast, &e));
}

TEST_CASE("compile: empty languages and budgets fail clearly") {
  GrammarError e;
  CompileOptions o;
  CHECK(CompiledGrammar::compile("root ::= a\na ::= \"x\" a", "root", o, &e) == nullptr);
  CHECK(e.code == GrammarErrorCode::kEmpty);
  o.max_states = 1000;
  // A long bounded repetition is a counted loop: a handful of states, whatever its bound.
  std::unique_ptr<CompiledGrammar> counted(
      CompiledGrammar::compile("root ::= [a-z]{0,100000}", "root", o, &e));
  REQUIRE(counted != nullptr);
  CHECK(counted->nfa_state_count() < 16);
  // A repetition whose body holds a counted one is copied: the copies still meet maxStates.
  CHECK(CompiledGrammar::compile("root ::= (\"a\" [a-z]{0,100} \",\"){0,100000}", "root", o, &e) ==
        nullptr);
  CHECK(e.code == GrammarErrorCode::kTooLarge);
}

namespace {

// x{min,max} written out without a counted repetition: min copies, then nested optional copies
// (max = -1: a trailing x*). Short enough bodies only; the oracle for counted loops below.
std::string unrolled(const std::string& x, int min, int max) {
  std::string out = "(";
  for (int i = 0; i < min; ++i) out += " " + x;
  if (max < 0) return out + " (" + x + ")* )";
  std::string tail;
  for (int i = min; i < max; ++i) tail = "( " + x + " " + tail + " )?";
  return out + " " + tail + " )";
}

// Along seeded random walks, the counted grammar's masks equal, bit for bit, those of the same
// language with its repetition unrolled, and every mask equals per-token acceptance.
void check_counted_against_unrolled(const std::shared_ptr<Vocabulary>& v,
                                    const std::string& counted, const std::string& unrolled_gbnf,
                                    uint32_t seed, int walks, int max_len) {
  auto a = bind_grammar(v, counted);
  auto b = bind_grammar(v, unrolled_gbnf);
  check_masks_by_acceptance(a, seed, walks / 2 + 1, max_len);
  std::mt19937 rng(seed);
  std::vector<uint32_t> ma(v->vocab_words()), mb(v->vocab_words());
  for (int w = 0; w < walks; ++w) {
    Matcher x(a, false), y(b, false);
    for (int step = 0; step < max_len && !x.is_terminated(); ++step) {
      x.fill_mask(ma.data());
      y.fill_mask(mb.data());
      std::vector<uint32_t> ok;
      for (uint32_t id = 0; id < v->vocab_size(); ++id) {
        if (allowed(ma, id) != allowed(mb, id)) {
          FAIL_CHECK(counted << ": token " << id << " is " << allowed(ma, id) << " counted but "
                             << allowed(mb, id) << " unrolled (walk " << w << ", step " << step
                             << ")");
          return;
        }
        if (allowed(ma, id)) ok.push_back(id);
      }
      if (ok.empty()) break;
      const uint32_t id = ok[rng() % ok.size()];
      REQUIRE(x.accept_token(id));
      REQUIRE(y.accept_token(id));
      CHECK(x.can_end() == y.can_end());
    }
  }
}

}  // namespace

TEST_CASE("matcher: counted repetitions equal their unrolled form, every mask exact") {
  std::vector<std::string> tokens;
  for (const char* p : {"a", "b", "c", "\"", ",", ".", ";", "(", ")", "x", ""}) tokens.push_back(p);
  // Runs that cross loop bounds, tokens that leave a loop mid-token, and mixed ones.
  for (const char* p :
       {"aa",       "ab",          "ba",  "abc",   "aaaa",  "abab", "aaaaaaa",
        "abcabcab", "bbbbbbbbbbb", "a\"", "ab\",", "\",\"", "c.",   "cc;",
        "ab.",      "(x",          "x)",  "),",    "((",    "))",   "aaaaaaaaaaaaaaaaaaaaaaa",
        "\"abc"})
    tokens.push_back(p);
  tokens.push_back("<eos>");
  auto v = make_vocab(tokens, {static_cast<int32_t>(tokens.size() - 1)});
  struct Case {
    std::string body;
    int min, max;
    std::string before, after;
  };
  const Case cases[] = {
      {"[a-c]", 0, 10, "\"", "\""},
      {"[a-c]", 3, 9, "", "\".\""},
      {"( \"ab\" | \"c\" )", 2, 9, "", "\".\""},
      {"[ab]", 9, -1, "", "\";\""},
      {"( [a-c] \",\" )", 1, 8, "\"(\"", "\")\""},
      {"[^\"\\\\]", 1, 12, "\"\\\"\"", "\"\\\"\""},
  };
  uint32_t seed = 21;
  for (const Case& c : cases) {
    const std::string bound = c.max < 0
                                  ? "{" + std::to_string(c.min) + ",}"
                                  : "{" + std::to_string(c.min) + "," + std::to_string(c.max) + "}";
    const std::string counted = "root ::= " + c.before + " " + c.body + bound + " " + c.after;
    const std::string plain =
        "root ::= " + c.before + " " + unrolled(c.body, c.min, c.max) + " " + c.after;
    INFO(counted);
    check_counted_against_unrolled(v, counted, plain, seed++, 16, 14);
  }
  // A counted body that calls a recursive rule: the counter survives the call.
  check_counted_against_unrolled(
      v, "root ::= item{1,9}\nitem ::= \"(\" root? \")\" | [abx]",
      "root ::= " + unrolled("item", 1, 9) + "\nitem ::= \"(\" root? \")\" | [abx]", seed++, 16,
      14);
  // Counted loops inside a repetition that is copied.
  check_counted_against_unrolled(
      v, "root ::= ( \"x\" [a-c]{0,9} \",\" ){0,3} \";\"",
      "root ::= ( \"x\" " + unrolled("[a-c]", 0, 9) + " \",\" ){0,3} \";\"", seed++, 16, 14);
}

TEST_CASE("matcher: nested counted repetitions keep one item per counter class, masks exact") {
  // The outer repetition's items differ only in their counters (how many inner runs ended where);
  // every counter at or above the grammar's largest loop minimum accepts a superset of what a
  // larger one accepts, so only the smallest is kept. Without that, the Earley set after n bytes
  // held an item per (origin, counter) pair: ~9,800 items after 400 bytes for the first grammar,
  // ~18,000 for the second, and a mask took tens of milliseconds.
  std::vector<std::string> tokens = {"a", "b", "aa", "ab", "ba", "aaaa", ";", "<eos>"};
  auto v = make_vocab(tokens, {static_cast<int32_t>(tokens.size() - 1)});
  const char* grammars[] = {
      "root ::= ((\"a\" | \"b\"){1,100}){1,100}",
      "root ::= (((\"a\"{1,50}){1,50}){1,50})",
      "root ::= ((\"a\"{3,20} | \"b\"){2,30}){1,10} \";\"",
  };
  uint32_t seed = 41;
  for (const char* gbnf : grammars) {
    INFO(gbnf);
    auto g = bind_grammar(v, gbnf);
    Matcher m(g, false);
    std::vector<uint32_t> mask(v->vocab_words());
    uint32_t largest = 0;
    for (int i = 0; i < 200; ++i) {
      m.fill_mask(mask.data());
      REQUIRE(m.accept_token(2));  // "aa"
      largest = std::max(largest, m.current_set_size());
    }
    CHECK(largest <= 2 * g->grammar->state_count());
    check_masks_by_acceptance(g, seed++, 6, 80);
  }
}

TEST_CASE("masks: a string with maxLength is taken by whole slices, and stays exact") {
  // `"` char{0,40} `"` after an alternative ("null" | string): the state after the quote holds the
  // loop's hub and a member that enters the loop again, so one character leads to two items (a
  // transition with several results). Every JSON slice must still be proved whole there for the
  // counters far from the bound (it once was for none, and every first visit walked them all).
  std::vector<std::string> tokens = {
      "{",   "}",     ":",   " ",    "\"",      "null",      "\"a\"",
      "a",   "bc",    "def", "ghij", "klmnopq", "rstuvwxyz", "0123456789abcdefghijk",
      "x\"", "yz\"}", "\\n", "<eos>"};
  auto v = make_vocab(tokens, {static_cast<int32_t>(tokens.size() - 1)});
  auto g =
      bind_grammar(v,
                   "root ::= \"{\" ws \"\\\"a\\\"\" ws \":\" ws (\"null\" | \"\\\"\" char{0,40} "
                   "\"\\\"\") ws \"}\"\n"
                   "ws ::= [ \\t\\n\\r]{0,32}\n"
                   "char ::= [^\"\\\\\\x00-\\x1F] | \"\\\\\" [\"\\\\/bfnrt]\n");
  // Follow the DFA over `{"a":"` from the root (one item all the way: the rule is inlined).
  CompiledGrammar& dfa = *g->grammar;
  uint32_t q = dfa.start_state(dfa.root_rule()), counter = 0;
  for (const char* b = "{\"a\":\""; *b != 0; ++b) {
    const int32_t code = dfa.transition(q, dfa.zone_of(q, counter), static_cast<uint8_t>(*b));
    REQUIRE(code >= 0);
    q = CompiledGrammar::code_state(code);
    counter = dfa.normalize_counter(q, apply_counter_op(CompiledGrammar::code_op(code), counter));
  }
  CHECK(dfa.state(q).counted);
  const LocalMask& local = g->masks->local(q);
  const auto& slices = v->slices();
  for (uint32_t s = 0; s < slices.size(); ++s) {
    if (!slices[s].json_chars || slices[s].token_count == 0) continue;
    INFO("slice " << s);
    CHECK(local.whole_at(s, static_cast<int32_t>(counter)));
  }
  check_masks_by_acceptance(g, 7, 24, 30);
}

TEST_CASE("matcher: literal, classes, repetition, stop tokens") {
  auto v = make_vocab({"a", "b", "ab", "ba", "aab", "c", "</s>", "<pad>", ""}, {6}, {7});
  auto g = bind_grammar(v, "root ::= \"a\"+ \"b\"");
  Matcher m(g, false);
  std::vector<uint32_t> mask(v->vocab_words());
  m.fill_mask(mask.data());
  CHECK(allowed(mask, 0));
  CHECK_FALSE(allowed(mask, 1));
  CHECK(allowed(mask, 2));
  CHECK(allowed(mask, 4));
  CHECK_FALSE(allowed(mask, 6));
  CHECK_FALSE(allowed(mask, 7));
  CHECK(allowed(mask, 8));  // the empty token extends any prefix
  CHECK(m.accept_token(0));
  CHECK(m.accept_token(4));
  CHECK(m.can_end());
  m.fill_mask(mask.data());
  CHECK(allowed(mask, 6));
  CHECK_FALSE(allowed(mask, 0));
  CHECK_FALSE(m.accept_token(7));
  CHECK(m.accept_token(6));
  CHECK(m.is_terminated());
  CHECK(m.rollback(2));
  CHECK_FALSE(m.is_terminated());
  CHECK(m.history_size() == 1);
  CHECK(m.accept_token(2));
  check_masks_by_acceptance(g, 1, 5, 8);
}

TEST_CASE("matcher: recursion, left recursion and nullable rules, masks exact") {
  std::vector<std::string> tokens;
  const char* pieces[] = {"(",  ")",  "()",    "((", "))", "x", "x)", "(x", "+",  "+x",
                          "x+", ")+", "(x+x)", "",   " ",  "1", "12", "+(", ")(", "xx"};
  for (const char* p : pieces) tokens.push_back(p);
  tokens.push_back("<eos>");
  auto v = make_vocab(tokens, {static_cast<int32_t>(tokens.size() - 1)});
  check_masks_by_acceptance(
      bind_grammar(
          v, "root ::= e\ne ::= e \"+\" t | t\nt ::= \"x\" | \"(\" e \")\" | n\nn ::= [0-9]+"),
      7, 20, 12);
  check_masks_by_acceptance(bind_grammar(v, "root ::= s\ns ::= \"(\" s \")\" s | \"\""), 8, 20, 12);
  check_masks_by_acceptance(
      bind_grammar(v, "root ::= (a | b)* \"x\"\na ::= \"(\" root? \")\"\nb ::= \"+\" | \" \""), 9,
      20, 12);
}

TEST_CASE("matcher: JSON-like grammar over a byte vocabulary, every mask exact") {
  // All single bytes of the grammar's alphabet plus multi-byte tokens spanning structure.
  std::vector<std::string> tokens;
  for (int c = 32; c < 127; ++c) tokens.push_back(std::string(1, static_cast<char>(c)));
  const char* pieces[] = {"{\"",          "\":",  "\",",  "\"}",   "},",  "}}",     "[{",
                          "\"a",          "ab\"", "true", "null",  " \"", "\": \"", "12",
                          "3.5",          "e+",   "\\n",  "\\u00", "é",   "\xC3",   "\xA9",
                          "\xE2\x82\xAC", "\n",   "  ",   "]}",    "\"]", "\"ab\""};
  for (const char* p : pieces) tokens.push_back(p);
  tokens.push_back("<eos>");
  auto v = make_vocab(tokens, {static_cast<int32_t>(tokens.size() - 1)});
  const std::string json = R"(root ::= value
value ::= object | array | string | number | "true" | "false" | "null"
object ::= "{" ws ( string ws ":" ws value ws ( "," ws string ws ":" ws value ws )* )? "}"
array ::= "[" ws ( value ws ( "," ws value ws )* )? "]"
string ::= "\"" ( [^"\\\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\""
number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
ws ::= [ \t\n]{0,3}
)";
  check_masks_by_acceptance(bind_grammar(v, json), 11, 12, 25);
  const std::string schema =
      R"(root ::= "{" ws "\"a\"" ws ":" ws string ws "," ws "\"b\"" ws ":" ws num ws "}"
string ::= "\"" [^"\\]{0,5} "\""
num ::= [0-9]{1,3}
ws ::= " "?
)";
  check_masks_by_acceptance(bind_grammar(v, schema), 12, 12, 25);
}

TEST_CASE("matcher: jump-forward and fork") {
  auto v = make_vocab({"{", "\"", "name", "\":", " ", "x", "}"});
  auto g = bind_grammar(v, "root ::= \"{\\\"name\\\": \" [a-z]+ \"}\"");
  Matcher m(g, false);
  CHECK(m.jump_forward() == "{\"name\": ");
  CHECK(m.accept_bytes(reinterpret_cast<const uint8_t*>("{\"na"), 4));
  CHECK(m.jump_forward() == "me\": ");
  std::unique_ptr<Matcher> f(m.fork());
  CHECK(f->accept_bytes(reinterpret_cast<const uint8_t*>("me"), 2));
  CHECK(m.jump_forward() == "me\": ");
  CHECK(f->jump_forward() == "\": ");
}

TEST_CASE("vocabulary: byte-level and byte-fallback decoding, padding, serialization") {
  // "Ġhi" is " hi" in GPT-2's byte-level map; "<0x41>" is byte 0x41; "▁x" is " x".
  const std::string blob = "\xC4\xA0hi<0x41>\xE2\x96\x81x";
  const uint32_t lengths[] = {4, 6, 4};
  const uint8_t flags[] = {0, 0, 0};
  Vocabulary bl;
  std::string err;
  REQUIRE(bl.build(VocabType::kByteLevel, reinterpret_cast<const uint8_t*>(blob.data()), 4, lengths,
                   flags, 1, 40, nullptr, 0, true, &err));
  CHECK(bl.token_length(0) == 3);
  CHECK(std::memcmp(bl.token_bytes(0), " hi", 3) == 0);
  CHECK(bl.kind(39) == kPadding);
  Vocabulary bf;
  REQUIRE(bf.build(VocabType::kByteFallback, reinterpret_cast<const uint8_t*>(blob.data()) + 4, 10,
                   lengths + 1, flags, 2, 2, nullptr, 0, true, &err));
  CHECK(bf.token_length(0) == 1);
  CHECK(bf.token_bytes(0)[0] == 0x41);
  CHECK(std::memcmp(bf.token_bytes(1), " x", 2) == 0);
  const std::vector<uint8_t> bytes = bf.serialize();
  Vocabulary back;
  REQUIRE(back.deserialize(bytes.data(), bytes.size(), &err));
  CHECK(back.vocab_size() == 2);
  CHECK(std::memcmp(back.token_bytes(1), " x", 2) == 0);
  CHECK_FALSE(back.deserialize(bytes.data(), bytes.size() - 1, &err));
}

TEST_CASE("tokenizer.json: vocab object or list, added tokens, escapes, component types") {
  const std::string text =
      R"({"version":"1.0","added_tokens":[{"id":3,"content":"<|eot|>","special":true},
    {"id":4,"content":"<think>","special":false}],
    "pre_tokenizer":{"type":"Sequence","pretokenizers":[{"type":"ByteLevel","add_prefix_space":false}]},
    "model":{"type":"BPE","vocab":{"\u0120hi":0,"a\"b":1,"\ud83d\ude42":2},"merges":["a b",["c","d"]]}})";
  TokenizerJson tj;
  std::string error;
  REQUIRE(read_tokenizer_json(text.data(), text.size(), &tj, &error));
  CHECK(tj.type == VocabType::kByteLevel);
  REQUIRE(tj.lengths.size() == 5);
  CHECK(tj.blob.substr(0, tj.lengths[0]) == "\xC4\xA0hi");
  CHECK(tj.flags[3] == 3);
  CHECK(tj.flags[4] == 2);
  REQUIRE(tj.special.size() == 1);
  CHECK(tj.special[0].second == 3);
  const std::string unigram =
      R"({"model":{"type":"Unigram","vocab":[["<unk>",0],["\u2581x",-1.5]]},"decoder":{"type":"Metaspace"}})";
  REQUIRE(read_tokenizer_json(unigram.data(), unigram.size(), &tj, &error));
  CHECK(tj.type == VocabType::kByteFallback);
  CHECK(tj.lengths.size() == 2);
  // added_tokens before model (as tokenizer.json writes them): the special flag survives.
  const std::string order =
      R"({"added_tokens":[{"id":0,"content":"<s>","special":true}],"model":{"vocab":{"<s>":0,"a":1}}})";
  REQUIRE(read_tokenizer_json(order.data(), order.size(), &tj, &error));
  CHECK(tj.flags[0] == 3);
  CHECK_FALSE(read_tokenizer_json("{\"model\":{\"vocab\":{\"a\":1", 24, &tj, &error));
  CHECK(error.find("at byte") != std::string::npos);
  CHECK_FALSE(read_tokenizer_json("{\"model\":{}}", 12, &tj, &error));
}
