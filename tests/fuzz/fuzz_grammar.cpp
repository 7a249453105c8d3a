// libFuzzer harness of the grammar engine: GBNF text straight from the fuzzer (parser, compiler,
// budgets), then a matcher driven by the remaining bytes over a small vocabulary of single
// characters, multi-byte pieces and UTF-8 fragments. Checked on every step: each mask bit equals
// what accept_token does on a fork (the brute force over the vocabulary), rollback restores the
// mask, jump-forward text is accepted, and nothing grows past maxStates.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "grammar.h"
#include "matcher.h"
#include "vocabulary.h"

using namespace logitkit::grammar;

namespace {

void violated(const char* what) {
  std::fprintf(stderr, "invariant violated: %s\n", what);
  std::abort();
}

std::shared_ptr<Vocabulary> vocabulary() {
  static std::shared_ptr<Vocabulary> v = [] {
    std::vector<std::string> tokens;
    for (int c = 0x20; c < 0x7F; ++c) tokens.push_back(std::string(1, static_cast<char>(c)));
    for (const char* p : {"\n",
                          "\t",
                          "ab",
                          "abc",
                          "{\"",
                          "\":",
                          "\",",
                          "\"}",
                          "},",
                          "[{",
                          "  ",
                          "12",
                          "true",
                          "null",
                          "\xC3\xA9",
                          "\xC3",
                          "\xA9",
                          "\xE2\x82\xAC",
                          "\xF0\x9F\x99\x82",
                          "\xF0\x9F",
                          "x)",
                          "(x",
                          "aaaa",
                          "",
                          "<eos>",
                          "<special>"})
      tokens.push_back(p);
    std::string blob;
    std::vector<uint32_t> lengths;
    std::vector<uint8_t> flags;
    for (const std::string& t : tokens) {
      blob += t;
      lengths.push_back(static_cast<uint32_t>(t.size()));
      flags.push_back(0);
    }
    flags.back() = 1;  // <special>
    const int32_t stop = static_cast<int32_t>(tokens.size() - 2);
    auto v = std::make_shared<Vocabulary>();
    std::string error;
    if (!v->build(VocabType::kRaw, reinterpret_cast<const uint8_t*>(blob.data()), blob.size(),
                  lengths.data(), flags.data(), static_cast<uint32_t>(tokens.size()),
                  static_cast<uint32_t>(tokens.size()) + 5, &stop, 1, true, &error))
      violated("vocabulary");
    return v;
  }();
  return v;
}

bool bit(const std::vector<uint32_t>& m, uint32_t id) {
  return (m[id >> 5] >> (id & 31)) & 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The GBNF text runs up to the first 0xFF byte; the rest drives the matcher.
  size_t split = 0;
  while (split < size && data[split] != 0xFF) ++split;
  const std::string gbnf(reinterpret_cast<const char*>(data), split);
  CompileOptions options;
  options.max_states = 4000;
  options.timeout_ms = 500;
  GrammarError error;
  CompiledGrammar* g = CompiledGrammar::compile(gbnf, "root", options, &error);
  if (g == nullptr) {
    if (error.code == GrammarErrorCode::kOk || error.message.empty())
      violated("failure without a reason");
    return 0;
  }
  auto vocab = vocabulary();
  auto bound = std::make_shared<BoundGrammar>(vocab, g);
  Matcher m(bound, false);
  const uint32_t n = vocab->vocab_size();
  std::vector<uint32_t> mask(vocab->vocab_words()), again(vocab->vocab_words());
  for (size_t pos = split + 1; pos < size && !m.is_terminated(); ++pos) {
    m.fill_mask(mask.data());
    if (m.over_budget()) return 0;  // a clear failure the JS layer reports; nothing more to check
    std::vector<uint32_t> allowed;
    for (uint32_t id = 0; id < n; ++id) {
      std::unique_ptr<Matcher> f(m.fork());
      const bool ok = f->accept_token(id);
      if (m.over_budget()) return 0;
      if (ok != bit(mask, id)) violated("mask bit differs from accept_token");
      if (ok) allowed.push_back(id);
      if (vocab->kind(id) == kSpecial && ok) violated("special token allowed");
      if (vocab->kind(id) == kPadding && ok) violated("padding id allowed");
    }
    const std::string jump = m.jump_forward();
    if (!jump.empty()) {
      std::unique_ptr<Matcher> f(m.fork());
      if (!f->accept_bytes(reinterpret_cast<const uint8_t*>(jump.data()), jump.size()))
        violated("jump-forward text rejected");
    }
    if (allowed.empty()) break;
    const uint8_t choice = data[pos];
    if (choice >= 0xF0 && m.history_size() > 0) {
      const uint32_t back = 1 + (choice & 3) % m.history_size();
      if (!m.rollback(back)) violated("rollback within history refused");
      continue;
    }
    if (!m.accept_token(allowed[choice % allowed.size()])) violated("allowed token rejected");
    if (m.history_size() > 0) {
      m.rollback(1);
      m.fill_mask(again.data());
      if (again != mask) violated("rollback did not restore the mask");
      m.accept_token(allowed[choice % allowed.size()]);
    }
  }
  return 0;
}
