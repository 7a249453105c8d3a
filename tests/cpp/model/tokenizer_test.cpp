#include <doctest.h>

#include <string>
#include <vector>

#include "checkpoint_bytes.h"
#include "tokenizer.h"

using namespace logitkit::model;

namespace {

struct Fixture {
  Tokenizer tok;
  int32_t space, a, b, ab, space_ab, e_acute;
  Fixture() {
    auto v = model_test::base_vocab();
    space = static_cast<int32_t>(v.size());
    v.push_back({" ", -1});
    a = static_cast<int32_t>(v.size());
    v.push_back({"a", -2});
    b = static_cast<int32_t>(v.size());
    v.push_back({"b", -3});
    ab = static_cast<int32_t>(v.size());
    v.push_back({"ab", -4});
    space_ab = static_cast<int32_t>(v.size());
    v.push_back({" ab", -5});
    e_acute = static_cast<int32_t>(v.size());
    v.push_back({"\xC3\xA9", -6});  // é
    const auto bin = model_test::tokenizer_bin(v);
    REQUIRE(tok.load(bin.data(), bin.size(), static_cast<int32_t>(v.size())) == LoadError::Ok);
  }
  std::vector<int32_t> encode(const std::string& text, bool bos = true, bool eos = false) const {
    std::vector<int32_t> out(Tokenizer::max_tokens(text.size()));
    out.resize(tok.encode(text.data(), text.size(), bos, eos, out.data()));
    return out;
  }
  std::string decode(const std::vector<int32_t>& ids) const {
    std::string text;
    for (size_t i = 1; i < ids.size(); ++i) text += tok.decode(ids[i - 1], ids[i]);
    return text;
  }
};

}  // namespace

TEST_CASE("encode adds BOS and the dummy space, then merges the best-scoring pairs") {
  Fixture f;
  CHECK(f.encode("ab") == std::vector<int32_t>{Tokenizer::kBos, f.space_ab});
  CHECK(f.encode("ab", false, true) == std::vector<int32_t>{f.space_ab, Tokenizer::kEos});
  CHECK(f.encode("ba") == std::vector<int32_t>{Tokenizer::kBos, f.space, f.b, f.a});
  CHECK(f.encode("") == std::vector<int32_t>{Tokenizer::kBos});
}

TEST_CASE("code points without a token fall back to their UTF-8 bytes as ids byte + 3") {
  Fixture f;
  CHECK(f.encode("\xC3\xA9z") ==
        std::vector<int32_t>{Tokenizer::kBos, f.space, f.e_acute, 'z' + 3});
  CHECK(f.encode("\xE2\x82\xAC") ==
        std::vector<int32_t>{Tokenizer::kBos, f.space, 0xE2 + 3, 0x82 + 3, 0xAC + 3});  // €
}

TEST_CASE("decode strips the space after BOS, turns <0xHH> into the byte, and round-trips text") {
  Fixture f;
  CHECK(f.tok.decode(Tokenizer::kBos, f.space_ab) == "ab");
  CHECK(f.tok.decode(f.a, f.space_ab) == " ab");
  CHECK(f.tok.decode(f.a, 'z' + 3) == "z");
  CHECK(f.tok.piece('z' + 3) == "<0x7A>");
  CHECK(f.tok.decode(f.a, 99999).empty());
  for (const std::string text : {"ab ba", "zz\xC3\xA9 ab\n\xE2\x82\xAC!", "  a"})
    CHECK(f.decode(f.encode(text)) == text);
}

TEST_CASE("a truncated tokenizer.bin is refused") {
  auto v = model_test::base_vocab();
  const auto bin = model_test::tokenizer_bin(v);
  Tokenizer tok;
  CHECK(tok.load(bin.data(), bin.size() - 1, static_cast<int32_t>(v.size())) ==
        LoadError::TokenizerMalformed);
  CHECK(tok.load(bin.data(), bin.size(), static_cast<int32_t>(v.size()) + 1) ==
        LoadError::TokenizerMalformed);
  CHECK(tok.load(bin.data(), 2, 1) == LoadError::TokenizerMalformed);
}
