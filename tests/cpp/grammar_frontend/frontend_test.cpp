// Unit tests of the grammar front ends' C++ pieces. The languages of the emitted grammars are
// checked in JS against the reference recognizer (tests/grammar/frontend.test.mjs); here: the
// JSON reader, code-point sets, exact decimals, the regex parser's errors, the GBNF writer's
// repetition splitting, and the schema compiler's errors, pointers and warnings.
#include <doctest.h>

#include <string>

#include "charset.h"
#include "frontend.h"
#include "gbnf_writer.h"
#include "json_value.h"
#include "numbers.h"
#include "regex.h"

using namespace logitkit::grammar;

namespace {

FrontendResult schema(const std::string& text, bool strict = true) {
  JsonSchemaOptions options;
  options.strict = strict;
  return json_schema_to_gbnf(text, options);
}

bool has_warning(const FrontendResult& r, WarningKind kind, const std::string& pointer) {
  for (const Warning& w : r.warnings) {
    if (w.kind == kind && w.json_pointer == pointer) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("JSON reader: values, numbers as text, order, duplicates, offsets") {
  JsonParseResult r =
      parse_json(R"( {"b": [1.50, -0e3, true, null], "a": "\u00e9\ud83d\ude00", "b": 2} )", 16);
  REQUIRE(r.ok);
  REQUIRE(r.value.members.size() == 2);
  CHECK(r.value.members[0].first == "b");  // first position, last value
  CHECK(r.value.members[0].second.text == "2");
  CHECK(r.value.members[1].second.text == "\xC3\xA9\xF0\x9F\x98\x80");
  JsonParseResult nums = parse_json("[1.50, -0e3]", 4);
  CHECK(nums.value.items[0].text == "1.50");
  CHECK(nums.value.items[1].text == "-0e3");

  struct Bad {
    const char* text;
    size_t offset;
  } bad[] = {{"{\"a\" 1}", 5}, {"[1,]", 3},    {"01", 1}, {"\"\x01\"", 1},    {"tru", 0},
             {"[1] x", 4},     {"\"\\x\"", 1}, {"1.", 2}, {"\"\xC3\x28\"", 1}};
  for (const Bad& b : bad) {
    JsonParseResult e = parse_json(b.text, 16);
    CHECK_FALSE(e.ok);
    CHECK(e.error_offset == b.offset);
  }
  CHECK_FALSE(parse_json("[[[[1]]]]", 3).ok);  // depth budget
  JsonParseResult lone = parse_json("\"\\ud800\"", 4);
  CHECK_FALSE(lone.ok);
  CHECK(lone.unsupported);
}

TEST_CASE("CharSet: normal form, surrogates, complement") {
  CharSet s;
  s.add('a', 'c');
  s.add('b', 'f');
  s.add('g');
  REQUIRE(s.ranges().size() == 1);
  CHECK(s.ranges()[0] == CharSet::Range{'a', 'g'});
  CHECK(CharSet::range(0xD000, 0xE000).count() == 0xE000 - 0xD000 + 1 - 0x800);
  CHECK_FALSE(CharSet::all().contains(0xD800));
  CHECK(CharSet::all().count() == 0x110000 - 0x800);
  CHECK(s.complement().complement() == s);
  CHECK(CharSet::all().complement().empty());
  CHECK(CharSet::range(0, 0xD7FF).complement() == CharSet::range(0xE000, kMaxScalar));
  CHECK(s.minus(CharSet::of('c')).count() == 6);
}

TEST_CASE("Decimal: exact parsing, comparison, floor and ceil") {
  const auto dec = [](const char* t) {
    Decimal d;
    REQUIRE(parse_decimal(t, &d));
    return d;
  };
  CHECK(compare(dec("1.0"), dec("1")) == 0);
  CHECK(compare(dec("0.1"), dec("1e-1")) == 0);
  CHECK(compare(dec("-0"), dec("0")) == 0);
  CHECK(compare(dec("-2.5"), dec("-2.49")) < 0);
  CHECK(compare(dec("1e2"), dec("99.999")) > 0);
  CHECK(compare(floor_integer(dec("-2.5")), dec("-3")) == 0);
  CHECK(compare(ceil_integer(dec("-2.5")), dec("-2")) == 0);
  CHECK(compare(ceil_integer(dec("0.001")), dec("1")) == 0);
  CHECK(compare(floor_integer(dec("-0.5")), dec("-1")) == 0);
  CHECK(compare(ceil_integer(dec("-0.5")), dec("0")) == 0);
  std::string i, f;
  plain_parts(dec("12.3400e1"), &i, &f);
  CHECK(i == "123");
  CHECK(f == "4");
  plain_parts(dec("5e-3"), &i, &f);
  CHECK(i == "0");
  CHECK(f == "005");
  Decimal huge;
  CHECK_FALSE(parse_decimal("1e500", &huge));  // beyond kMaxBoundDigits
  CHECK_FALSE(parse_decimal("1.", &huge));
}

TEST_CASE("GBNF writer: repetition counts never exceed kMaxRepeatCount") {
  CHECK(GbnfWriter::repeat("x", 0, 1) == "x?");
  CHECK(GbnfWriter::repeat("x", 2, UINT32_MAX) == "x{2,}");
  CHECK(GbnfWriter::repeat("\"\"", 0, 5) == "\"\"");
  for (uint32_t min : {0u, 5u, 999u, 1000u, 1001u, 2500u}) {
    for (uint32_t max : {min, min + 1, min + 999, min + 1000, min + 1001, min + 4321}) {
      const std::string r = GbnfWriter::repeat("x", min, max);
      for (size_t pos = r.find('{'); pos != std::string::npos; pos = r.find('{', pos + 1)) {
        const size_t end = r.find('}', pos);
        const std::string body = r.substr(pos + 1, end - pos - 1);
        for (size_t start = 0; start <= body.size();) {
          size_t comma = body.find(',', start);
          if (comma == std::string::npos) comma = body.size();
          if (comma > start)
            CHECK(std::stoul(body.substr(start, comma - start)) <= kMaxRepeatCount);
          start = comma + 1;
        }
      }
    }
  }
  CHECK(GbnfWriter::literal("a\"\\\n\xC3\xA9\xF0\x9F\x98\x80\x7F") ==
        "\"a\\\"\\\\\\n\\xE9\\U0001F600\\x7F\"");
  CHECK(GbnfWriter::char_class(CharSet::all().minus(CharSet::of('"'))) == "[^\"]");
  CHECK(GbnfWriter::char_class(CharSet::range('^', '`')) == "[\\x5E-`]");  // ^ escaped
}

TEST_CASE("regex errors name their position in UTF-16 units") {
  struct Case {
    const char* pattern;
    ErrorCode code;
    int64_t position;
  } cases[] = {
      {"(a", ErrorCode::kRegexSyntax, 0},
      {"a)", ErrorCode::kRegexSyntax, 1},
      {"[b-a]", ErrorCode::kRegexSyntax, 1},
      {"\xF0\x9F\x98\x80(?=x)", ErrorCode::kUnsupportedFeature, 2},  // the emoji is 2 units
      {"ab(?<!x)", ErrorCode::kUnsupportedFeature, 2},
      {"(a)\\1", ErrorCode::kUnsupportedFeature, 3},
      {"\\bword", ErrorCode::kUnsupportedFeature, 0},
      {"\\p{L}", ErrorCode::kUnsupportedFeature, 0},
      {"a**", ErrorCode::kRegexSyntax, 2},
      {"*", ErrorCode::kRegexSyntax, 0},
      {"a{3,2}", ErrorCode::kRegexSyntax, 1},
      {"\\q", ErrorCode::kRegexSyntax, 0},
      {"[a", ErrorCode::kRegexSyntax, 0},
      {"a^b", ErrorCode::kUnsupportedFeature, 1},
      {"(?i:a)", ErrorCode::kUnsupportedFeature, 0},
  };
  for (const Case& c : cases) {
    CAPTURE(c.pattern);
    FrontendResult r = regex_to_gbnf(c.pattern);
    CHECK_FALSE(r.ok);
    CHECK(r.error.code == c.code);
    CHECK(r.error.position == c.position);
    CHECK(r.error.message.find("position") != std::string::npos);
  }
  CHECK(regex_to_gbnf("a{,2}").ok);  // not a quantifier: literal braces (Annex B)
  CHECK(regex_to_gbnf("^abc$").ok);
  CHECK(regex_to_gbnf("[]").error.code == ErrorCode::kUnsatisfiable);
}

TEST_CASE("schema errors: codes, keywords and JSON pointers") {
  FrontendResult r =
      schema(R"({"properties": {"a/b": {"type": "string", "not": {"minLength": 3}}}})");
  CHECK_FALSE(r.ok);
  CHECK(r.error.code == ErrorCode::kUnsupportedKeyword);
  CHECK(r.error.keyword == "not");
  CHECK(r.error.json_pointer == "/properties/a~1b/not");

  r = schema(R"({"properties": {"a/b": {"type": "string", "not": {"minLength": 3}}}})", false);
  CHECK(r.ok);
  CHECK(has_warning(r, WarningKind::kIgnoredValidation, "/properties/a~1b/not"));

  CHECK(schema(R"({"not": {"type": "string"}})").ok);  // removes a whole type: exact
  CHECK(schema(R"({"enum": [1, "a"], "not": {"minLength": 3}})").ok);  // a finite list: exact

  r = schema(R"({"type": "object", "minLength": "3"})");
  CHECK(r.error.code == ErrorCode::kInvalidSchema);
  CHECK(r.error.json_pointer == "/minLength");

  r = schema(R"({"$ref": "other.json#/x"})");
  CHECK(r.error.code == ErrorCode::kUnsupportedFeature);
  CHECK(r.error.json_pointer == "/$ref");

  r = schema(R"({"items": {"$ref": "#/nowhere"}})");
  CHECK(r.error.code == ErrorCode::kInvalidSchema);
  CHECK(r.error.json_pointer == "/items/$ref");

  r = schema(R"J({"type": "string", "pattern": "(?=a)"})J");
  CHECK(r.error.code == ErrorCode::kUnsupportedFeature);
  CHECK(r.error.json_pointer == "/pattern");
  CHECK(r.error.position == 0);

  r = schema(R"({"type": "object", "required": ["a"], "additionalProperties": false})");
  CHECK(r.error.code == ErrorCode::kUnsatisfiable);

  r = schema(R"({"a": 1,})");
  CHECK(r.error.code == ErrorCode::kInvalidJson);
  CHECK(r.error.position == 8);

  r = schema(R"({"allOf": [{"$ref": "#"}]})");
  CHECK(r.error.code == ErrorCode::kBudgetExceeded);

  r = schema(R"({"type": "array", "uniqueItems": true})");
  CHECK(r.error.keyword == "uniqueItems");
  CHECK(schema(R"({"type": "array", "uniqueItems": false})").ok);
}

TEST_CASE("schema warnings: annotations, vendor extensions, unknown formats, no-effect keywords") {
  FrontendResult r = schema(R"({
    "$schema": "https://json-schema.org/draft/2020-12/schema", "title": "T",
    "type": "object", "javaType": "x.Y",
    "properties": {"d": {"type": "string", "format": "int32", "description": "x"},
                   "e": {"then": {}, "ui:widget": "text"}}})");
  REQUIRE(r.ok);
  CHECK(has_warning(r, WarningKind::kAnnotation, "/title"));
  CHECK(has_warning(r, WarningKind::kAnnotation, "/$schema"));
  CHECK(has_warning(r, WarningKind::kVendorExtension, "/javaType"));
  CHECK(has_warning(r, WarningKind::kUnknownFormat, "/properties/d/format"));
  CHECK(has_warning(r, WarningKind::kAnnotation, "/properties/d/description"));
  CHECK(has_warning(r, WarningKind::kNoEffect, "/properties/e/then"));
  CHECK(has_warning(r, WarningKind::kVendorExtension, "/properties/e/ui:widget"));
}

// anyOf over array/object 12 levels deep: thousands of merged alternatives, seconds of work.
std::string nested_any_of() {
  std::string s = "{\"type\": \"integer\"}";
  for (int i = 0; i < 12; i++)
    s = "{\"anyOf\": [{\"type\": \"array\", \"items\": " + s +
        "}, {\"type\": \"object\", \"additionalProperties\": " + s + "}]}";
  return s;
}

TEST_CASE("budgets: timeout_ms bounds a schema's conversion") {
  JsonSchemaOptions options;
  options.budgets.timeout_ms = 1e-6;  // passed by the first clock reading
  FrontendResult r = json_schema_to_gbnf(nested_any_of(), options);
  CHECK_FALSE(r.ok);
  CHECK(r.error.code == ErrorCode::kTimeout);
  CHECK(std::string(error_code_name(r.error.code)) == "timeout");
  CHECK(r.error.message.find("timeoutMs") != std::string::npos);
  // A schema converted in fewer steps than one clock reading never looks at the clock.
  CHECK(json_schema_to_gbnf(R"({"type": "string"})", options).ok);
  options.budgets.timeout_ms = 0;  // no limit
  CHECK(json_schema_to_gbnf(R"({"anyOf": [{"type": "string"}, {"type": "null"}]})", options).ok);
}

TEST_CASE("budgets: depth, input size, output size") {
  std::string deep;
  for (int i = 0; i < 400; i++) deep += "{\"items\":";
  deep += "true";
  for (int i = 0; i < 400; i++) deep += "}";
  CHECK(schema(deep).error.code == ErrorCode::kBudgetExceeded);

  JsonSchemaOptions small;
  small.budgets.max_output_bytes = 200;
  FrontendResult r = json_schema_to_gbnf(
      R"({"type": "object", "properties": {"a": {"type": "string", "format": "ipv6"}}})", small);
  CHECK(r.error.code == ErrorCode::kBudgetExceeded);

  small = JsonSchemaOptions();
  small.budgets.max_input_bytes = 4;
  CHECK(json_schema_to_gbnf("{\"type\": \"string\"}", small).error.code ==
        ErrorCode::kBudgetExceeded);

  JsonSchemaOptions wide;
  wide.whitespace.max_run = WhitespaceOptions::kLargestMaxRun + 1;
  CHECK_FALSE(json_schema_to_gbnf("{}", wide).ok);
}

TEST_CASE("builtin JSON grammar: compact has no whitespace rule") {
  CHECK(builtin_json_gbnf(WhitespaceOptions::compact()).find("ws") == std::string::npos);
  CHECK(builtin_json_gbnf().find("ws ::= [ \\t\\n\\r]{0,32}") != std::string::npos);
  CHECK(builtin_json_gbnf().rfind("root ::= ", 0) == 0);
}
