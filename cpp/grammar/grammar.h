// A compiled grammar: GBNF rules turned into byte-level automata, one per "kept" rule, joined by
// call edges (a recursive transition network), and a lazily determinised DFA over them.
//
// Rules that are not recursive and small (or used once) are inlined into their callers, so the
// regular parts of a grammar (string and number syntax, keywords, whitespace) become DFA
// transitions, and the Earley parser (matcher.h) only sees calls where the grammar is recursive or
// large: the lexer / parser split of llguidance, found automatically.
//
// Counted repetitions. A long bounded repetition x{m,n} (n >= kCountedMin, x not nullable and
// holding no other counted repetition) is not copied n times: its body x is built once, between a
// hub state and a loop back to it, and the number of iterations is a counter carried by the parser
// item (matcher.h), next to its DFA state. Entering the loop sets the counter to 0; leaving the hub
// into the body needs counter < n and adds one; leaving the hub after the loop needs counter >= m.
// A DFA state is a set of NFA states whose loop members all share the item's counter; its
// transitions depend on the counter only through its *zone* (which side of each of its hubs' m and
// n the counter is on), so a DFA state has one transition row per zone, and every transition says
// how the counter changes (CounterOp). When one byte leads to loop members needing different
// counters, the transition has several results (several parser items). This keeps
// `[^"]{0,1000}`, maxLength strings and maxItems arrays at a handful of DFA states instead of one
// per position.
//
// Invariant after compilation: every NFA state that remains can reach its rule's accept state
// (with any counter its loop allows), and every rule that remains can derive some string, so any
// non-empty parser state has a completion.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "gbnf.h"
#include "utf8.h"

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
  // When the caller's timeoutMs started to run: a front end that converted its input first
  // passes its own start, so timeout_ms covers the whole call. Unset: when compile() starts.
  std::optional<std::chrono::steady_clock::time_point> started;
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

/** How a transition changes the parser item's counter. */
enum CounterOp : uint8_t {
  kKeep = 0,  // unchanged (or irrelevant: the target has no loop members)
  kInc = 1,   // one more iteration started
  kSet0 = 2,  // a loop was entered
  kSet1 = 3,  // a loop was entered and its first iteration started
};

inline uint32_t apply_counter_op(CounterOp op, uint32_t counter) {
  switch (op) {
    case kInc:
      return counter + 1;
    case kSet0:
      return 0;
    case kSet1:
      return 1;
    default:
      return counter;
  }
}

class CompiledGrammar {
 public:
  // Transition codes: kDead, kUnknown (row not built yet), a single target
  // (state << 2 | CounterOp, >= 0), or several targets (<= kMultiBase: see targets()).
  static constexpr int32_t kDead = -1;
  static constexpr int32_t kUnknown = -2;
  static constexpr int32_t kMultiBase = -3;
  /** Repetitions x{m,n} with n at least this become counted loops (when x allows it). */
  static constexpr uint32_t kCountedMin = 8;

  /** Compiles GBNF text; null with `error` set on failure. */
  static CompiledGrammar* compile(const std::string& gbnf, const std::string& root,
                                  const CompileOptions& options, GrammarError* error);

  // ---- The NFA (per state: edges; states belong to one kept rule) ----
  enum EdgeKind : uint8_t {
    kByte = 0,       // byte range [lo, hi]
    kCall = 1,       // call kept rule `ref`
    kEpsilon = 2,    //
    kEnterLoop = 3,  // to loop `ref`'s hub: counter := 0
    kLoopNext = 4,   // hub -> body start: needs counter < max, counter += 1
    kLoopExit = 5,   // hub -> after the loop: needs counter >= min
  };
  struct Edge {
    uint8_t kind;
    uint8_t lo, hi;
    int32_t ref;  // kCall: the rule; loop edges: the loop
    uint32_t target;
  };
  struct Loop {
    uint32_t min, max;
    uint32_t hub;
  };

  // ---- The lazy DFA ----
  struct DfaState {
    uint32_t rule = 0;
    bool counted = false;    // holds loop members: parser items at this state carry a counter
    bool has_bytes = false;  // some byte transition leaves this state (in some zone)
    bool built = false;      // rows, calls and final flags of every zone are built
    uint32_t zones = 1;
    uint32_t nfa_begin = 0, nfa_end = 0;  // its NFA states in nfa_pool_
    uint32_t thresholds = 0;              // zones - 1 sorted counter thresholds in thresholds_
    uint32_t zone_base = 0;               // its first Zone (and transition row)
    ByteSet exit_bytes;  // bytes that may be scanned next after a completion or prediction here
  };
  struct Zone {
    bool final = false;  // the rule can complete here
    uint32_t calls_begin = 0, calls_end = 0;
  };
  struct Call {
    uint32_t rule;
    int32_t target;  // a transition code: the item after the call returns
  };

  uint32_t rule_count() const { return static_cast<uint32_t>(rule_start_.size()); }
  uint32_t root_rule() const { return root_; }
  const std::string& rule_name(uint32_t r) const { return rule_names_[r]; }
  bool nullable(uint32_t rule) const { return nullable_[rule] != 0; }
  /** The DFA state at the start of `rule` (with counter 0). */
  uint32_t start_state(uint32_t rule) const { return dfa_start_[rule]; }
  const DfaState& state(uint32_t q) const { return dfa_[q]; }
  uint32_t state_count() const { return static_cast<uint32_t>(dfa_.size()); }

  /** The zone of DFA state q for an item counter (0 when q has no loop members). */
  uint32_t zone_of(uint32_t q, uint32_t counter) const {
    const DfaState& s = dfa_[q];
    if (s.zones == 1) return 0;
    const uint32_t* t = thresholds_.data() + s.thresholds;
    return static_cast<uint32_t>(std::upper_bound(t, t + s.zones - 1, counter) - t);
  }
  /** The counter values of zone z of q: [*lo, *hi] (hi = kNoBound for the last zone). */
  void zone_range(uint32_t q, uint32_t z, int32_t* lo, int32_t* hi) const {
    const DfaState& s = dfa_[q];
    const uint32_t* t = thresholds_.data() + s.thresholds;
    *lo = z == 0 ? 0 : static_cast<int32_t>(t[z - 1]);
    *hi = z + 1u == s.zones ? kNoBound : static_cast<int32_t>(t[z]) - 1;
  }
  static constexpr int32_t kNoBound = 1 << 29;

  /** The transition code of q in zone z on `byte` (builds q's rows on first use). */
  int32_t transition(uint32_t q, uint32_t z, uint8_t byte) {
    if (!dfa_[q].built) build_state(q);
    return trans_[(static_cast<size_t>(dfa_[q].zone_base) + z) * class_count_ + byte_class_[byte]];
  }
  /** The targets of a code: one for a single code, several for a multi code; none for kDead. */
  const int32_t* targets_begin(int32_t code) const {
    return code >= 0 ? nullptr
                     : multi_.data() + multi_begin_[static_cast<size_t>(kMultiBase - code)];
  }
  const int32_t* targets_end(int32_t code) const {
    return code >= 0 ? nullptr
                     : multi_.data() + multi_begin_[static_cast<size_t>(kMultiBase - code) + 1];
  }
  static uint32_t code_state(int32_t single) { return static_cast<uint32_t>(single) >> 2; }
  static CounterOp code_op(int32_t single) { return static_cast<CounterOp>(single & 3); }

  const Zone& zone(uint32_t q, uint32_t z) {
    if (!dfa_[q].built) build_state(q);
    return zones_[dfa_[q].zone_base + z];
  }
  const Call& call(uint32_t i) const { return calls_[i]; }
  bool can_complete(uint32_t q, uint32_t counter) { return zone(q, zone_of(q, counter)).final; }
  const ByteSet& exit_bytes(uint32_t q) {
    if (!dfa_[q].built) build_state(q);
    return dfa_[q].exit_bytes;
  }
  /** The item counter a state stores (0 when it has no loop members). */
  uint32_t normalize_counter(uint32_t q, uint32_t counter) const {
    return dfa_[q].counted ? counter : 0;
  }
  /**
   * The largest minimum of any counted loop. An item (q, o, c) with c >= this floor accepts every
   * continuation that (q, o, c') accepts for any c' > c: the only counter tests are `c < max`
   * (passed by the smaller counter) and `c >= min` (passed by both), and the counter operations
   * keep the order (+1) or make the counters equal (:= 0 / 1). The parser keeps only the smallest
   * such counter per (q, o).
   */
  uint32_t counter_floor() const { return counter_floor_; }
  /** Bytes that no edge tells apart share a class: the first byte of the class after b's. */
  uint32_t next_class_byte(uint8_t b) const {
    const uint32_t c = byte_class_[b] + 1u;
    return c < class_count_ ? class_first_[c] : 256;
  }
  /** True once the DFA outgrew max_states; the matcher then reports kTooLarge. */
  bool over_budget() const { return over_budget_; }
  uint32_t max_states() const { return max_states_; }
  size_t memory_bytes() const;
  uint32_t nfa_state_count() const { return static_cast<uint32_t>(nfa_.size()); }

 private:
  struct Member {
    uint32_t nfa;
    CounterOp op;
  };
  CompiledGrammar() = default;
  bool build(const GrammarAst& ast, const CompileOptions& options, GrammarError* error);
  bool build_expr(const GrammarAst& ast, int32_t expr, uint32_t from, uint32_t to, int depth);
  uint32_t star_loop(const GrammarAst& ast, int32_t kid, uint32_t to, int depth);
  uint32_t byte_step(uint8_t lo, uint8_t hi, uint32_t to);
  bool build_counted(const GrammarAst& ast, int32_t body, uint32_t min, uint32_t max, uint32_t from,
                     uint32_t to, int depth);
  uint32_t new_nfa_state(uint32_t rule);
  void classify_repeats(const GrammarAst& ast);
  bool prune(GrammarError* error);
  void analyse();
  uint32_t intern(std::vector<uint32_t>& nfa_set, uint32_t rule);
  void closure(std::vector<Member>& members);
  int32_t encode(std::vector<Member>& targets, uint32_t rule);
  void build_state(uint32_t q);
  bool timed_out();

  std::vector<std::vector<Edge>> nfa_;
  std::vector<uint32_t> nfa_rule_;
  std::vector<int32_t> nfa_loop_;  // per NFA state: its counted loop (hub and body), or -1
  std::vector<Loop> loops_;
  std::vector<uint32_t> rule_start_, rule_accept_;
  std::vector<std::string> rule_names_;
  uint32_t root_ = 0;
  std::vector<int32_t> kept_;            // AST rule -> kept rule index, or -1 (inlined)
  std::vector<uint8_t> nullable_;        // per kept rule
  std::vector<ByteSet> first_, follow_;  // per kept rule
  std::vector<ByteSet> first_from_;      // per NFA state: F1, bytes scanned next within the rule
  std::vector<uint8_t>
      reaches_accept_;            // per NFA state: accept reachable by epsilon / nullable calls
  std::vector<uint8_t> passive_;  // per NFA state: left by plain epsilon edges only (not in sets)

  uint8_t byte_class_[256] = {};
  uint8_t class_first_[256] = {};
  uint32_t class_count_ = 1;

  std::vector<DfaState> dfa_;
  std::vector<uint32_t> dfa_start_;
  std::vector<uint32_t> thresholds_;
  std::vector<Zone> zones_;
  std::vector<int32_t> trans_;  // per zone: class_count_ codes
  std::vector<Call> calls_;
  std::vector<int32_t> multi_;  // the targets of multi codes, back to back
  std::vector<uint32_t> multi_begin_ = {0};
  std::vector<uint32_t> nfa_pool_;
  std::unordered_map<std::string, uint32_t> interned_;
  std::vector<uint32_t> stamp_;  // per NFA state and CounterOp
  uint32_t stamp_now_ = 0;
  uint32_t max_states_ = 0;
  uint32_t counter_floor_ = 0;
  bool over_budget_ = false;

  // compile time only
  std::chrono::steady_clock::time_point deadline_;
  double timeout_ms_ = 0;  // as the caller gave it, for the error message
  bool timed_out_ = false;
  uint32_t current_rule_ = 0;
  int32_t current_loop_ = -1;
  std::vector<uint8_t> repeat_counted_;  // per AST expression: a repetition built as a loop
  // build_expr's shared states: the loop state of each `kid*` by (kid, continuation), and each
  // continuation-byte state by (byte range, target)
  static constexpr uint32_t kNoState = UINT32_MAX;
  static uint64_t pair_key(uint32_t a, uint32_t b) { return static_cast<uint64_t>(a) << 32 | b; }
  std::unordered_map<uint64_t, uint32_t> star_loops_, byte_steps_;
  std::vector<Utf8Sequence> class_sequences_;  // build_expr's buffer for a class's sequences
  // build_state()'s and intern()'s buffers, reused from state to state
  std::vector<Member> build_eff_, build_targets_;
  std::vector<std::vector<Member>> build_buckets_, build_original_;
  std::vector<std::pair<uint64_t, uint32_t>> build_reps_;
  std::vector<std::pair<uint32_t, Member>> build_calls_;
  std::string intern_key_;
};

}  // namespace logitkit::grammar
