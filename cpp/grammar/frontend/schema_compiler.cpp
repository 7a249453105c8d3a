#include "schema_compiler.h"

#include <cstring>

#include "formats.h"
#include "re_emit.h"

namespace logitkit::grammar {

namespace {

constexpr size_t kMaxWarnings = 1000;
constexpr size_t kMaxNfaStates = 20000;

const char* const kAnnotations[] = {"title",
                                    "description",
                                    "default",
                                    "examples",
                                    "$comment",
                                    "readOnly",
                                    "writeOnly",
                                    "deprecated",
                                    "$schema",
                                    "$id",
                                    "id",
                                    "$anchor",
                                    "$dynamicAnchor",
                                    "$vocabulary",
                                    "contentMediaType",
                                    "contentEncoding",
                                    "contentSchema",
                                    "$recursiveAnchor"};

bool is_annotation(const std::string& key) {
  for (const char* a : kAnnotations) {
    if (key == a) return true;
  }
  return false;
}

std::string child(const std::string& pointer, const std::string& token) {
  return pointer + "/" + pointer_token(token);
}

bool non_negative_integer(const JsonValue& v, uint64_t* out) {
  if (!v.is_number()) return false;
  Decimal d;
  if (!parse_decimal(v.text, &d) || d.negative || !is_integer(d)) return false;
  std::string int_part, frac_part;
  plain_parts(d, &int_part, &frac_part);
  if (int_part.size() > 18) {
    *out = UINT64_MAX;
    return true;
  }
  *out = std::stoull(int_part);
  return true;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '%' && i + 2 < s.size() && hex_digit(s[i + 1]) >= 0 && hex_digit(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_digit(s[i + 1]) * 16 + hex_digit(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string strip_fragment(std::string uri) {
  const size_t hash = uri.find('#');
  if (hash != std::string::npos) uri.resize(hash);
  return uri;
}

}  // namespace

SchemaCompiler::SchemaCompiler(const JsonValue& document, const JsonSchemaOptions& options,
                               FrontendResult& result)
    : document_(document),
      options_(options),
      result_(result),
      writer_(options.budgets),
      json_(writer_, options.whitespace) {
  if (options.budgets.timeout_ms > 0)
    deadline_ = std::chrono::steady_clock::now() +
                std::chrono::microseconds(static_cast<int64_t>(options.budgets.timeout_ms * 1000));
  if (const JsonValue* schema = document.find("$schema"); schema && schema->is_string()) {
    for (const char* draft : {"draft-03", "draft-04", "draft-05", "draft-06", "draft-07"}) {
      if (schema->text.find(draft) != std::string::npos) old_draft_ = true;
    }
  }
  for (const char* key : {"$id", "id"}) {
    if (const JsonValue* id = document.find(key); id && id->is_string()) {
      root_id_ = strip_fragment(id->text);
    }
  }
}

void SchemaCompiler::fail(ErrorCode code, const std::string& keyword, const std::string& pointer,
                          const std::string& message) {
  if (failed_) return;
  failed_ = true;
  result_.error.code = code;
  result_.error.keyword = keyword;
  result_.error.json_pointer = pointer;
  result_.error.message = message + " (at '" + pointer + "')";
}

bool SchemaCompiler::out_of_time() {
  constexpr uint32_t kClockStride = 64;
  if (failed_) return true;
  if (options_.budgets.timeout_ms <= 0 || ++clock_calls_ % kClockStride != 0) return false;
  if (std::chrono::steady_clock::now() <= deadline_) return false;
  fail(ErrorCode::kTimeout, "", "",
       "compiling the schema exceeded timeoutMs (" +
           std::to_string(static_cast<int64_t>(options_.budgets.timeout_ms)) + " ms)");
  return true;
}

void SchemaCompiler::warn(WarningKind kind, const std::string& keyword, const std::string& pointer,
                          const std::string& message) {
  if (result_.warnings.size() >= kMaxWarnings) return;
  std::string key = std::to_string(static_cast<int>(kind)) + "\n" + keyword + "\n" + pointer;
  if (!warned_.insert(std::move(key)).second) return;
  result_.warnings.push_back(Warning{kind, keyword, pointer, message});
}

void SchemaCompiler::unsupported(const std::string& keyword, const std::string& pointer,
                                 const std::string& why) {
  const std::string at = child(pointer, keyword);
  if (options_.strict) {
    fail(ErrorCode::kUnsupportedKeyword, keyword, at,
         "the validation keyword '" + keyword + "' cannot be enforced by a grammar: " + why);
  } else {
    ignored_++;
    warn(WarningKind::kIgnoredValidation, keyword, at,
         "'" + keyword + "' is ignored (strict: false): " + why);
  }
}

bool SchemaCompiler::leave_out(const std::string& keyword, const std::string& pointer,
                               const std::string& why) {
  if (options_.strict) {
    fail(ErrorCode::kUnsupportedFeature, keyword, pointer, why);
    return false;
  }
  ignored_++;
  warn(WarningKind::kIgnoredValidation, keyword, pointer,
       "'" + keyword + "' is ignored (strict: false): " + why);
  return true;
}

void SchemaCompiler::run() {
  // The root schema's conjunction reserves the first name, "root".
  const std::string expr = compile(Conj{SchemaRef{&document_, ""}}, "root", 0);
  const std::string root = "root";
  if (failed_) return;
  if (writer_.over_budget()) {
    fail(ErrorCode::kBudgetExceeded, "", "",
         "the grammar exceeds the output budget (" +
             std::to_string(options_.budgets.max_output_bytes) + " bytes, " +
             std::to_string(options_.budgets.max_rules) + " rules)");
    return;
  }
  if (expr.empty()) {
    fail(ErrorCode::kUnsatisfiable, "", "", "the schema admits no instance");
    return;
  }
  if (expr != root) writer_.define(root, expr);
  if (writer_.over_budget()) {
    fail(ErrorCode::kBudgetExceeded, "", "", "the grammar exceeds the output budget");
    return;
  }
  result_.ok = true;
  result_.root = root;
  result_.gbnf = writer_.text(root);
}

// ---- $ref ------------------------------------------------------------------------------------

void SchemaCompiler::index_anchors(const JsonValue& value, const std::string& pointer) {
  if (value.is_object()) {
    for (const char* key : {"$anchor", "$id", "id"}) {
      const JsonValue* v = value.find(key);
      if (v == nullptr || !v->is_string()) continue;
      std::string name = v->text;
      if (std::strcmp(key, "$anchor") != 0) {
        const size_t hash = name.find('#');
        if (hash == std::string::npos) continue;
        name = name.substr(hash + 1);
      }
      if (!name.empty()) anchors_.emplace(name, std::make_pair(&value, pointer));
    }
    for (const auto& [key, member] : value.members) index_anchors(member, child(pointer, key));
  } else if (value.is_array()) {
    for (size_t i = 0; i < value.items.size(); i++) {
      index_anchors(value.items[i], child(pointer, std::to_string(i)));
    }
  }
}

const JsonValue* SchemaCompiler::resolve_ref(const std::string& ref, const std::string& pointer,
                                             std::string* target) {
  const size_t hash = ref.find('#');
  const std::string base = ref.substr(0, hash);
  const std::string fragment =
      percent_decode(hash == std::string::npos ? "" : ref.substr(hash + 1));
  if (!base.empty() && base != root_id_) {
    fail(ErrorCode::kUnsupportedFeature, "$ref", child(pointer, "$ref"),
         "only local references (#...) are supported, not '" + ref + "'");
    return nullptr;
  }
  if (fragment.empty()) {
    *target = "";
    return &document_;
  }
  if (fragment[0] != '/') {
    if (!anchors_indexed_) {
      index_anchors(document_, "");
      anchors_indexed_ = true;
    }
    const auto found = anchors_.find(fragment);
    if (found == anchors_.end()) {
      fail(ErrorCode::kInvalidSchema, "$ref", child(pointer, "$ref"),
           "no schema has the anchor '" + fragment + "'");
      return nullptr;
    }
    *target = found->second.second;
    return found->second.first;
  }
  const JsonValue* at = &document_;
  std::string walked;
  size_t pos = 1;
  for (;;) {
    const size_t slash = fragment.find('/', pos);
    std::string token =
        fragment.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
    std::string key;
    for (size_t i = 0; i < token.size(); i++) {
      if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
        key += token[i + 1] == '0' ? '~' : '/';
        i++;
      } else {
        key += token[i];
      }
    }
    const JsonValue* next = nullptr;
    if (at->is_object()) {
      next = at->find(key);
    } else if (at->is_array() && !key.empty() &&
               key.find_first_not_of("0123456789") == std::string::npos && key.size() < 10) {
      const size_t index = std::stoul(key);
      if (index < at->items.size()) next = &at->items[index];
    }
    if (next == nullptr) {
      fail(ErrorCode::kInvalidSchema, "$ref", child(pointer, "$ref"),
           "the reference '" + ref + "' points to nothing");
      return nullptr;
    }
    at = next;
    walked = child(walked, key);
    if (slash == std::string::npos) break;
    pos = slash + 1;
  }
  *target = walked;
  return at;
}

// ---- patterns --------------------------------------------------------------------------------

const SchemaCompiler::CompiledPattern* SchemaCompiler::pattern(const std::string& source,
                                                               const std::string& pointer,
                                                               bool is_format) {
  const std::string key = (is_format ? "f:" : "p:") + source;
  auto found = patterns_.find(key);
  if (found != patterns_.end()) return found->second->ok ? found->second.get() : nullptr;
  auto compiled = std::make_unique<CompiledPattern>();
  RegexParseResult parsed = parse_regex(source, options_.budgets);
  if (!parsed.ok) {
    Error e = parsed.error;
    fail(e.code == ErrorCode::kRegexSyntax ? ErrorCode::kInvalidSchema : e.code, "pattern", pointer,
         "the pattern '" + source + "' is not supported: " + e.message);
    if (!result_.ok) result_.error.position = e.position;
    patterns_[key] = std::move(compiled);
    return nullptr;
  }
  ReResolveResult resolved =
      resolve_anchors(parsed.re, is_format ? ReMatch::kFull : ReMatch::kSearch);
  if (!resolved.ok) {
    fail(resolved.error.code, "pattern", pointer,
         "the pattern '" + source + "' is not supported: " + resolved.error.message);
    result_.error.position = resolved.error.position;
    patterns_[key] = std::move(compiled);
    return nullptr;
  }
  compiled->ok = true;
  compiled->re = std::move(resolved.re);
  compiled->nfa_ok = build_nfa(compiled->re, kMaxNfaStates, &compiled->nfa);
  CompiledPattern* out = compiled.get();
  patterns_[key] = std::move(compiled);
  return out;
}

// ---- merging ---------------------------------------------------------------------------------

MergedSchema SchemaCompiler::merge_all(const Conj& conj, uint32_t depth) {
  MergedSchema m;
  for (const SchemaRef& s : conj) {
    merge(s, m, depth);
    if (failed_) break;
  }
  return m;
}

void SchemaCompiler::merge(const SchemaRef& at, MergedSchema& m, uint32_t depth) {
  if (out_of_time()) return;
  if (depth > options_.budgets.max_depth) {
    fail(ErrorCode::kBudgetExceeded, "", at.pointer,
         "the schema nests (through allOf and $ref) deeper than the depth budget; a $ref cycle "
         "without an instance in between has no finite expansion");
    return;
  }
  const JsonValue& s = *at.schema;
  if (s.is_bool()) {
    if (!s.boolean) m.nothing = true;
    return;
  }
  if (!s.is_object()) {
    fail(ErrorCode::kInvalidSchema, "", at.pointer, "a schema must be an object or a boolean");
    return;
  }
  const JsonValue* ref = s.find("$ref");
  if (ref != nullptr) {
    if (!ref->is_string()) {
      fail(ErrorCode::kInvalidSchema, "$ref", child(at.pointer, "$ref"), "$ref must be a string");
      return;
    }
    std::string target_pointer;
    const JsonValue* target = resolve_ref(ref->text, at.pointer, &target_pointer);
    if (target == nullptr) return;
    merge(SchemaRef{target, target_pointer}, m, depth + 1);
    if (!siblings_of_ref_apply()) {
      for (const auto& [key, value] : s.members) {
        if (key == "$ref" || is_annotation(key) || key == "definitions" || key == "$defs") {
          continue;
        }
        warn(WarningKind::kNoEffect, key, child(at.pointer, key),
             "ignored: beside $ref, draft 4-7 ignore other keywords");
      }
      return;
    }
  }
  for (const auto& [key, value] : s.members) {
    if (key == "$ref") continue;
    merge_keyword(key, value, at, m, depth);
    if (failed_) return;
  }
}

void SchemaCompiler::merge_keyword(const std::string& key, const JsonValue& value,
                                   const SchemaRef& at, MergedSchema& m, uint32_t depth) {
  const std::string here = child(at.pointer, key);
  const JsonValue& s = *at.schema;
  const auto invalid = [&](const std::string& message) {
    fail(ErrorCode::kInvalidSchema, key, here, "'" + key + "' " + message);
  };
  const auto count = [&](uint64_t* out) {
    if (!non_negative_integer(value, out)) invalid("must be a non-negative integer");
  };
  // A min* keyword raises the lower bound, a max* one lowers the upper (allOf branches meet).
  const auto bound = [&](uint64_t* min, uint64_t* max) {
    uint64_t n = 0;
    count(&n);
    if (key.compare(0, 3, "min") == 0) {
      *min = std::max(*min, n);
    } else {
      *max = std::min(*max, n);
    }
  };
  const auto schema_array = [&](std::vector<SchemaRef>* out) {
    if (!value.is_array() || value.items.empty()) {
      invalid("must be a non-empty array of schemas");
      return;
    }
    for (size_t i = 0; i < value.items.size(); i++) {
      out->push_back(SchemaRef{&value.items[i], child(here, std::to_string(i))});
    }
  };

  if (key == "type") {
    uint8_t bits = 0;
    const auto add = [&](const JsonValue& name) {
      static const struct {
        const char* name;
        uint8_t bit;
      } kTypes[] = {{"null", kTypeNull},      {"boolean", kTypeBoolean}, {"object", kTypeObject},
                    {"array", kTypeArray},    {"string", kTypeString},   {"number", kTypeNumber},
                    {"integer", kTypeInteger}};
      if (name.is_string()) {
        for (const auto& t : kTypes) {
          if (name.text == t.name) {
            bits |= t.bit;
            return true;
          }
        }
      }
      invalid("names an unknown type");
      return false;
    };
    if (value.is_array()) {
      for (const JsonValue& item : value.items) {
        if (!add(item)) return;
      }
    } else if (!add(value)) {
      return;
    }
    if (bits & kTypeNumber) bits &= static_cast<uint8_t>(~kTypeInteger);
    // Intersect, where integer is the part of number that is whole.
    uint8_t mine = m.types;
    const auto has = [](uint8_t set, uint8_t bit) { return (set & bit) != 0; };
    uint8_t out = static_cast<uint8_t>(mine & bits & ~(kTypeNumber | kTypeInteger));
    if (has(mine, kTypeNumber) && has(bits, kTypeNumber)) {
      out |= kTypeNumber;
    } else if ((has(mine, kTypeNumber) || has(mine, kTypeInteger)) &&
               (has(bits, kTypeNumber) || has(bits, kTypeInteger))) {
      out |= kTypeInteger;
    }
    m.types = out;
  } else if (key == "enum" || key == "const") {
    std::vector<const JsonValue*> values;
    if (key == "enum") {
      if (!value.is_array()) return invalid("must be an array");
      for (const JsonValue& v : value.items) values.push_back(&v);
    } else {
      values.push_back(&value);
    }
    if (!m.has_enum) {
      m.has_enum = true;
      m.enum_values = values;
    } else {
      std::vector<const JsonValue*> kept;
      for (const JsonValue* v : m.enum_values) {
        for (const JsonValue* w : values) {
          if (json_equal(*v, *w)) {
            kept.push_back(v);
            break;
          }
        }
      }
      m.enum_values = kept;
    }
  } else if (key == "allOf") {
    std::vector<SchemaRef> branches;
    schema_array(&branches);
    for (const SchemaRef& b : branches) merge(b, m, depth + 1);
  } else if (key == "anyOf" || key == "oneOf") {
    MergedSchema::Group g;
    g.one_of = key == "oneOf";
    g.pointer = here;
    schema_array(&g.branches);
    m.groups.push_back(std::move(g));
  } else if (key == "not") {
    if (value.is_bool() || (value.is_object() && value.members.empty())) {
      if (!value.is_bool() || value.boolean) m.nothing = true;  // not true: no instance
      return;
    }
    // not {type: ...} alone removes whole types; anything else is checked against enum values.
    const JsonValue* type = value.find("type");
    bool only_type = type != nullptr && !value.find("$ref");
    for (const auto& member : value.members) {
      only_type = only_type && (member.first == "type" || is_annotation(member.first));
    }
    if (only_type) {
      MergedSchema excluded;
      merge_keyword("type", *type, SchemaRef{&value, here}, excluded, depth + 1);
      if (failed_) return;
      uint8_t remove = excluded.types;
      // "not integer" leaves the non-integer numbers, which no type bit describes.
      if ((remove & kTypeInteger) && (m.types & kTypeNumber)) {
        m.nots.push_back(SchemaRef{&value, here});
        remove = static_cast<uint8_t>(remove & ~kTypeInteger);
      }
      if (remove & kTypeNumber) remove |= kTypeInteger;
      m.types = static_cast<uint8_t>(m.types & ~remove);
      return;
    }
    m.nots.push_back(SchemaRef{&value, here});
  } else if (key == "if") {
    if (s.find("then") != nullptr || s.find("else") != nullptr) {
      unsupported(key, at.pointer, "conditional schemas (if/then/else) are not supported");
    } else {
      warn(WarningKind::kNoEffect, key, here, "'if' without 'then' or 'else' has no effect");
    }
  } else if (key == "then" || key == "else") {
    if (s.find("if") == nullptr) {
      warn(WarningKind::kNoEffect, key, here, "'" + key + "' without 'if' has no effect");
    }
  } else if (key == "properties" || key == "patternProperties" || key == "additionalProperties") {
    // One ObjectSpec per schema object, made when its first object keyword is seen.
    if (key != "additionalProperties" && !value.is_object()) return invalid("must be an object");
    if (m.objects.empty() || m.objects.back().pointer != at.pointer) {
      MergedSchema::ObjectSpec spec;
      spec.pointer = at.pointer;
      m.objects.push_back(spec);
    }
    MergedSchema::ObjectSpec& spec = m.objects.back();
    if (key == "properties") spec.properties = &value;
    if (key == "patternProperties") spec.pattern_properties = &value;
    if (key == "additionalProperties") spec.additional = &value;
  } else if (key == "required") {
    if (!value.is_array()) return invalid("must be an array of strings");
    for (const JsonValue& name : value.items) {
      if (!name.is_string()) return invalid("must be an array of strings");
      bool seen = false;
      for (const std::string& r : m.required) seen = seen || r == name.text;
      if (!seen) m.required.push_back(name.text);
    }
  } else if (key == "propertyNames") {
    m.property_names.push_back(SchemaRef{&value, here});
  } else if (key == "minProperties" || key == "maxProperties") {
    bound(&m.min_properties, &m.max_properties);
    m.properties_count_pointer = here;
  } else if (key == "items" || key == "prefixItems") {
    // prefixItems (2020-12) and items as an array (draft 4-2019) are tuples; items as a schema
    // is the schema of the positions after any tuple.
    const bool tuple = key == "prefixItems" || value.is_array();
    if (m.arrays.empty() || m.arrays.back().pointer != at.pointer) {
      m.arrays.push_back(MergedSchema::ArraySpec{});
      m.arrays.back().pointer = at.pointer;
    }
    MergedSchema::ArraySpec& spec = m.arrays.back();
    if (tuple) {
      if (!value.is_array()) return invalid("must be an array of schemas");
      spec.prefix.clear();
      for (size_t i = 0; i < value.items.size(); i++) {
        spec.prefix.push_back(SchemaRef{&value.items[i], child(here, std::to_string(i))});
      }
      // Draft 4-2019: later positions follow additionalItems.
      if (key == "items") {
        const JsonValue* additional = s.find("additionalItems");
        if (additional != nullptr) {
          spec.rest = SchemaRef{additional, child(at.pointer, "additionalItems")};
        }
      }
    } else {
      spec.rest = SchemaRef{&value, here};
    }
  } else if (key == "additionalItems") {
    const JsonValue* items = s.find("items");
    if (items == nullptr || !items->is_array()) {
      warn(WarningKind::kNoEffect, key, here,
           "'additionalItems' has no effect unless 'items' is an array");
    }
  } else if (key == "minItems" || key == "maxItems") {
    bound(&m.min_items, &m.max_items);
  } else if (key == "uniqueItems") {
    if (!value.is_bool()) return invalid("must be a boolean");
    if (value.boolean) unsupported(key, at.pointer, "a grammar cannot compare array items");
  } else if (key == "contains") {
    unsupported(key, at.pointer, "'contains' is not supported");
  } else if (key == "minContains" || key == "maxContains") {
    if (s.find("contains") == nullptr) {
      warn(WarningKind::kNoEffect, key, here, "'" + key + "' without 'contains' has no effect");
    }
  } else if (key == "dependentRequired" || key == "dependentSchemas" || key == "dependencies") {
    if (value.is_object() && value.members.empty()) return;
    unsupported(key, at.pointer, "property dependencies are not supported");
  } else if (key == "unevaluatedProperties" || key == "unevaluatedItems") {
    unsupported(key, at.pointer, "'" + key + "' is not supported");
  } else if (key == "$dynamicRef" || key == "$recursiveRef") {
    fail(ErrorCode::kUnsupportedFeature, key, here, "'" + key + "' is not supported");
  } else if (key == "minLength" || key == "maxLength") {
    bound(&m.min_length, &m.max_length);
  } else if (key == "pattern") {
    if (!value.is_string()) return invalid("must be a string");
    m.patterns.push_back(SchemaRef{&value, here});
  } else if (key == "format") {
    if (!value.is_string()) return invalid("must be a string");
    if (format_pattern(value.text) == nullptr) {
      warn(WarningKind::kUnknownFormat, key, here,
           "the format '" + value.text + "' is not one the grammar enforces (an annotation)");
    } else {
      m.formats.push_back(SchemaRef{&value, here});
    }
  } else if (key == "minimum" || key == "maximum" || key == "exclusiveMinimum" ||
             key == "exclusiveMaximum") {
    const bool lower = key == "minimum" || key == "exclusiveMinimum";
    if (value.is_bool()) {
      // Draft 4: exclusiveMinimum/Maximum are booleans that qualify minimum/maximum.
      if (key == "minimum" || key == "maximum") return invalid("must be a number");
      const JsonValue* bound = s.find(lower ? "minimum" : "maximum");
      if (bound == nullptr) {
        warn(WarningKind::kNoEffect, key, here,
             std::string("has no effect without '") + (lower ? "minimum" : "maximum") + "'");
      }
      return;  // applied with minimum / maximum
    }
    if (!value.is_number()) return invalid("must be a number");
    Decimal d;
    if (!parse_decimal(value.text, &d)) {
      fail(ErrorCode::kUnsupportedFeature, key, here,
           "the bound " + value.text + " has more than " + std::to_string(kMaxBoundDigits) +
               " digits in plain notation");
      return;
    }
    bool inclusive = key == "minimum" || key == "maximum";
    if (inclusive) {
      const JsonValue* flag = s.find(lower ? "exclusiveMinimum" : "exclusiveMaximum");
      if (flag != nullptr && flag->is_bool() && flag->boolean) inclusive = false;
    }
    if (lower) {
      m.bounds.add_lo(d, inclusive);
    } else {
      m.bounds.add_hi(d, inclusive);
    }
  } else if (key == "multipleOf") {
    Decimal d;
    if (!value.is_number() || !parse_decimal(value.text, &d) || d.negative || d.is_zero()) {
      return invalid("must be a number above 0");
    }
    if (d.digits == "1" && d.exponent == 0) {
      // multipleOf 1: the integers.
      if (m.types & kTypeNumber) {
        m.types = static_cast<uint8_t>((m.types & ~kTypeNumber) | kTypeInteger);
      }
    } else {
      unsupported(key, at.pointer, "only 'multipleOf': 1 is supported");
    }
  } else if (key == "definitions" || key == "$defs") {
    // Containers of schemas for $ref: no constraint here.
  } else if (is_annotation(key)) {
    warn(WarningKind::kAnnotation, key, here, "an annotation: ignored");
  } else {
    warn(WarningKind::kVendorExtension, key, here, "an unknown keyword: ignored");
  }
}

}  // namespace logitkit::grammar
