#include "numbers.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

namespace logitkit::grammar {

namespace {

constexpr int64_t kExponentCap = int64_t{1} << 40;

bool all_of(std::string_view s, char c) {
  for (char x : s) {
    if (x != c) return false;
  }
  return true;
}

// Normalises digits * 10^exponent: no leading or trailing zeros, zero canonical.
Decimal make_decimal(bool negative, std::string digits, int64_t exponent) {
  size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') lead++;
  digits.erase(0, lead);
  while (!digits.empty() && digits.back() == '0') {
    digits.pop_back();
    exponent++;
  }
  Decimal d;
  if (digits.empty()) return d;
  d.negative = negative;
  d.digits = std::move(digits);
  d.exponent = exponent;
  return d;
}

// Plain integer digits of an integer-valued Decimal's magnitude ("0" for zero).
std::string integer_digits(const Decimal& x) {
  if (x.is_zero()) return "0";
  return x.digits + std::string(static_cast<size_t>(x.exponent), '0');
}

std::string add_one(std::string digits) {
  size_t i = digits.size();
  while (i > 0 && digits[i - 1] == '9') digits[--i] = '0';
  if (i == 0) return "1" + digits;
  digits[i - 1]++;
  return digits;
}

std::string sub_one(std::string digits) {  // digits > 0
  size_t i = digits.size();
  while (i > 0 && digits[i - 1] == '0') digits[--i] = '9';
  digits[i - 1]--;
  size_t lead = 0;
  while (lead + 1 < digits.size() && digits[lead] == '0') lead++;
  return digits.substr(lead);
}

// An integer-valued Decimal plus delta (+1 or -1).
Decimal add_int(const Decimal& x, int delta) {
  const std::string mag = integer_digits(x);
  if (x.is_zero()) return make_decimal(delta < 0, "1", 0);
  const bool grow = x.negative == (delta < 0);
  if (grow) return make_decimal(x.negative, add_one(mag), 0);
  return make_decimal(x.negative, sub_one(mag), 0);
}

bool less_digits(const std::string& a, const std::string& b) {  // plain, no leading zeros
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

std::string digit_class(char lo, char hi) {
  if (lo == hi) return std::string("\"") + lo + "\"";
  return std::string("[") + lo + "-" + hi + "]";
}

std::string any_digits(size_t n) {
  return n == 0 ? ""
                : GbnfWriter::repeat("[0-9]", static_cast<uint32_t>(n), static_cast<uint32_t>(n));
}

std::string seq(const std::string& a, const std::string& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + " " + b;
}

std::string alts(const std::vector<std::string>& parts) {
  std::vector<std::string> kept;
  for (const auto& p : parts) {
    if (!p.empty()) kept.push_back(p);
  }
  if (kept.empty()) return "";
  if (kept.size() == 1) return kept[0];
  return "(" + GbnfWriter::alternatives(kept) + ")";
}

// Digit strings of length |s| that are >= s (ge) or <= s (le), compared as numbers.
std::string at_least(const std::string& s) {
  if (s.empty()) return "";
  if (all_of(s, '0')) return any_digits(s.size());
  if (s.size() == 1) return digit_class(s[0], '9');
  std::vector<std::string> parts;
  parts.push_back(seq(std::string("\"") + s[0] + "\"", GbnfWriter::group(at_least(s.substr(1)))));
  if (s[0] < '9') parts.push_back(seq(digit_class(s[0] + 1, '9'), any_digits(s.size() - 1)));
  return alts(parts);
}

std::string at_most(const std::string& s) {
  if (s.empty()) return "";
  if (all_of(s, '9')) return any_digits(s.size());
  if (s.size() == 1) return digit_class('0', s[0]);
  std::vector<std::string> parts;
  parts.push_back(seq(std::string("\"") + s[0] + "\"", GbnfWriter::group(at_most(s.substr(1)))));
  if (s[0] > '0') parts.push_back(seq(digit_class('0', s[0] - 1), any_digits(s.size() - 1)));
  return alts(parts);
}

// Digit strings of the same length as x and y with x <= value <= y.
std::string same_length(const std::string& x, const std::string& y) {
  if (x == y) return "\"" + x + "\"";
  size_t p = 0;
  while (x[p] == y[p]) p++;
  const std::string prefix = p > 0 ? "\"" + x.substr(0, p) + "\"" : "";
  const std::string xs = x.substr(p + 1), ys = y.substr(p + 1);
  const char x0 = x[p], y0 = y[p];
  std::vector<std::string> parts;
  const bool low_full = all_of(xs, '0'), high_full = all_of(ys, '9');
  const char mid_lo = low_full ? x0 : static_cast<char>(x0 + 1);
  const char mid_hi = high_full ? y0 : static_cast<char>(y0 - 1);
  if (!low_full)
    parts.push_back(seq(std::string("\"") + x0 + "\"", GbnfWriter::group(at_least(xs))));
  if (mid_lo <= mid_hi) parts.push_back(seq(digit_class(mid_lo, mid_hi), any_digits(xs.size())));
  if (!high_full)
    parts.push_back(seq(std::string("\"") + y0 + "\"", GbnfWriter::group(at_most(ys))));
  return seq(prefix, alts(parts));
}

// Canonical decimal integers in [a, b] (b empty: no upper bound); a, b plain, a <= b.
std::string nonnegative(const std::string& a, const std::string& b) {
  const size_t la = a.size();
  std::vector<std::string> parts;
  if (b.empty()) {
    parts.push_back(same_length(a, std::string(la, '9')));
    parts.push_back("[1-9] " + GbnfWriter::repeat("[0-9]", static_cast<uint32_t>(la), UINT32_MAX));
    return alts(parts);
  }
  const size_t lb = b.size();
  if (la == lb) return same_length(a, b);
  parts.push_back(same_length(a, std::string(la, '9')));
  if (lb - la >= 2) {
    parts.push_back("[1-9] " + GbnfWriter::repeat("[0-9]", static_cast<uint32_t>(la),
                                                  static_cast<uint32_t>(lb - 2)));
  }
  parts.push_back(same_length("1" + std::string(lb - 1, '0'), b));
  return alts(parts);
}

// Fractions (the digits after the point) constrained by 0.F against 0.lo and 0.hi: a small
// automaton whose states say how far F still equals lo's or hi's digits (-1: already free).
class FractionBuilder {
 public:
  FractionBuilder(GbnfWriter& writer, const std::string* lo, bool lo_strict, const std::string* hi,
                  bool hi_strict)
      : writer_(writer), lo_(lo), hi_(hi), lo_strict_(lo_strict), hi_strict_(hi_strict) {}

  // The optional fraction ("" or "." digits+) allowed from the start, or "" with *none = true.
  std::string optional_fraction(bool* none) {
    const State start{lo_ ? 0 : -1, hi_ ? 0 : -1};
    explore(start);
    std::vector<std::string> parts;
    const bool can_end = end_ok(start);
    const std::string digits = live_.count(start) ? rule_for(start) : "";
    *none = !can_end && digits.empty();
    if (digits.empty()) return "";
    const std::string fraction = "\".\" " + digits;
    return can_end ? "(" + fraction + ")?" : fraction;
  }

 private:
  using State = std::pair<int, int>;

  bool end_ok(State s) const {
    if (s.first >= 0) {
      if (static_cast<size_t>(s.first) < lo_->size()) return false;  // F < lo so far
      if (lo_strict_) return false;
    }
    if (s.second >= 0 && static_cast<size_t>(s.second) >= hi_->size() && hi_strict_) return false;
    return true;
  }

  // The next state after digit d, or {-2, -2} when d breaks a bound.
  State step(State s, char d) const {
    State n = s;
    if (s.first >= 0) {
      const char a = static_cast<size_t>(s.first) < lo_->size() ? (*lo_)[s.first] : '0';
      if (d < a) return {-2, -2};
      n.first = d > a ? -1 : std::min<int>(s.first + 1, static_cast<int>(lo_->size()));
    }
    if (s.second >= 0) {
      const char b = static_cast<size_t>(s.second) < hi_->size() ? (*hi_)[s.second] : '0';
      if (d > b) return {-2, -2};
      n.second = d < b ? -1 : std::min<int>(s.second + 1, static_cast<int>(hi_->size()));
    }
    return n;
  }

  void explore(State start) {
    std::vector<State> todo{start};
    states_.insert(start);
    while (!todo.empty()) {
      const State s = todo.back();
      todo.pop_back();
      for (char d = '0'; d <= '9'; d++) {
        const State n = step(s, d);
        if (n.first == -2) continue;
        if (states_.insert(n).second) todo.push_back(n);
      }
    }
    // Live: can reach an end.
    for (bool changed = true; changed;) {
      changed = false;
      for (const State& s : states_) {
        if (live_.count(s)) continue;
        bool live = end_ok(s);
        for (char d = '0'; d <= '9' && !live; d++) {
          const State n = step(s, d);
          live = n.first != -2 && live_.count(n);
        }
        if (live) {
          live_.insert(s);
          changed = true;
        }
      }
    }
  }

  // A rule for "at least one more digit, then a valid end" from state s (s is live).
  std::string rule_for(State s) {
    if (s.first == -1 && s.second == -1) return "[0-9]+";
    const auto found = names_.find(s);
    if (found != names_.end()) return found->second;
    const std::string name = writer_.fresh_name("frac");
    names_[s] = name;
    // Group digits by their next state.
    std::vector<std::pair<State, std::string>> groups;
    for (char d = '0'; d <= '9'; d++) {
      const State n = step(s, d);
      if (n.first == -2 || !live_.count(n)) continue;
      if (!groups.empty() && groups.back().first == n && groups.back().second.back() == d - 1) {
        groups.back().second += d;
      } else {
        groups.push_back({n, std::string(1, d)});
      }
    }
    std::vector<std::string> parts;
    for (const auto& [next, digits] : groups) {
      const std::string cls = digit_class(digits.front(), digits.back());
      std::string tail;
      const bool more = next.first == -1 && next.second == -1;
      if (more) {
        tail = "[0-9]*";
      } else {
        bool can_continue = false;
        for (char d = '0'; d <= '9'; d++) {
          const State n2 = step(next, d);
          if (n2.first != -2 && live_.count(n2)) can_continue = true;
        }
        if (can_continue) tail = rule_for(next) + (end_ok(next) ? "?" : "");
      }
      parts.push_back(seq(cls, tail));
    }
    writer_.define(name, GbnfWriter::alternatives(parts));
    return name;
  }

  GbnfWriter& writer_;
  const std::string* lo_;
  const std::string* hi_;
  bool lo_strict_, hi_strict_;
  std::set<State> states_, live_;
  std::map<State, std::string> names_;
};

// Plain unsigned decimals u with a (<=|<) u (<=|<) b; b == nullptr: no upper bound. a >= 0.
std::string magnitude(GbnfWriter& writer, const Decimal& a, bool a_incl, const Decimal* b,
                      bool b_incl) {
  std::string ai, af, bi, bf;
  plain_parts(a, &ai, &af);
  if (b != nullptr) {
    const int c = compare(a, *b);
    if (c > 0) return "";
    if (c == 0) {
      if (!a_incl || !b_incl) return "";
      return af.empty() ? "\"" + ai + "\" (\".\" \"0\"+)?" : "\"" + ai + "." + af + "\" \"0\"*";
    }
    plain_parts(*b, &bi, &bf);
  }
  const std::string any_fraction = "(\".\" [0-9]+)?";
  std::vector<std::string> parts;
  const auto with_fraction = [&](const std::string& int_part, const std::string* lo, bool lo_strict,
                                 const std::string* hi, bool hi_strict) {
    FractionBuilder fraction(writer, lo, lo_strict, hi, hi_strict);
    bool none = false;
    const std::string f = fraction.optional_fraction(&none);
    if (!none) parts.push_back(seq("\"" + int_part + "\"", f));
  };
  if (b == nullptr) {
    parts.push_back(seq(nonnegative(add_one(ai), ""), any_fraction));
    with_fraction(ai, &af, !a_incl, nullptr, false);
  } else if (ai == bi) {
    with_fraction(ai, &af, !a_incl, &bf, !b_incl);
  } else {
    const std::string next = add_one(ai);
    if (less_digits(next, bi)) parts.push_back(seq(nonnegative(next, sub_one(bi)), any_fraction));
    with_fraction(ai, &af, !a_incl, nullptr, false);
    with_fraction(bi, nullptr, false, &bf, !b_incl);
  }
  return alts(parts);
}

}  // namespace

bool parse_decimal(std::string_view text, Decimal* out) {
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && text[pos] == '-') {
    negative = true;
    pos++;
  }
  std::string digits;
  int64_t exponent = 0;
  const size_t int_start = pos;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') digits += text[pos++];
  if (pos == int_start) return false;
  if (pos < text.size() && text[pos] == '.') {
    pos++;
    const size_t frac_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      digits += text[pos++];
      exponent--;
    }
    if (pos == frac_start) return false;
  }
  if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
    pos++;
    bool exp_negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
      exp_negative = text[pos] == '-';
      pos++;
    }
    int64_t e = 0;
    const size_t exp_start = pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (e < kExponentCap) e = e * 10 + (text[pos] - '0');
      pos++;
    }
    if (pos == exp_start) return false;
    exponent += exp_negative ? -e : e;
  }
  if (pos != text.size()) return false;
  if (digits.size() > static_cast<size_t>(kMaxBoundDigits) * 4) return false;
  *out = make_decimal(negative, std::move(digits), exponent);
  if (out->is_zero()) return true;
  const int64_t point = static_cast<int64_t>(out->digits.size()) + out->exponent;
  const int64_t plain = std::max<int64_t>(point, 1) + std::max<int64_t>(-out->exponent, 0);
  return plain <= kMaxBoundDigits;
}

int compare(const Decimal& a, const Decimal& b) {
  const int sa = a.is_zero() ? 0 : a.negative ? -1 : 1;
  const int sb = b.is_zero() ? 0 : b.negative ? -1 : 1;
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  // Same sign: compare magnitudes, then flip for negatives.
  const int64_t pa = static_cast<int64_t>(a.digits.size()) + a.exponent;
  const int64_t pb = static_cast<int64_t>(b.digits.size()) + b.exponent;
  int mag = 0;
  if (pa != pb) {
    mag = pa < pb ? -1 : 1;
  } else {
    const size_t n = std::max(a.digits.size(), b.digits.size());
    for (size_t i = 0; i < n && mag == 0; i++) {
      const char da = i < a.digits.size() ? a.digits[i] : '0';
      const char db = i < b.digits.size() ? b.digits[i] : '0';
      if (da != db) mag = da < db ? -1 : 1;
    }
  }
  return sa > 0 ? mag : -mag;
}

bool is_integer(const Decimal& x) {
  return x.is_zero() || x.exponent >= 0;
}

Decimal floor_integer(const Decimal& x) {
  if (is_integer(x)) return x;
  const int64_t keep = static_cast<int64_t>(x.digits.size()) + x.exponent;
  const Decimal truncated =
      keep > 0 ? make_decimal(x.negative, x.digits.substr(0, static_cast<size_t>(keep)), 0)
               : Decimal();
  return x.negative ? add_int(truncated, -1) : truncated;
}

Decimal ceil_integer(const Decimal& x) {
  if (is_integer(x)) return x;
  Decimal negated = x;
  negated.negative = !x.negative;
  Decimal f = floor_integer(negated);
  if (!f.is_zero()) f.negative = !f.negative;
  return f;
}

void plain_parts(const Decimal& x, std::string* int_part, std::string* frac_part) {
  if (x.is_zero()) {
    *int_part = "0";
    frac_part->clear();
    return;
  }
  const int64_t n = static_cast<int64_t>(x.digits.size());
  if (x.exponent >= 0) {
    *int_part = x.digits + std::string(static_cast<size_t>(x.exponent), '0');
    frac_part->clear();
    return;
  }
  const int64_t point = n + x.exponent;
  if (point > 0) {
    *int_part = x.digits.substr(0, static_cast<size_t>(point));
    *frac_part = x.digits.substr(static_cast<size_t>(point));
  } else {
    *int_part = "0";
    *frac_part = std::string(static_cast<size_t>(-point), '0') + x.digits;
  }
}

void NumericBounds::add_lo(const Decimal& v, bool inclusive) {
  const int c = has_lo ? compare(v, lo) : 1;
  if (c > 0) {
    has_lo = true;
    lo = v;
    lo_inclusive = inclusive;
  } else if (c == 0) {
    lo_inclusive = lo_inclusive && inclusive;
  }
}

void NumericBounds::add_hi(const Decimal& v, bool inclusive) {
  const int c = has_hi ? compare(v, hi) : -1;
  if (c < 0) {
    has_hi = true;
    hi = v;
    hi_inclusive = inclusive;
  } else if (c == 0) {
    hi_inclusive = hi_inclusive && inclusive;
  }
}

std::string integer_range_gbnf(GbnfWriter& writer, const NumericBounds& bounds) {
  (void)writer;
  bool has_lo = bounds.has_lo, has_hi = bounds.has_hi;
  Decimal lo, hi;
  if (has_lo) {
    lo = bounds.lo_inclusive || !is_integer(bounds.lo) ? ceil_integer(bounds.lo)
                                                       : add_int(bounds.lo, +1);
  }
  if (has_hi) {
    hi = bounds.hi_inclusive || !is_integer(bounds.hi) ? floor_integer(bounds.hi)
                                                       : add_int(bounds.hi, -1);
  }
  if (has_lo && has_hi && compare(lo, hi) > 0) return "";
  std::vector<std::string> parts;
  const bool negatives = !has_lo || lo.negative;
  const bool nonnegatives = !has_hi || !hi.negative;
  if (negatives) {
    const std::string m_lo = has_hi && hi.negative ? integer_digits(hi) : "1";
    const std::string m_hi = has_lo ? integer_digits(lo) : "";
    parts.push_back("\"-\" " + GbnfWriter::group(nonnegative(m_lo, m_hi)));
  }
  if (nonnegatives) {
    const std::string a = has_lo && !lo.negative ? integer_digits(lo) : "0";
    const std::string b = has_hi ? integer_digits(hi) : "";
    parts.push_back(nonnegative(a, b));
  }
  return alts(parts);
}

std::string number_range_gbnf(GbnfWriter& writer, const NumericBounds& bounds,
                              const std::string& any_number) {
  if (!bounds.has_lo && !bounds.has_hi) return any_number;
  const std::string exponent = "([eE] [-+]? [0-9]+)?";
  const std::string positive =
      "([1-9] [0-9]* (\".\" [0-9]+)? | \"0.\" \"0\"* [1-9] [0-9]*) " + exponent;
  // Zero written with a minus sign (-0, -0.0, -0e5) equals 0: allowed wherever 0 is.
  const std::string negative_zero = "\"-0\" (\".\" \"0\"+)?";
  if (bounds.has_lo && !bounds.has_hi && bounds.lo.is_zero()) {
    if (!bounds.lo_inclusive) return "(" + positive + ")";
    return "((\"0\" | [1-9] [0-9]*) (\".\" [0-9]+)? | " + negative_zero + ") " + exponent;
  }
  if (bounds.has_hi && !bounds.has_lo && bounds.hi.is_zero()) {
    const std::string negative = "\"-\" " + positive;
    if (!bounds.hi_inclusive) return negative;
    return "(" + negative + " | (\"0\" (\".\" \"0\"+)? | " + negative_zero + ") " + exponent + ")";
  }
  if (bounds.has_lo && bounds.has_hi && compare(bounds.lo, bounds.hi) > 0) return "";
  std::vector<std::string> parts;
  const Decimal zero;
  // x >= 0 (or > 0 when the lower bound is exactly 0 and exclusive).
  if (!bounds.has_hi || !bounds.hi.negative) {
    const bool lo_positive = bounds.has_lo && !bounds.lo.negative;
    const Decimal& a = lo_positive ? bounds.lo : zero;
    const bool a_incl = lo_positive ? bounds.lo_inclusive : true;
    parts.push_back(
        magnitude(writer, a, a_incl, bounds.has_hi ? &bounds.hi : nullptr, bounds.hi_inclusive));
  }
  // x < 0: x = -m with m > 0.
  if (!bounds.has_lo || bounds.lo.negative) {
    Decimal m_lo;  // zero, exclusive
    bool m_lo_incl = false;
    if (bounds.has_hi && bounds.hi.negative) {
      m_lo = bounds.hi;
      m_lo.negative = false;
      m_lo_incl = bounds.hi_inclusive;
    }
    Decimal m_hi;
    if (bounds.has_lo) {
      m_hi = bounds.lo;
      m_hi.negative = false;
    }
    const std::string m =
        magnitude(writer, m_lo, m_lo_incl, bounds.has_lo ? &m_hi : nullptr, bounds.lo_inclusive);
    if (!m.empty()) parts.push_back("\"-\" " + GbnfWriter::group(m));
  }
  // -0 where 0 is in range (the plain-notation grammar above writes 0 only unsigned).
  const int lo_vs_zero = bounds.has_lo ? compare(bounds.lo, zero) : -1;
  const int hi_vs_zero = bounds.has_hi ? compare(bounds.hi, zero) : 1;
  const bool zero_above_lo = lo_vs_zero < 0 || (lo_vs_zero == 0 && bounds.lo_inclusive);
  const bool zero_below_hi = hi_vs_zero > 0 || (hi_vs_zero == 0 && bounds.hi_inclusive);
  if (zero_above_lo && zero_below_hi) parts.push_back(negative_zero);
  return alts(parts);
}

std::string number_literal_gbnf(const Decimal& x) {
  if (x.is_zero()) return "\"0\" (\".\" \"0\"+)?";
  const std::string sign = x.negative ? "-" : "";
  const int64_t k = static_cast<int64_t>(x.digits.size());
  const int64_t n = k + x.exponent;  // position of the decimal point
  if (n > 21 || n <= -6) {
    // JavaScript's exponent form: d[.ddd]e+N / e-N.
    std::string mantissa = x.digits.substr(0, 1);
    if (k > 1) mantissa += "." + x.digits.substr(1);
    const int64_t e = n - 1;
    return "\"" + sign + mantissa + "e" + (e >= 0 ? "+" : "-") + std::to_string(e >= 0 ? e : -e) +
           "\"";
  }
  std::string int_part, frac_part;
  plain_parts(x, &int_part, &frac_part);
  if (frac_part.empty()) return "\"" + sign + int_part + "\" (\".\" \"0\"+)?";
  return "\"" + sign + int_part + "." + frac_part + "\" \"0\"*";
}

}  // namespace logitkit::grammar
