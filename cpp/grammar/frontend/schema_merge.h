// The constraints of a conjunction of schemas, merged keyword by keyword: what an instance must
// satisfy when all of the schemas hold (allOf, $ref with siblings, a schema with its properties'
// branches). The JSON Schema compiler (json_schema.cpp) turns a MergedSchema into GBNF; the same
// structure checks enum and const values (schema_check.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "json_value.h"
#include "numbers.h"

namespace logitkit::grammar {

// A schema inside the document with its JSON pointer (RFC 6901, "" = the root).
struct SchemaRef {
  const JsonValue* schema = nullptr;
  std::string pointer;
};

enum TypeBit : uint8_t {
  kTypeNull = 1,
  kTypeBoolean = 2,
  kTypeObject = 4,
  kTypeArray = 8,
  kTypeString = 16,
  kTypeNumber = 32,   // every number (integers included)
  kTypeInteger = 64,  // integers only; never set together with kTypeNumber
};
inline constexpr uint8_t kAllTypes =
    kTypeNull | kTypeBoolean | kTypeObject | kTypeArray | kTypeString | kTypeNumber;

struct MergedSchema {
  bool nothing = false;  // a `false` schema, or contradictory constraints: no instance at all
  uint8_t types = kAllTypes;

  bool has_enum = false;  // enum / const: the instance is one of these values
  std::vector<const JsonValue*> enum_values;

  // Strings (lengths in code points).
  uint64_t min_length = 0, max_length = UINT64_MAX;
  std::vector<SchemaRef> patterns;  // pointer of each `pattern` keyword; schema = the string value
  std::vector<SchemaRef> formats;   // supported formats only

  // Numbers.
  NumericBounds bounds;

  // Arrays: each spec is one schema's items/prefixItems; the instance satisfies all of them.
  struct ArraySpec {
    std::vector<SchemaRef> prefix;  // schemas of positions 0..n-1
    SchemaRef rest;                 // schema of later positions; schema == nullptr: any value
    std::string pointer;            // the schema holding them
  };
  std::vector<ArraySpec> arrays;
  uint64_t min_items = 0, max_items = UINT64_MAX;

  // Objects: each spec is one schema's properties / patternProperties / additionalProperties.
  struct ObjectSpec {
    const JsonValue* properties = nullptr;          // object of schemas, or nullptr
    const JsonValue* pattern_properties = nullptr;  // object of schemas, or nullptr
    const JsonValue* additional = nullptr;          // schema, or nullptr (absent: any value)
    std::string pointer;                            // the schema holding them
  };
  std::vector<ObjectSpec> objects;
  std::vector<std::string> required;  // in first-mention order, without duplicates
  std::vector<SchemaRef> property_names;
  uint64_t min_properties = 0, max_properties = UINT64_MAX;
  std::string properties_count_pointer;  // the last minProperties / maxProperties keyword

  // `not` schemas: enforced exactly when the instances are a finite list (enum / const), by
  // checking each listed value; otherwise unsupported.
  std::vector<SchemaRef> nots;

  // anyOf / oneOf groups still to distribute over the other constraints.
  struct Group {
    bool one_of = false;
    std::vector<SchemaRef> branches;
    std::string pointer;  // of the anyOf/oneOf keyword
  };
  std::vector<Group> groups;

  // Whether any constraint besides groups is present (false: the conjunction is just `true`).
  bool constrains_besides_groups() const;
};

// JSON equality as JSON Schema defines it for enum and const: numbers by value (1 == 1.0),
// objects regardless of member order.
bool json_equal(const JsonValue& a, const JsonValue& b);

}  // namespace logitkit::grammar
