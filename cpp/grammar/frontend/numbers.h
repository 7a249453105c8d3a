// Exact decimal arithmetic on JSON number text, and GBNF for the numbers inside bounds. Bounds
// are never rounded through binary floating point: "minimum": 0.1 means exactly one tenth.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "gbnf_writer.h"

namespace logitkit::grammar {

// value = (negative ? -1 : 1) * digits * 10^exponent; digits has no leading or trailing zeros,
// and zero is digits == "" (never negative).
struct Decimal {
  bool negative = false;
  std::string digits;
  int64_t exponent = 0;
  bool is_zero() const { return digits.empty(); }
};

// The longest plain decimal (integer digits + fraction digits) a bound may need; beyond this a
// bound is reported as unsupported rather than written as a huge grammar.
inline constexpr int64_t kMaxBoundDigits = 400;

// Parses a JSON number's text. False if it is not one, or if its plain decimal form would need
// more than kMaxBoundDigits digits.
bool parse_decimal(std::string_view text, Decimal* out);
int compare(const Decimal& a, const Decimal& b);  // -1, 0, 1
bool is_integer(const Decimal& x);
Decimal floor_integer(const Decimal& x);
Decimal ceil_integer(const Decimal& x);
// |x| in plain notation: integer digits ("0" below 1) and fraction digits (no trailing zeros).
void plain_parts(const Decimal& x, std::string* int_part, std::string* frac_part);

struct NumericBounds {
  bool has_lo = false, lo_inclusive = true;
  Decimal lo;
  bool has_hi = false, hi_inclusive = true;
  Decimal hi;
  // Tightens with another lower / upper bound (the stricter wins; on a tie, exclusive wins).
  void add_lo(const Decimal& v, bool inclusive);
  void add_hi(const Decimal& v, bool inclusive);
};

// GBNF for the integers within `bounds`, in canonical text (no leading zeros, no "-0"), or "" if
// there is none.
std::string integer_range_gbnf(GbnfWriter& writer, const NumericBounds& bounds);

// GBNF for the JSON numbers within `bounds`, or "" if there is none. With a bound at zero or none
// at all, every JSON spelling is allowed (exponents too); with other bounds, numbers are written
// in plain decimal notation (-?(0|[1-9][0-9]*)(.[0-9]+)?), whose values are checked exactly.
// `any_number` is the rule for an unbounded JSON number.
std::string number_range_gbnf(GbnfWriter& writer, const NumericBounds& bounds,
                              const std::string& any_number);

// The JSON spellings of the single value `x` in plain notation: the shortest form, with any
// number of trailing fraction zeros ("2", "2.0", "2.50" for 2.5 as "2.5" "0"*). Values whose
// shortest form JavaScript writes with an exponent (|x| >= 1e21 or < 1e-6) are written as
// JavaScript writes them.
std::string number_literal_gbnf(const Decimal& x);

}  // namespace logitkit::grammar
