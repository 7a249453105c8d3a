// Whether a JSON value (an enum or const member) is an instance of a merged schema: the part of a
// validator the compiler needs to drop enum values that other keywords exclude, and to decide
// which patternProperties apply to a property name.
#include <algorithm>
#include <iterator>

#include "formats.h"
#include "schema_compiler.h"

namespace logitkit::grammar {

namespace {

uint64_t code_points(const std::string& utf8) {
  uint64_t n = 0;
  for (char c : utf8) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The type bit of a value, by JsonValue::Type (kNull, kBool, kNumber, kString, kArray, kObject);
// a number is also an integer when it is whole (check_merged decides).
constexpr uint8_t kTypeBitOf[] = {kTypeNull,   kTypeBoolean, kTypeNumber,
                                  kTypeString, kTypeArray,   kTypeObject};
static_assert(std::size(kTypeBitOf) == static_cast<size_t>(JsonValue::Type::kObject) + 1);

}  // namespace

SchemaCompiler::Verdict SchemaCompiler::check(const JsonValue& value, const Conj& conj,
                                              uint32_t depth) {
  MergedSchema m = merge_all(conj, depth + 1);
  return check_merged(value, m, depth + 1);
}

SchemaCompiler::Verdict SchemaCompiler::check_merged(const JsonValue& value, const MergedSchema& m,
                                                     uint32_t depth) {
  const Verdict fail_ = Verdict::kFail, pass = Verdict::kPass;
  if (failed_ || m.nothing) return fail_;
  if (depth > options_.budgets.max_depth * 4) {
    fail(ErrorCode::kBudgetExceeded, "", "", "the schema nests deeper than the depth budget");
    return fail_;
  }
  // Type.
  uint8_t bit = kTypeBitOf[static_cast<size_t>(value.type)];
  if (value.is_number() && (m.types & kTypeNumber) == 0) {
    Decimal d;
    if (parse_decimal(value.text, &d) && is_integer(d)) bit = kTypeInteger;
  }
  if ((m.types & bit) == 0) return fail_;
  if (m.has_enum) {
    bool found = false;
    for (const JsonValue* v : m.enum_values) found = found || json_equal(*v, value);
    if (!found) return fail_;
  }
  if (value.is_string()) {
    const uint64_t n = code_points(value.text);
    if (n < m.min_length || n > m.max_length) return fail_;
    for (const SchemaRef& p : m.patterns) {
      const CompiledPattern* c = pattern(p.schema->text, p.pointer, false);
      if (c == nullptr || !c->nfa_ok || !nfa_matches(c->nfa, value.text)) return fail_;
    }
    for (const SchemaRef& f : m.formats) {
      const CompiledPattern* c = pattern(format_pattern(f.schema->text), f.pointer, true);
      if (c == nullptr || !c->nfa_ok || !nfa_matches(c->nfa, value.text)) return fail_;
    }
  }
  if (value.is_number()) {
    Decimal d;
    if (!parse_decimal(value.text, &d)) return fail_;
    if (m.bounds.has_lo) {
      const int c = compare(d, m.bounds.lo);
      if (c < 0 || (c == 0 && !m.bounds.lo_inclusive)) return fail_;
    }
    if (m.bounds.has_hi) {
      const int c = compare(d, m.bounds.hi);
      if (c > 0 || (c == 0 && !m.bounds.hi_inclusive)) return fail_;
    }
  }
  if (value.is_array()) {
    if (value.items.size() < m.min_items || value.items.size() > m.max_items) return fail_;
    for (size_t i = 0; i < value.items.size(); i++) {
      const Conj conj = item_schemas(m, i);
      if (!conj.empty() && check(value.items[i], conj, depth) == fail_) return fail_;
    }
  }
  if (value.is_object()) {
    if (value.members.size() < m.min_properties || value.members.size() > m.max_properties) {
      return fail_;
    }
    for (const std::string& r : m.required) {
      if (value.find(r) == nullptr) return fail_;
    }
    for (const auto& [key, member] : value.members) {
      bool declared;
      const Conj conj = member_schemas(m, key, &declared);
      if (failed_) return fail_;
      if (!conj.empty() && check(member, conj, depth) == fail_) return fail_;
      JsonValue name;
      name.type = JsonValue::Type::kString;
      name.text = key;
      for (const SchemaRef& p : m.property_names) {
        if (check(name, Conj{p}, depth) == fail_) return fail_;
      }
    }
  }
  for (const SchemaRef& n : m.nots) {
    // A check that ignored a keyword (strict: false) proves nothing: keep the value then.
    const size_t ignored = ignored_;
    if (check(value, Conj{n}, depth) == pass && ignored_ == ignored) return fail_;
  }
  for (const auto& group : m.groups) {
    size_t matches = 0;
    for (const SchemaRef& b : group.branches) {
      if (check(value, Conj{b}, depth) == pass) matches++;
    }
    if (group.one_of ? matches != 1 : matches == 0) return fail_;
  }
  return failed_ ? fail_ : pass;
}

bool SchemaCompiler::provably_disjoint(const MergedSchema& a, const MergedSchema& b,
                                       uint32_t depth) {
  // Enumerated values: disjoint when no value of one is an instance of the other.
  if (a.has_enum || b.has_enum) {
    const MergedSchema& listed = a.has_enum ? a : b;
    const MergedSchema& other = a.has_enum ? b : a;
    for (const JsonValue* v : listed.enum_values) {
      if (check_merged(*v, listed, depth) == Verdict::kPass &&
          check_merged(*v, other, depth) == Verdict::kPass) {
        return false;
      }
    }
    return true;
  }
  uint8_t ta = a.types, tb = b.types;
  if (ta & kTypeNumber) ta |= kTypeInteger;
  if (tb & kTypeNumber) tb |= kTypeInteger;
  const uint8_t common = ta & tb;
  if (common == 0) return true;
  // Every shared type must separate the two.
  if (common & (kTypeNull | kTypeBoolean | kTypeString | kTypeArray)) return false;
  if (common & kTypeInteger) {
    // Numbers: disjoint intervals.
    const auto below = [](const NumericBounds& x, const NumericBounds& y) {
      if (!x.has_hi || !y.has_lo) return false;
      const int c = compare(x.hi, y.lo);
      return c < 0 || (c == 0 && !(x.hi_inclusive && y.lo_inclusive));
    };
    if (!below(a.bounds, b.bounds) && !below(b.bounds, a.bounds)) return false;
  }
  if (common & kTypeObject) {
    // Objects: a member one requires that the other forbids, or whose values cannot agree.
    bool separated = false;
    for (const std::string& name : a.required) {
      if (separated || failed_) break;
      bool declared_a, declared_b;
      const Conj ca = member_schemas(a, name, &declared_a);
      const Conj cb = member_schemas(b, name, &declared_b);
      MergedSchema ma = merge_all(ca, depth + 1), mb = merge_all(cb, depth + 1);
      if (mb.nothing) {
        separated = true;  // b forbids a member a requires
        continue;
      }
      const bool b_requires =
          std::find(b.required.begin(), b.required.end(), name) != b.required.end();
      if (b_requires && ma.groups.empty() && mb.groups.empty() &&
          provably_disjoint(ma, mb, depth + 1)) {
        separated = true;
      }
    }
    for (const std::string& name : b.required) {
      if (separated || failed_) break;
      bool declared;
      MergedSchema ma = merge_all(member_schemas(a, name, &declared), depth + 1);
      if (ma.nothing) separated = true;
    }
    if (!separated) return false;
  }
  return true;
}

}  // namespace logitkit::grammar
