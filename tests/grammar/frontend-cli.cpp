// A command-line bridge from the native front ends to the JS tests and the conformance script:
// one JSON request per input line, one JSON result per output line, until end of input.
//   {"kind": "schema" | "regex" | "builtin", "input": "...", "maxRun": 32, "strict": true}
//   -> {"ok": true, "gbnf": "...", "root": "root", "warnings": [{kind, keyword, pointer}], ...}
//   -> {"ok": false, "error": {"code", "message", "pointer", "keyword", "position"}}
// Built natively under ASan/UBSan (build/native/logitkit_grammar_frontend_cli), so every test
// and conformance run is also a sanitizer run of the front ends.
#include <iostream>
#include <string>

#include "frontend.h"
#include "json_value.h"

using namespace logitkit::grammar;

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const unsigned char c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string encode(const FrontendResult& r) {
  std::string out = "{\"ok\":" + std::string(r.ok ? "true" : "false");
  if (r.ok) {
    out += ",\"gbnf\":" + quote(r.gbnf) + ",\"root\":" + quote(r.root);
  } else {
    out += ",\"error\":{\"code\":" + quote(error_code_name(r.error.code)) +
           ",\"message\":" + quote(r.error.message) +
           ",\"pointer\":" + quote(r.error.json_pointer) +
           ",\"keyword\":" + quote(r.error.keyword) +
           ",\"position\":" + std::to_string(r.error.position) + "}";
  }
  out += ",\"warnings\":[";
  for (size_t i = 0; i < r.warnings.size(); i++) {
    const Warning& w = r.warnings[i];
    if (i > 0) out += ',';
    out += "{\"kind\":" + quote(warning_kind_name(w.kind)) + ",\"keyword\":" + quote(w.keyword) +
           ",\"pointer\":" + quote(w.json_pointer) + "}";
  }
  return out + "]}";
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.empty()) continue;
    JsonParseResult request = parse_json(line, 64);
    const JsonValue* kind = request.ok ? request.value.find("kind") : nullptr;
    const JsonValue* input = request.ok ? request.value.find("input") : nullptr;
    if (kind == nullptr || !kind->is_string()) {
      std::cout << "{\"ok\":false,\"error\":{\"code\":\"bad-request\",\"message\":\"bad request\"}}"
                << std::endl;
      continue;
    }
    WhitespaceOptions whitespace;
    if (const JsonValue* run = request.value.find("maxRun"); run && run->is_number()) {
      whitespace.max_run = static_cast<uint32_t>(std::stoul(run->text));
    }
    FrontendResult result;
    if (kind->text == "builtin") {
      result.ok = true;
      result.gbnf = builtin_json_gbnf(whitespace);
    } else if (input == nullptr || !input->is_string()) {
      result.error.message = "missing input";
    } else if (kind->text == "regex") {
      result = regex_to_gbnf(input->text);
    } else {
      JsonSchemaOptions options;
      options.whitespace = whitespace;
      if (const JsonValue* strict = request.value.find("strict"); strict && strict->is_bool()) {
        options.strict = strict->boolean;
      }
      result = json_schema_to_gbnf(input->text, options);
    }
    std::cout << encode(result) << std::endl;
  }
  return 0;
}
