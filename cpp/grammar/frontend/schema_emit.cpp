// MergedSchema -> GBNF: one alternative per JSON type the schema allows, anyOf/oneOf distributed
// over the other constraints, and one rule per distinct conjunction of schemas (so $ref cycles
// become recursive rules).
#include <algorithm>
#include <functional>
#include <map>

#include "formats.h"
#include "json_value.h"
#include "length_product.h"

#include "re_emit.h"
#include "schema_compiler.h"

namespace logitkit::grammar {

namespace {

constexpr size_t kMaxDistributed = 4096;  // anyOf/oneOf alternatives per schema document
constexpr uint64_t kMaxCount = 100000;    // largest minItems/minLength/... written as a count
// A pattern with lengths that restrict_length cannot fold is written as the product of its
// automaton with a length counter, up to this many (state, length) pairs (GBNF rules).
constexpr size_t kMaxLengthPairs = 20000;

std::string alternatives_or_nothing(std::vector<std::string> parts) {
  parts.erase(std::remove(parts.begin(), parts.end(), std::string()), parts.end());
  std::vector<std::string> unique;
  for (auto& p : parts) {
    if (std::find(unique.begin(), unique.end(), p) == unique.end()) unique.push_back(p);
  }
  if (unique.empty()) return "";
  if (unique.size() == 1) return unique[0];
  return "(" + GbnfWriter::alternatives(unique) + ")";
}

uint32_t clamp_count(uint64_t n) {
  return n == UINT64_MAX ? UINT32_MAX : static_cast<uint32_t>(std::min<uint64_t>(n, kMaxCount));
}

std::string conj_key(const std::vector<SchemaRef>& conj) {
  std::string key;
  for (const SchemaRef& s : conj) {
    key += std::to_string(s.pointer.size());
    key += ':';
    key += s.pointer;
  }
  return key;
}

// Length range (in code points) of an anchor-free Re.
void length_range(const Re& re, uint64_t* lo, uint64_t* hi) {
  switch (re.kind) {
    case Re::Kind::kSet:
      *lo = *hi = 1;
      return;
    case Re::Kind::kSeq: {
      *lo = *hi = 0;
      for (const Re& kid : re.kids) {
        uint64_t a, b;
        length_range(kid, &a, &b);
        *lo += a;
        *hi = (*hi == UINT64_MAX || b == UINT64_MAX) ? UINT64_MAX : *hi + b;
      }
      return;
    }
    case Re::Kind::kAlt: {
      *lo = UINT64_MAX;
      *hi = 0;
      for (const Re& kid : re.kids) {
        uint64_t a, b;
        length_range(kid, &a, &b);
        *lo = std::min(*lo, a);
        *hi = std::max(*hi, b);
      }
      return;
    }
    case Re::Kind::kRepeat: {
      uint64_t a, b;
      length_range(re.kids[0], &a, &b);
      *lo = a * re.min;
      *hi = (re.max == Re::kUnbounded || b == UINT64_MAX) ? (b == 0 ? 0 : UINT64_MAX) : b * re.max;
      return;
    }
    default:
      *lo = *hi = 0;
  }
}

// Intersects an Re with a length window when the Re has the shape: fixed-length parts and at
// most one repetition of a single code-point set. False when it has another shape.
bool restrict_length(Re* re, uint64_t min, uint64_t max) {
  std::vector<Re*> parts;
  if (re->kind == Re::Kind::kSeq) {
    for (Re& kid : re->kids) parts.push_back(&kid);
  } else {
    parts.push_back(re);
  }
  uint64_t fixed = 0;
  Re* variable = nullptr;
  for (Re* p : parts) {
    uint64_t a, b;
    length_range(*p, &a, &b);
    if (a == b) {
      fixed += a;
    } else if (variable == nullptr && p->kind == Re::Kind::kRepeat &&
               p->kids[0].kind == Re::Kind::kSet) {
      variable = p;
    } else {
      return false;
    }
  }
  if (variable == nullptr) {
    if (fixed < min || fixed > max) *re = Re::chars(CharSet());
    return true;
  }
  const uint64_t lo = min > fixed ? min - fixed : 0;
  const uint64_t hi = max == UINT64_MAX ? UINT64_MAX : (max >= fixed ? max - fixed : 0);
  const uint64_t new_min = std::max<uint64_t>(variable->min, lo);
  const uint64_t old_max = variable->max == Re::kUnbounded ? UINT64_MAX : variable->max;
  const uint64_t new_max = std::min(old_max, hi);
  if (max < fixed || new_min > new_max) {
    *re = Re::chars(CharSet());
    return true;
  }
  variable->min = clamp_count(new_min);
  variable->max = new_max == UINT64_MAX ? Re::kUnbounded : clamp_count(new_max);
  return true;
}

}  // namespace

std::string SchemaCompiler::never() {
  if (never_.empty()) {
    never_ = writer_.fresh_name("never");
    // No string derives from this rule (it never ends): the empty language.
    writer_.define(never_, "[\\x00] " + never_);
  }
  return never_;
}

std::string SchemaCompiler::compile(const Conj& conj, const std::string& hint, uint32_t depth) {
  if (out_of_time()) return "";
  const std::string key = conj_key(conj);
  auto found = memo_.find(key);
  if (found != memo_.end()) {
    if (!found->second.done) {
      found->second.referenced = true;
      return found->second.name;
    }
    return found->second.expr;
  }
  Memo& memo = memo_[key];
  memo.name = writer_.fresh_name(hint);
  MergedSchema m = merge_all(conj, depth + 1);
  const std::string body = failed_ ? "" : compile_merged(m, memo.name, depth + 1);
  if (failed_) return "";
  Memo& done = memo_[key];  // references into an unordered_map stay valid, re-read for clarity
  done.done = true;
  if (body.empty()) {
    if (done.referenced) {
      writer_.define(done.name, never());
      done.expr = done.name;
    }
    return done.expr;
  }
  if (!done.referenced && body.size() <= 48 && GbnfWriter::group(body) == body) {
    done.expr = body;  // a literal, class or rule name: no rule of its own
  } else {
    writer_.define(done.name, body);
    done.expr = done.name;
  }
  return done.expr;
}

std::string SchemaCompiler::compile_merged(MergedSchema& m, const std::string& hint,
                                           uint32_t depth) {
  if (failed_ || m.nothing) return "";
  if (depth > options_.budgets.max_depth * 4) {
    fail(ErrorCode::kBudgetExceeded, "", "", "the schema nests deeper than the depth budget");
    return "";
  }
  if (m.groups.empty()) return emit_types(m, hint, depth);

  const MergedSchema::Group group = m.groups.back();
  m.groups.pop_back();
  const bool plain = !m.constrains_besides_groups() && m.groups.empty();
  std::vector<MergedSchema> branches;
  for (const SchemaRef& b : group.branches) {
    if (out_of_time()) return "";
    if (++distributed_ > kMaxDistributed) {
      fail(ErrorCode::kBudgetExceeded, group.one_of ? "oneOf" : "anyOf", group.pointer,
           "anyOf/oneOf combinations exceed " + std::to_string(kMaxDistributed) + " alternatives");
      return "";
    }
    MergedSchema mb = plain ? MergedSchema() : m;
    merge(b, mb, depth + 1);
    if (failed_) return "";
    branches.push_back(std::move(mb));
  }
  if (group.one_of) {
    for (size_t i = 0; i < branches.size() && !failed_; i++) {
      for (size_t j = i + 1; j < branches.size() && !failed_; j++) {
        if (branches[i].nothing || branches[j].nothing) continue;
        if (!provably_disjoint(branches[i], branches[j], depth + 1)) {
          unsupported("oneOf", group.pointer.substr(0, group.pointer.rfind('/')),
                      "alternatives " + std::to_string(i) + " and " + std::to_string(j) +
                          " may both match one instance, and a grammar cannot exclude that");
          if (failed_) return "";
          i = branches.size();  // warned once; treat as anyOf
          break;
        }
      }
    }
  }
  std::vector<std::string> alts;
  for (size_t i = 0; i < branches.size(); i++) {
    const std::string branch_hint = hint + "-" + std::to_string(i);
    if (plain) {
      alts.push_back(compile(Conj{group.branches[i]}, branch_hint, depth + 1));
    } else {
      alts.push_back(compile_merged(branches[i], branch_hint, depth + 1));
    }
    if (failed_) return "";
  }
  return alternatives_or_nothing(std::move(alts));
}

std::string SchemaCompiler::emit_types(const MergedSchema& m, const std::string& hint,
                                       uint32_t depth) {
  if (m.has_enum) return emit_enum(m, depth);
  if (!m.nots.empty()) {
    const std::string& at = m.nots[0].pointer;
    unsupported("not", at.substr(0, at.rfind('/')),
                "a grammar cannot exclude the instances of a schema (only from an enum or const)");
    if (failed_) return "";
  }
  std::vector<std::string> alts;
  if (m.types & kTypeNull) alts.push_back("\"null\"");
  if (m.types & kTypeBoolean) alts.push_back("\"true\"");
  if (m.types & kTypeBoolean) alts.push_back("\"false\"");
  if (m.types & (kTypeNumber | kTypeInteger)) alts.push_back(emit_number(m));
  if (m.types & kTypeString) alts.push_back(emit_string(m));
  if (m.types & kTypeArray) alts.push_back(emit_array(m, hint, depth));
  if (m.types & kTypeObject) alts.push_back(emit_object(m, hint, depth));
  if (failed_) return "";
  // Every type allowed and nothing else: the shared any-value rule.
  if (m.types == kAllTypes && !m.constrains_besides_groups()) return json_.value();
  return alternatives_or_nothing(std::move(alts));
}

std::string SchemaCompiler::emit_enum(const MergedSchema& m, uint32_t depth) {
  MergedSchema rest = m;
  rest.has_enum = false;
  rest.enum_values.clear();
  std::vector<std::string> alts;
  for (const JsonValue* v : m.enum_values) {
    if (check_merged(*v, rest, depth + 1) == Verdict::kPass) alts.push_back(emit_value(*v));
    if (failed_) return "";
  }
  return alternatives_or_nothing(std::move(alts));
}

std::string SchemaCompiler::emit_value(const JsonValue& v) {
  const std::string ws = json_.gap();
  const std::string w = ws.empty() ? " " : " " + ws + " ";
  switch (v.type) {
    case JsonValue::Type::kNull:
      return "\"null\"";
    case JsonValue::Type::kBool:
      return v.boolean ? "\"true\"" : "\"false\"";
    case JsonValue::Type::kNumber: {
      Decimal d;
      if (parse_decimal(v.text, &d)) return "(" + number_literal_gbnf(d) + ")";
      return GbnfWriter::literal(v.text);
    }
    case JsonValue::Type::kString:
      return JsonGrammar::canonical_string(v.text);
    case JsonValue::Type::kArray: {
      if (v.items.empty()) return "(\"[\"" + w + "\"]\")";
      std::string out = "(\"[\"" + w;
      for (size_t i = 0; i < v.items.size(); i++) {
        if (i > 0) out += w + "\",\"" + w;
        out += emit_value(v.items[i]);
      }
      return out + w + "\"]\")";
    }
    case JsonValue::Type::kObject: {
      if (v.members.empty()) return "(\"{\"" + w + "\"}\")";
      std::string out = "(\"{\"" + w;
      for (size_t i = 0; i < v.members.size(); i++) {
        if (i > 0) out += w + "\",\"" + w;
        out += JsonGrammar::canonical_string(v.members[i].first) + w + "\":\"" + w +
               emit_value(v.members[i].second);
      }
      return out + w + "\"}\")";
    }
  }
  return "";
}

std::string SchemaCompiler::emit_number(const MergedSchema& m) {
  const bool integers = (m.types & kTypeInteger) && !(m.types & kTypeNumber);
  if (integers) {
    if (!m.bounds.has_lo && !m.bounds.has_hi) return json_.integer();
    return integer_range_gbnf(writer_, m.bounds);
  }
  return number_range_gbnf(writer_, m.bounds, json_.number());
}

std::string SchemaCompiler::emit_string(const MergedSchema& m) {
  const std::string quote = "\"\\\"\"";
  if (m.min_length > m.max_length) return "";
  if (m.min_length > kMaxCount) {
    fail(ErrorCode::kBudgetExceeded, "minLength", "",
         "minLength above " + std::to_string(kMaxCount) + " is beyond the budget");
    return "";
  }
  const bool bounded = m.min_length > 0 || m.max_length != UINT64_MAX;
  std::vector<const CompiledPattern*> regexes;
  std::vector<const SchemaRef*> sources;
  for (const SchemaRef& p : m.patterns) {
    regexes.push_back(pattern(p.schema->text, p.pointer, false));
    sources.push_back(&p);
  }
  for (const SchemaRef& f : m.formats) {
    const char* source = format_pattern(f.schema->text);
    regexes.push_back(pattern(source, f.pointer, true));
    sources.push_back(&f);
  }
  if (failed_) return "";
  if (regexes.empty()) {
    if (!bounded) return json_.string();
    return quote + " " +
           GbnfWriter::repeat(json_.string_char(), clamp_count(m.min_length),
                              clamp_count(m.max_length)) +
           " " + quote;
  }
  // The first pattern or format is kept; with strict: false the others are left out.
  for (size_t i = 1; i < sources.size(); ++i) {
    const std::string& at = sources[i]->pointer;
    if (!leave_out(at.substr(at.rfind('/') + 1), at,
                   "a string with more than one pattern or format is not supported"))
      return "";
  }
  Re re = regexes[0]->re;
  if (bounded) {
    uint64_t lo, hi;
    length_range(re, &lo, &hi);
    const bool implied = lo >= m.min_length && hi <= m.max_length;
    if (!implied) {
      Re restricted = re;
      if (restrict_length(&restricted, m.min_length, m.max_length)) {
        re = std::move(restricted);
      } else {
        std::string content;
        // Half the rules still free at most, so a schema with several such strings falls back
        // to "unsupported" (a superset with strict: false) rather than a budget error.
        const size_t budget = std::min(kMaxLengthPairs, writer_.rules_left() / 2);
        switch (
            length_product_gbnf(re, m.min_length, m.max_length, budget, json_, writer_, &content)) {
          case LengthProduct::kWritten:
            return quote + " " + content + " " + quote;
          case LengthProduct::kEmpty:
            return "";
          case LengthProduct::kTooLarge:
            break;
        }
        const std::string& at = sources[0]->pointer;
        const std::string keyword = at.substr(at.rfind('/') + 1);  // pattern or format
        if (!leave_out(keyword, at,
                       "this " + keyword +
                           " together with minLength/maxLength is beyond the budget of " +
                           std::to_string(budget) +
                           " (pattern state, length) pairs (with strict: false, the lengths are "
                           "left out)")) {
          return "";
        }
      }
    }
  }
  if (re_is_nothing(re)) return "";
  return quote + " " + re_to_gbnf(re, &json_) + " " + quote;
}

std::string SchemaCompiler::emit_array(const MergedSchema& m, const std::string& hint,
                                       uint32_t depth) {
  size_t k = 0;
  for (const auto& spec : m.arrays) k = std::max(k, spec.prefix.size());
  uint64_t min = m.min_items, max = m.max_items;
  if (min > kMaxCount) {
    fail(ErrorCode::kBudgetExceeded, "minItems", "",
         "minItems above " + std::to_string(kMaxCount) + " is beyond the budget");
    return "";
  }
  std::vector<std::string> items;
  for (size_t i = 0; i < k && i < max; i++) {
    const Conj conj = item_schemas(m, i);
    std::string e =
        conj.empty() ? json_.value() : compile(conj, hint + "-" + std::to_string(i), depth + 1);
    if (failed_) return "";
    if (e.empty()) {
      max = std::min<uint64_t>(max, i);
      break;
    }
    items.push_back(e);
  }
  std::string rest;
  if (max > k) {
    Conj conj;
    for (const auto& spec : m.arrays) {
      if (spec.rest.schema != nullptr) conj.push_back(spec.rest);
    }
    rest = conj.empty() ? json_.value() : compile(conj, hint + "-item", depth + 1);
    if (failed_) return "";
    if (rest.empty()) max = k;
  }
  if (min > max) return "";
  const std::string ws = json_.gap();
  const std::string w = ws.empty() ? " " : " " + ws + " ";
  const std::string sep = w.substr(1) + "\",\"" + w;  // [ws] "," [ws], then the next item
  const std::string empty = "\"[\"" + w + "\"]\"";
  if (max == 0) return empty;
  // elements(i): the items after the first i, each after a separator.
  std::string tail;
  {
    // Positions >= k: the rest schema, repeated.
    const uint64_t have = std::max<uint64_t>(k, 1);
    if (max > have) {
      const uint64_t a = min > have ? min - have : 0;
      const uint64_t b = max == UINT64_MAX ? UINT64_MAX : max - have;
      tail = GbnfWriter::repeat("(" + sep + rest + ")", clamp_count(a), clamp_count(b));
    }
    for (size_t i = std::min<uint64_t>(k, max); i-- > 1;) {
      std::string inner = sep + items[i] + (tail.empty() ? "" : " " + tail);
      tail = i >= min ? "(" + inner + ")?" : inner;
    }
  }
  const std::string first = k > 0 ? items[0] : rest;
  const std::string nonempty = "\"[\"" + w + first + (tail.empty() ? "" : " " + tail) + w + "\"]\"";
  return min == 0 ? "(" + empty + " | " + nonempty + ")" : nonempty;
}

SchemaCompiler::Conj SchemaCompiler::item_schemas(const MergedSchema& m, size_t index) {
  Conj conj;
  for (const auto& spec : m.arrays) {
    if (index < spec.prefix.size()) {
      conj.push_back(spec.prefix[index]);
    } else if (spec.rest.schema != nullptr) {
      conj.push_back(spec.rest);
    }
  }
  return conj;
}

SchemaCompiler::Conj SchemaCompiler::member_schemas(const MergedSchema& m, const std::string& name,
                                                    bool* declared) {
  Conj conj;
  *declared = false;
  for (const auto& spec : m.objects) {
    bool matched = false;
    if (spec.properties != nullptr) {
      if (const JsonValue* s = spec.properties->find(name)) {
        conj.push_back(SchemaRef{s, spec.pointer + "/properties/" + pointer_token(name)});
        matched = true;
      }
    }
    if (spec.pattern_properties != nullptr) {
      for (const auto& [source, schema] : spec.pattern_properties->members) {
        const std::string at = spec.pointer + "/patternProperties/" + pointer_token(source);
        const CompiledPattern* p = pattern(source, at, false);
        if (p == nullptr) return {};
        if (!p->nfa_ok) {
          fail(ErrorCode::kBudgetExceeded, "patternProperties", at,
               "the pattern is too large to match property names against");
          return {};
        }
        if (nfa_matches(p->nfa, name)) {
          conj.push_back(SchemaRef{&schema, at});
          matched = true;
        }
      }
    }
    if (!matched && spec.additional != nullptr) {
      conj.push_back(SchemaRef{spec.additional, spec.pointer + "/additionalProperties"});
    }
    *declared = *declared || matched;
  }
  return conj;
}

std::string SchemaCompiler::emit_object(const MergedSchema& m, const std::string& hint,
                                        uint32_t depth) {
  // Declared names in schema order, then required names no schema declares.
  std::vector<std::string> names;
  const auto add_name = [&](const std::string& n) {
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  };
  for (const auto& spec : m.objects) {
    if (spec.properties == nullptr) continue;
    for (const auto& member : spec.properties->members) add_name(member.first);
  }
  for (const std::string& r : m.required) add_name(r);

  struct Member {
    std::string key_value;  // key ws ":" ws value
    bool required;
  };
  const std::string ws = json_.gap();
  const std::string w = ws.empty() ? " " : " " + ws + " ";
  std::vector<Member> members;
  for (const std::string& name : names) {
    bool declared;
    Conj conj = member_schemas(m, name, &declared);
    if (failed_) return "";
    const bool required = std::find(m.required.begin(), m.required.end(), name) != m.required.end();
    const std::string value =
        conj.empty() ? json_.value() : compile(conj, hint + "-" + name, depth + 1);
    if (failed_) return "";
    if (value.empty()) {
      if (required) return "";  // a required member with no possible value
      continue;
    }
    members.push_back(
        Member{JsonGrammar::canonical_string(name) + w + "\":\"" + w + value, required});
  }

  // Members not named by `properties`: allowed unless some schema forbids them.
  std::string extra;  // key ws ":" ws value for one undeclared member, or "" when none allowed
  {
    bool any_patterns = false;
    for (const auto& spec : m.objects) {
      any_patterns = any_patterns || (spec.pattern_properties != nullptr &&
                                      !spec.pattern_properties->members.empty());
    }
    if (!m.property_names.empty()) {
      bool all_true = true;
      for (const SchemaRef& p : m.property_names) {
        all_true = all_true && ((p.schema->is_bool() && p.schema->boolean) ||
                                (p.schema->is_object() && p.schema->members.empty()));
      }
      if (!all_true) {
        unsupported("propertyNames",
                    m.property_names[0].pointer.substr(0, m.property_names[0].pointer.rfind('/')),
                    "constraints on property names are not supported");
        if (failed_) return "";
      }
    }
    // Any key except the declared names, each code point in any of its JSON spellings. A trie of
    // the names: at each node, end (unless a name ends there), leave the trie with a code point no
    // name continues with, or follow a child.
    const auto other_names = [&]() -> Re {
      struct Node {
        bool terminal = false;
        std::map<uint32_t, size_t> kids;
      };
      std::vector<Node> trie(1);
      for (const std::string& n : names) {
        size_t at = 0;
        for (size_t pos = 0; pos < n.size();) {
          uint32_t cp = 0;
          size_t len = decode_utf8(n, pos, &cp);
          if (len == 0) len = 1;
          pos += len;
          auto it = trie[at].kids.find(cp);
          if (it == trie[at].kids.end()) {
            trie.push_back(Node());
            it = trie[at].kids.emplace(cp, trie.size() - 1).first;
          }
          at = it->second;
        }
        trie[at].terminal = true;
      }
      const Re any = Re::repeat(Re::chars(CharSet::all()), 0, Re::kUnbounded);
      std::function<Re(size_t)> node_re = [&](size_t at) -> Re {
        std::vector<Re> options;
        if (!trie[at].terminal) options.push_back(Re::empty());
        CharSet others = CharSet::all();
        for (const auto& [cp, next] : trie[at].kids) others = others.minus(CharSet::of(cp));
        if (!others.empty()) options.push_back(Re::seq({Re::chars(others), any}));
        for (const auto& [cp, next] : trie[at].kids) {
          options.push_back(Re::seq({Re::chars(CharSet::of(cp)), node_re(next)}));
        }
        return Re::alt(std::move(options));
      };
      return names.empty() ? any : node_re(0);
    };
    const auto member = [&](const Re& keys, const std::string& value) {
      return "\"\\\"\" " + re_to_gbnf(keys, &json_) + " \"\\\"\"" + w + "\":\"" + w + value;
    };
    if (!any_patterns) {
      Conj conj;
      for (const auto& spec : m.objects) {
        if (spec.additional != nullptr) {
          conj.push_back(SchemaRef{spec.additional, spec.pointer + "/additionalProperties"});
        }
      }
      const std::string value =
          conj.empty() ? json_.value() : compile(conj, hint + "-additional", depth + 1);
      if (failed_) return "";
      if (!value.empty()) extra = member(other_names(), value);
    } else {
      // patternProperties: supported when one schema has them, its additionalProperties forbids
      // other names, and no declared name matches a pattern (so no exclusion is needed).
      const MergedSchema::ObjectSpec* owner = nullptr;
      bool ok = true;
      for (const auto& spec : m.objects) {
        if (spec.pattern_properties != nullptr && !spec.pattern_properties->members.empty()) {
          ok = ok && owner == nullptr;
          owner = &spec;
        }
      }
      ok = ok && owner->additional != nullptr && owner->additional->is_bool() &&
           !owner->additional->boolean;
      std::vector<Re> key_res;
      Conj value_conj;
      const JsonValue* shared_schema = nullptr;
      if (ok) {
        for (const auto& [source, schema] : owner->pattern_properties->members) {
          const std::string at = owner->pointer + "/patternProperties/" + pointer_token(source);
          const CompiledPattern* p = pattern(source, at, false);
          if (p == nullptr) return "";
          for (const std::string& n : names) ok = ok && p->nfa_ok && !nfa_matches(p->nfa, n);
          if (shared_schema != nullptr && !json_equal(*shared_schema, schema)) ok = false;
          if (shared_schema == nullptr) {
            shared_schema = &schema;
            value_conj.push_back(SchemaRef{&schema, at});
          }
          key_res.push_back(p->re);
        }
      }
      if (!ok) {
        unsupported("patternProperties", owner ? owner->pointer : "",
                    "only a patternProperties whose names exclude the declared properties, "
                    "with additionalProperties false (and one schema for all patterns), is "
                    "supported");
        if (failed_) return "";
        // Ignored (strict: false): the grammar must accept a superset of the instances, so every
        // undeclared name takes any value (additionalProperties does not apply to the names the
        // patterns match).
        extra = member(other_names(), json_.value());
      } else {
        for (const auto& spec : m.objects) {
          if (&spec != owner && spec.additional != nullptr) {
            value_conj.push_back(
                SchemaRef{spec.additional, spec.pointer + "/additionalProperties"});
          }
        }
        const std::string value = compile(value_conj, hint + "-pattern", depth + 1);
        if (failed_) return "";
        const Re keys = Re::alt(std::move(key_res));
        if (!value.empty() && !re_is_nothing(keys)) extra = member(keys, value);
      }
    }
  }

  size_t required_count = 0;
  for (const Member& mem : members) required_count += mem.required ? 1 : 0;
  // minProperties / maxProperties hold when the grammar's member counts already satisfy them.
  const uint64_t most = extra.empty() ? members.size() : UINT64_MAX;
  if (m.min_properties > required_count || m.max_properties < most) {
    const std::string& at = m.properties_count_pointer;
    unsupported(at.substr(at.rfind('/') + 1), at.substr(0, at.rfind('/')),
                "counting properties is only supported when the required and allowed properties "
                "imply the count");
    if (failed_) return "";
  }

  if (!extra.empty()) {
    const std::string name = writer_.fresh_name(hint + "-extra");
    writer_.define(name, extra);
    extra = name;
  }
  const std::string sep = w.substr(1) + "\",\"" + w;
  const std::string extras_after = extra.empty() ? "" : "(" + sep + extra + ")*";
  // after(i): members i.. given one was written before; first(i): none written yet (non-empty).
  std::vector<std::string> after(members.size() + 1), first(members.size() + 1);
  after[members.size()] = extras_after;
  first[members.size()] =
      extra.empty() ? "" : extra + (extras_after.empty() ? "" : " " + extras_after);
  const auto join = [](const std::string& a, const std::string& b) {
    return b.empty() ? a : a + " " + b;
  };
  const auto named = [&](const std::string& expr, const char* kind, size_t i) {
    // Share long suffixes through rules so the grammar stays linear in the member count.
    if (expr.size() <= 80) return expr;
    const std::string name = writer_.fresh_name(hint + "-" + kind + std::to_string(i));
    writer_.define(name, expr);
    return name;
  };
  for (size_t i = members.size(); i-- > 0;) {
    const std::string with = join(sep + members[i].key_value, after[i + 1]);
    after[i] =
        members[i].required
            ? with
            : (after[i + 1].empty() ? "(" + with + ")?" : "(" + with + " | " + after[i + 1] + ")");
    after[i] = named(after[i], "a", i);
    const std::string start = join(members[i].key_value, after[i + 1]);
    if (members[i].required) {
      first[i] = start;
    } else {
      first[i] = first[i + 1].empty() ? start : "(" + start + " | " + first[i + 1] + ")";
    }
    first[i] = named(first[i], "f", i);
  }
  const bool can_be_empty = required_count == 0;
  const std::string open = "\"{\"" + w;
  const std::string close = w + "\"}\"";
  std::vector<std::string> alts;
  if (can_be_empty) alts.push_back("\"{\"" + w + "\"}\"");
  if (!first[0].empty()) alts.push_back(open + first[0] + close);
  return alternatives_or_nothing(std::move(alts));
}

}  // namespace logitkit::grammar
