// Builds GBNF text in llama.cpp's syntax: unique rule names, escaped literals and classes, and
// repetitions whose counts never exceed kMaxRepeatCount. Expressions are plain strings; an
// "atom" is one that a postfix operator can follow (a literal, a class, a rule name or a group).
// The builder counts output bytes and rules against the budgets; once over, it refuses further
// definitions and over_budget() stays true, so the caller reports kBudgetExceeded once.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "charset.h"
#include "frontend.h"

namespace logitkit::grammar {

class GbnfWriter {
 public:
  explicit GbnfWriter(const Budgets& budgets) : budgets_(budgets) {}

  // A fresh rule name from `hint` (lower-cased, reduced to [a-z0-9-], shortened), unique in this
  // grammar. Reserved names cannot be returned again.
  std::string fresh_name(std::string_view hint);
  // Defines `name` (from fresh_name) as `body` (GBNF alternatives).
  void define(const std::string& name, const std::string& body);
  // Defines a rule for `body` under a fresh name, or returns the rule already made for an equal
  // body, so identical sub-grammars are written once.
  std::string intern(std::string_view hint, const std::string& body);
  bool over_budget() const { return over_budget_; }
  // How many more rules the budget allows.
  size_t rules_left() const {
    return budgets_.max_rules > rules_.size() ? budgets_.max_rules - rules_.size() : 0;
  }
  // The grammar: `root`'s rule first, then the others in the order they were defined.
  std::string text(const std::string& root) const;

  static std::string literal(std::string_view utf8);  // "..." (an atom); "" for the empty string
  static std::string char_class(const CharSet& set);  // [...] or [^...]; set must not be empty
  static std::string group(const std::string& expr);  // (expr) unless expr is already an atom
  // item{min,max} (max = UINT32_MAX: unbounded) with counts split to stay <= kMaxRepeatCount.
  // `atom` must be an atom. min == max == 0 gives "".
  static std::string repeat(const std::string& atom, uint32_t min, uint32_t max);
  // a | b | ... (alternatives kept as written); sequences are joined with ' ' by the caller.
  static std::string alternatives(const std::vector<std::string>& alts);

 private:
  const Budgets& budgets_;
  std::vector<std::pair<std::string, std::string>> rules_;
  std::unordered_set<std::string> names_;
  std::unordered_map<std::string, std::string> interned_;  // body -> name
  size_t bytes_ = 0;
  bool over_budget_ = false;
};

}  // namespace logitkit::grammar
