#include "schema_merge.h"

namespace logitkit::grammar {

bool MergedSchema::constrains_besides_groups() const {
  return nothing || types != kAllTypes || has_enum || min_length > 0 || max_length != UINT64_MAX ||
         !patterns.empty() || !formats.empty() || bounds.has_lo || bounds.has_hi ||
         !arrays.empty() || min_items > 0 || max_items != UINT64_MAX || !objects.empty() ||
         !required.empty() || !property_names.empty() || min_properties > 0 ||
         max_properties != UINT64_MAX;
}

bool json_equal(const JsonValue& a, const JsonValue& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case JsonValue::Type::kNull:
      return true;
    case JsonValue::Type::kBool:
      return a.boolean == b.boolean;
    case JsonValue::Type::kNumber: {
      Decimal x, y;
      if (parse_decimal(a.text, &x) && parse_decimal(b.text, &y)) return compare(x, y) == 0;
      return a.text == b.text;
    }
    case JsonValue::Type::kString:
      return a.text == b.text;
    case JsonValue::Type::kArray:
      if (a.items.size() != b.items.size()) return false;
      for (size_t i = 0; i < a.items.size(); i++) {
        if (!json_equal(a.items[i], b.items[i])) return false;
      }
      return true;
    case JsonValue::Type::kObject:
      if (a.members.size() != b.members.size()) return false;
      for (const auto& [key, value] : a.members) {
        const JsonValue* other = b.find(key);
        if (other == nullptr || !json_equal(value, *other)) return false;
      }
      return true;
  }
  return false;
}

}  // namespace logitkit::grammar
