// A compiled grammar: GBNF rules turned into byte-level automata, one per "kept" rule, joined by
// call edges (a recursive transition network), and a lazily determinised DFA over them.
//
// Rules that are not recursive and small (or used once) are inlined into their callers, so the
// regular parts of a grammar (string and number syntax, keywords, whitespace) become DFA
// transitions, and the Earley parser (matcher.h) only sees calls where the grammar is recursive or
// large: the lexer / parser split of llguidance, found automatically.
//
// Invariant after compilation: every NFA state that remains can reach its rule's accept state, and
// every rule that remains can derive some string, so any non-empty parser state has a completion.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "gbnf.h"

namespace logitkit::grammar {

struct ByteSet {
  uint64_t w[4] = {0, 0, 0, 0};
  void set(uint32_t b) { w[b >> 6] |= 1ull << (b & 63); }
  void set_range(uint32_t lo, uint32_t hi) {
    for (uint32_t b = lo; b <= hi; ++b) set(b);
  }
  bool has(uint32_t b) const { return (w[b >> 6] >> (b & 63)) & 1; }
  bool merge(const ByteSet& o) {  // returns true when this set grew
    bool grew = false;
    for (int i = 0; i < 4; ++i) {
      const uint64_t v = w[i] | o.w[i];
      grew |= v != w[i];
      w[i] = v;
    }
    return grew;
  }
  bool empty() const { return (w[0] | w[1] | w[2] | w[3]) == 0; }
};

struct CompileOptions {
  double timeout_ms = 10000;
  uint32_t max_states = 2000000;  // NFA states at compile time; DFA states as they are built
};

enum class GrammarErrorCode : int32_t {
  kOk = 0,
  kSyntax = 1,    // GBNF syntax error (position set)
  kEmpty = 2,     // the grammar matches no string
  kTooLarge = 3,  // maxStates exceeded
  kTimeout = 4,   // timeoutMs exceeded
  kInvalid = 5,   // other invalid input (message says which)
};

struct GrammarError {
  GrammarErrorCode code = GrammarErrorCode::kOk;
  std::string message;
  int64_t position = -1;
};

class CompiledGrammar {
 public:
  static constexpr int32_t kDead = -1;
  static constexpr int32_t kUnknown = -2;

  /** Compiles GBNF text; null with `error` set on failure. */
  static CompiledGrammar* compile(const std::string& gbnf, const std::string& root,
                                  const CompileOptions& options, GrammarError* error);

  // ---- The NFA (per state: edges; states belong to one kept rule) ----
  struct Edge {
    uint8_t kind;  // 0: byte range [lo, hi]; 1: call `rule`; 2: epsilon
    uint8_t lo, hi;
    int32_t rule;
    uint32_t target;
  };

  // ---- The lazy DFA ----
  struct DfaState {
    uint32_t rule = 0;
    bool final = false;      // the rule can complete here
    bool has_bytes = false;  // some byte transition leaves this state
    bool row_ready = false;
    bool calls_ready = false;
    uint32_t nfa_begin = 0, nfa_end = 0;               // its NFA states in nfa_pool_
    std::vector<std::pair<uint32_t, uint32_t>> calls;  // (callee rule, DFA state after the call)
    ByteSet exit_bytes;  // bytes that may be scanned next after a completion or prediction here
  };

  uint32_t rule_count() const { return static_cast<uint32_t>(rule_start_.size()); }
  uint32_t root_rule() const { return root_; }
  const std::string& rule_name(uint32_t r) const { return rule_names_[r]; }
  bool nullable(uint32_t rule) const { return nullable_[rule] != 0; }
  /** The DFA state at the start of `rule`. */
  uint32_t start_state(uint32_t rule) { return dfa_start_[rule]; }
  const DfaState& state(uint32_t q) const { return dfa_[q]; }
  uint32_t state_count() const { return static_cast<uint32_t>(dfa_.size()); }

  /** The transition on `byte` (kDead when none). May build the state's row. */
  int32_t next(uint32_t q, uint8_t byte) {
    const int32_t* row = &trans_[static_cast<size_t>(q) * class_count_];
    int32_t t = row[byte_class_[byte]];
    if (t == kUnknown) {
      build_row(q);
      t = trans_[static_cast<size_t>(q) * class_count_ + byte_class_[byte]];
    }
    return t;
  }
  /** The calls out of `q`, with their return states (built on first use). */
  const std::vector<std::pair<uint32_t, uint32_t>>& calls(uint32_t q) {
    if (!dfa_[q].calls_ready) build_calls(q);
    return dfa_[q].calls;
  }
  const ByteSet& exit_bytes(uint32_t q) {
    if (!dfa_[q].calls_ready) build_calls(q);
    return dfa_[q].exit_bytes;
  }
  /** True once the DFA outgrew max_states; the matcher then reports kTooLarge. */
  bool over_budget() const { return over_budget_; }
  uint32_t max_states() const { return max_states_; }
  size_t memory_bytes() const;
  uint32_t nfa_state_count() const { return static_cast<uint32_t>(nfa_.size()); }

 private:
  CompiledGrammar() = default;
  bool build(const GrammarAst& ast, const CompileOptions& options, GrammarError* error);
  bool build_expr(const GrammarAst& ast, int32_t expr, uint32_t from, uint32_t to, int depth);
  uint32_t new_nfa_state(uint32_t rule);
  void analyse();
  uint32_t intern(std::vector<uint32_t>& nfa_set, uint32_t rule);
  void closure(std::vector<uint32_t>& set);
  void build_row(uint32_t q);
  void build_calls(uint32_t q);
  bool timed_out();

  std::vector<std::vector<Edge>> nfa_;
  std::vector<uint32_t> nfa_rule_;
  std::vector<uint32_t> rule_start_, rule_accept_;
  std::vector<std::string> rule_names_;
  uint32_t root_ = 0;
  std::vector<int32_t> kept_;            // AST rule -> kept rule index, or -1 (inlined)
  std::vector<uint8_t> nullable_;        // per kept rule
  std::vector<ByteSet> first_, follow_;  // per kept rule
  std::vector<ByteSet> first_from_;      // per NFA state: F1, bytes scanned next within the rule
  std::vector<uint8_t>
      reaches_accept_;  // per NFA state: accept reachable by epsilon / nullable calls

  uint8_t byte_class_[256] = {};
  uint8_t class_rep_[256] = {};  // a representative byte per class
  uint32_t class_count_ = 1;

  std::vector<DfaState> dfa_;
  std::vector<uint32_t> dfa_start_;
  std::vector<int32_t> trans_;
  std::vector<uint32_t> nfa_pool_;
  std::unordered_map<std::string, uint32_t> interned_;
  std::vector<uint32_t> stamp_;
  uint32_t stamp_now_ = 0;
  uint32_t max_states_ = 0;
  bool over_budget_ = false;

  // compile-time only
  std::chrono::steady_clock::time_point deadline_;
  bool timed_out_ = false;
  uint32_t current_rule_ = 0;
  std::vector<uint32_t> expanded_size_;  // per AST rule (memo), 0 = not computed
};

}  // namespace logitkit::grammar
