#include "grammar.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "utf8.h"

namespace logitkit::grammar {
namespace {

constexpr uint32_t kSizeCap = 1u << 30;
constexpr uint32_t kInlineSize = 1024;  // NFA states: larger rules used twice or more stay calls
constexpr int kMaxDepth = 2000;         // nesting of inlined expressions

// The caller's timeoutMs as they wrote it: "compilation exceeded timeoutMs (100 ms)".
std::string timeout_message(double timeout_ms) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%g", timeout_ms);
  return std::string("compilation exceeded timeoutMs (") + ms + " ms)";
}

uint32_t sat_add(uint32_t a, uint32_t b) {
  return a + b > kSizeCap ? kSizeCap : a + b;
}
uint32_t sat_mul(uint32_t a, uint32_t b) {
  return b != 0 && a > kSizeCap / b ? kSizeCap : a * b;
}

struct RuleGraph {
  std::vector<std::vector<int32_t>> refs;  // per AST rule: referenced rules
  std::vector<std::vector<int32_t>> referrers;
  std::vector<uint32_t> refcount;
  std::vector<uint8_t> recursive;
};

void collect_refs(const GrammarAst& ast, int32_t e, std::vector<int32_t>& out) {
  std::vector<int32_t> stack = {e};
  while (!stack.empty()) {
    const Expr& x = ast.exprs[static_cast<size_t>(stack.back())];
    stack.pop_back();
    if (x.kind == Expr::kRef) out.push_back(x.rule);
    for (int32_t k : x.kids) stack.push_back(k);
  }
}

// Rules on a cycle of references (Tarjan's SCCs, iterative).
RuleGraph analyse_rules(const GrammarAst& ast) {
  const size_t n = ast.rule_expr.size();
  RuleGraph g;
  g.refs.resize(n);
  g.referrers.resize(n);
  g.refcount.assign(n, 0);
  g.recursive.assign(n, 0);
  for (size_t r = 0; r < n; ++r) {
    collect_refs(ast, ast.rule_expr[r], g.refs[r]);
    for (int32_t t : g.refs[r]) {
      ++g.refcount[static_cast<size_t>(t)];
      g.referrers[static_cast<size_t>(t)].push_back(static_cast<int32_t>(r));
      if (static_cast<size_t>(t) == r) g.recursive[r] = 1;
    }
  }
  std::vector<int32_t> index(n, -1), low(n, 0), scc_stack;
  std::vector<uint8_t> on_stack(n, 0);
  int32_t counter = 0;
  for (size_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    std::vector<std::pair<size_t, size_t>> work = {{root, 0}};
    index[root] = low[root] = counter++;
    scc_stack.push_back(static_cast<int32_t>(root));
    on_stack[root] = 1;
    while (!work.empty()) {
      auto& [v, i] = work.back();
      if (i < g.refs[v].size()) {
        const size_t w = static_cast<size_t>(g.refs[v][i++]);
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          scc_stack.push_back(static_cast<int32_t>(w));
          on_stack[w] = 1;
          work.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        std::vector<int32_t> members;
        int32_t w;
        do {
          w = scc_stack.back();
          scc_stack.pop_back();
          on_stack[static_cast<size_t>(w)] = 0;
          members.push_back(w);
        } while (static_cast<size_t>(w) != v);
        if (members.size() > 1)
          for (int32_t m : members) g.recursive[static_cast<size_t>(m)] = 1;
      }
      const size_t done = v;
      work.pop_back();
      if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
    }
  }
  return g;
}

// Whether an expression derives the empty string, given which rules do.
bool expr_nullable(const GrammarAst& ast, int32_t e, const std::vector<uint8_t>& rule_nullable) {
  const Expr& x = ast.exprs[static_cast<size_t>(e)];
  switch (x.kind) {
    case Expr::kLiteral:
      return x.bytes.empty();
    case Expr::kClass:
      return false;
    case Expr::kRef:
      return rule_nullable[static_cast<size_t>(x.rule)] != 0;
    case Expr::kRepeat:
      return x.min == 0 || expr_nullable(ast, x.kids[0], rule_nullable);
    case Expr::kAlt:
      for (int32_t k : x.kids)
        if (expr_nullable(ast, k, rule_nullable)) return true;
      return false;
    default:
      for (int32_t k : x.kids)
        if (!expr_nullable(ast, k, rule_nullable)) return false;
      return true;
  }
}

// A fixpoint worklist over items 0..n-1, all queued at first: step(item, requeue) runs while any
// item is queued; requeue(x) queues x again unless it already is.
template <typename Step>
void run_worklist(size_t n, Step&& step) {
  std::vector<uint8_t> queued(n, 1);
  std::vector<size_t> work(n);
  for (size_t i = 0; i < n; ++i) work[i] = i;
  auto requeue = [&](size_t x) {
    if (!queued[x]) queued[x] = 1, work.push_back(x);
  };
  while (!work.empty()) {
    const size_t item = work.back();
    work.pop_back();
    queued[item] = 0;
    step(item, requeue);
  }
}

// Per-node lists in one array (compressed rows), for the reverse edges of an NFA: two allocations
// instead of a vector per state, which cost as much as the analyses themselves. `pairs(add)` calls
// add(node, value) for every pair, the same sequence on each of its two calls (count, then fill),
// so each node's values keep their order.
class Adjacency {
 public:
  template <typename Pairs>
  Adjacency(size_t n, Pairs&& pairs) : first_(n + 1, 0) {
    pairs([&](uint32_t node, uint32_t) { ++first_[node + 1]; });
    for (size_t i = 0; i < n; ++i) first_[i + 1] += first_[i];
    values_.resize(first_[n]);
    std::vector<uint32_t> at(first_.begin(), first_.end() - 1);
    pairs([&](uint32_t node, uint32_t value) { values_[at[node]++] = value; });
  }
  struct Span {
    const uint32_t *b, *e;
    const uint32_t* begin() const { return b; }
    const uint32_t* end() const { return e; }
  };
  Span operator[](size_t node) const {
    return {values_.data() + first_[node], values_.data() + first_[node + 1]};
  }

 private:
  std::vector<uint32_t> first_, values_;
};

// Nullable AST rules, by a worklist over the rules that reference a rule that became nullable.
std::vector<uint8_t> nullable_rules(const GrammarAst& ast, const RuleGraph& g) {
  std::vector<uint8_t> nullable(ast.rule_expr.size(), 0);
  run_worklist(nullable.size(), [&](size_t r, auto& requeue) {
    if (nullable[r] || !expr_nullable(ast, ast.rule_expr[r], nullable)) return;
    nullable[r] = 1;
    for (int32_t p : g.referrers[r])
      if (!nullable[static_cast<size_t>(p)]) requeue(static_cast<size_t>(p));
  });
  return nullable;
}

uint32_t expr_size(const GrammarAst& ast, const RuleGraph& g, const std::vector<uint8_t>& counted,
                   int32_t e, std::vector<uint32_t>& memo, int depth) {
  const Expr& x = ast.exprs[static_cast<size_t>(e)];
  if (depth > kMaxDepth) return kSizeCap;
  switch (x.kind) {
    case Expr::kLiteral:
      return static_cast<uint32_t>(x.bytes.size()) + 1;
    case Expr::kClass: {
      // One buffer for every class (allocating per class was a fifth of compiling a schema).
      static thread_local std::vector<Utf8Sequence> seqs;
      seqs.clear();
      for (const auto& r : x.ranges) utf8_sequences(r.first, r.second, seqs);
      return static_cast<uint32_t>(seqs.size()) * 3 + 1;
    }
    case Expr::kRef: {
      const size_t r = static_cast<size_t>(x.rule);
      if (g.recursive[r]) return 1;
      if (memo[r] == 0)
        memo[r] =
            std::max<uint32_t>(1, expr_size(ast, g, counted, ast.rule_expr[r], memo, depth + 1));
      return memo[r];
    }
    case Expr::kRepeat: {
      const uint32_t s = expr_size(ast, g, counted, x.kids[0], memo, depth + 1);
      if (counted[static_cast<size_t>(e)]) return s + 8;
      const uint32_t copies =
          std::max<uint32_t>(x.min, 1) + (x.max == Expr::kUnbounded ? 1 : x.max - x.min);
      return sat_mul(s + 1, copies);
    }
    default: {
      uint32_t total = 1;
      for (int32_t k : x.kids)
        total = sat_add(total, expr_size(ast, g, counted, k, memo, depth + 1));
      return total;
    }
  }
}

// Whether an expression holds a counted repetition, not looking behind rule references.
bool holds_counted(const GrammarAst& ast, const std::vector<uint8_t>& counted, int32_t e) {
  if (counted[static_cast<size_t>(e)]) return true;
  const Expr& x = ast.exprs[static_cast<size_t>(e)];
  if (x.kind == Expr::kRef) return false;
  for (int32_t k : x.kids)
    if (holds_counted(ast, counted, k)) return true;
  return false;
}

}  // namespace

bool CompiledGrammar::timed_out() {
  if (!timed_out_ && std::chrono::steady_clock::now() > deadline_) timed_out_ = true;
  return timed_out_;
}

uint32_t CompiledGrammar::new_nfa_state(uint32_t rule) {
  nfa_.emplace_back();
  nfa_rule_.push_back(rule);
  nfa_loop_.push_back(current_loop_);
  return static_cast<uint32_t>(nfa_.size() - 1);
}

bool CompiledGrammar::build_counted(const GrammarAst& ast, int32_t body, uint32_t min, uint32_t max,
                                    uint32_t from, uint32_t to, int depth) {
  const int32_t loop = static_cast<int32_t>(loops_.size());
  const int32_t outer = current_loop_;
  current_loop_ = loop;
  const uint32_t rule = current_rule_;
  const uint32_t hub = new_nfa_state(rule);
  const uint32_t body_start = new_nfa_state(rule);
  const uint32_t body_end = new_nfa_state(rule);
  loops_.push_back({min, max, hub});
  nfa_[from].push_back({kEnterLoop, 0, 0, loop, hub});
  nfa_[hub].push_back({kLoopNext, 0, 0, loop, body_start});
  nfa_[hub].push_back({kLoopExit, 0, 0, loop, to});
  nfa_[body_end].push_back({kEpsilon, 0, 0, -1, hub});
  const bool ok = build_expr(ast, body, body_start, body_end, depth + 1);
  current_loop_ = outer;
  return ok;
}

// The loop state of `kid*` continuing at `to`: L(kid)* then `to`'s language, whoever enters it.
// Every `kid*` with the same continuation (in the same counted loop) is one loop: a regex trie
// writes `char*` once per branch, all ending at the trie's end (JSON names other than the declared
// ones: one per declared prefix), and copies would make DFA states per branch that the
// whole-slice proof and the mask walks all build. kNoState when the body cannot be built.
uint32_t CompiledGrammar::star_loop(const GrammarAst& ast, int32_t kid, uint32_t to, int depth) {
  // An inlined rule is the same body wherever it is named.
  for (int guard = 0; guard < kMaxDepth; ++guard) {
    const Expr& x = ast.exprs[static_cast<size_t>(kid)];
    if (x.kind != Expr::kRef || kept_[static_cast<size_t>(x.rule)] >= 0) break;
    kid = ast.rule_expr[static_cast<size_t>(x.rule)];
  }
  const uint64_t key = pair_key(static_cast<uint32_t>(kid), to);
  const auto shared = star_loops_.find(key);
  if (shared != star_loops_.end() && nfa_loop_[shared->second] == current_loop_)
    return shared->second;
  const uint32_t loop = new_nfa_state(current_rule_);
  star_loops_[key] = loop;
  nfa_[loop].push_back({kEpsilon, 0, 0, -1, to});
  return build_expr(ast, kid, loop, loop, depth + 1) ? loop : kNoState;
}

// A state whose one edge scans [lo, hi] into `to` (shared: see build_expr's classes).
uint32_t CompiledGrammar::byte_step(uint8_t lo, uint8_t hi, uint32_t to) {
  const uint64_t key = pair_key(static_cast<uint32_t>(lo) << 8 | hi, to);
  const auto shared = byte_steps_.find(key);
  if (shared != byte_steps_.end() && nfa_loop_[shared->second] == current_loop_)
    return shared->second;
  const uint32_t y = new_nfa_state(current_rule_);
  byte_steps_[key] = y;
  nfa_[y].push_back({kByte, lo, hi, -1, to});
  return y;
}

bool CompiledGrammar::build_expr(const GrammarAst& ast, int32_t e, uint32_t from, uint32_t to,
                                 int depth) {
  if (depth > kMaxDepth) return false;
  if (nfa_.size() > max_states_) return false;
  if ((nfa_.size() & 1023) == 0 && timed_out()) return false;
  const Expr& x = ast.exprs[static_cast<size_t>(e)];
  const uint32_t rule = current_rule_;
  switch (x.kind) {
    case Expr::kLiteral: {
      uint32_t cur = from;
      for (size_t i = 0; i < x.bytes.size(); ++i) {
        const uint32_t next = i + 1 == x.bytes.size() ? to : new_nfa_state(rule);
        const uint8_t b = static_cast<uint8_t>(x.bytes[i]);
        nfa_[cur].push_back({kByte, b, b, -1, next});
        cur = next;
      }
      if (x.bytes.empty()) nfa_[from].push_back({kEpsilon, 0, 0, -1, to});
      return true;
    }
    case Expr::kClass: {
      std::vector<Utf8Sequence>& seqs = class_sequences_;  // no recursion below: one buffer
      seqs.clear();
      for (const auto& r : x.ranges) utf8_sequences(r.first, r.second, seqs);
      for (const Utf8Sequence& s : seqs) {
        // The states after the lead byte only check continuation bytes on the way to `to`: one
        // state per (byte range, target), shared by every class that continues at `to`.
        uint32_t next = to;
        for (uint8_t i = s.length; i-- > 1;) next = byte_step(s.lo[i], s.hi[i], next);
        nfa_[from].push_back({kByte, s.lo[0], s.hi[0], -1, next});
      }
      return true;
    }
    case Expr::kRef: {
      const int32_t k = kept_[static_cast<size_t>(x.rule)];
      if (k >= 0) {
        nfa_[from].push_back({kCall, 0, 0, k, to});
        return true;
      }
      return build_expr(ast, ast.rule_expr[static_cast<size_t>(x.rule)], from, to, depth + 1);
    }
    case Expr::kSeq: {
      if (x.kids.empty()) {
        nfa_[from].push_back({kEpsilon, 0, 0, -1, to});
        return true;
      }
      // A sequence that ends with `y*` goes straight into that loop's state (star_loop), so
      // copies of `a y*` with the same continuation differ only in `a`'s own states.
      size_t count = x.kids.size();
      uint32_t end = to;
      if (count > 1) {
        const Expr& last = ast.exprs[static_cast<size_t>(x.kids.back())];
        if (last.kind == Expr::kRepeat && last.min == 0 && last.max == Expr::kUnbounded &&
            !repeat_counted_[static_cast<size_t>(x.kids.back())]) {
          end = star_loop(ast, last.kids[0], to, depth);
          if (end == kNoState) return false;
          --count;
        }
      }
      uint32_t cur = from;
      for (size_t i = 0; i < count; ++i) {
        const uint32_t next = i + 1 == count ? end : new_nfa_state(rule);
        if (!build_expr(ast, x.kids[i], cur, next, depth + 1)) return false;
        cur = next;
      }
      return true;
    }
    case Expr::kAlt: {
      // Each alternative gets its own entry state, so loops inside one alternative can never
      // re-enter another.
      for (int32_t k : x.kids) {
        const uint32_t entry = new_nfa_state(rule);
        nfa_[from].push_back({kEpsilon, 0, 0, -1, entry});
        if (!build_expr(ast, k, entry, to, depth + 1)) return false;
      }
      return true;
    }
    case Expr::kRepeat: {
      const int32_t kid = x.kids[0];
      uint32_t cur = from;
      if (x.max == 0) {
        nfa_[from].push_back({kEpsilon, 0, 0, -1, to});
        return true;
      }
      if (repeat_counted_[static_cast<size_t>(e)]) {
        if (x.max != Expr::kUnbounded)
          return build_counted(ast, kid, x.min, x.max, from, to, depth);
        // x{m,} = x{m,m} x*
        cur = new_nfa_state(rule);
        if (!build_counted(ast, kid, x.min, x.min, from, cur, depth)) return false;
      } else {
        for (uint32_t i = 0; i < x.min; ++i) {
          const bool last = i + 1 == x.min && x.max == x.min;
          const uint32_t next = last ? to : new_nfa_state(rule);
          if (!build_expr(ast, kid, cur, next, depth + 1)) return false;
          cur = next;
        }
        if (x.max == x.min) return true;
      }
      if (x.max == Expr::kUnbounded) {
        const uint32_t loop = star_loop(ast, kid, to, depth);
        if (loop == kNoState) return false;
        nfa_[cur].push_back({kEpsilon, 0, 0, -1, loop});
        return true;
      }
      for (uint32_t i = x.min; i < x.max; ++i) {
        nfa_[cur].push_back({kEpsilon, 0, 0, -1, to});
        const uint32_t next = i + 1 == x.max ? to : new_nfa_state(rule);
        if (!build_expr(ast, kid, cur, next, depth + 1)) return false;
        cur = next;
      }
      return true;
    }
  }
  return false;
}

CompiledGrammar* CompiledGrammar::compile(const std::string& gbnf, const std::string& root,
                                          const CompileOptions& options, GrammarError* error) {
  GrammarAst ast;
  ParseError parse_error;
  if (!parse_gbnf(gbnf, root, &ast, &parse_error)) {
    error->code = GrammarErrorCode::kSyntax;
    error->message = parse_error.message;
    error->position = parse_error.position;
    return nullptr;
  }
  CompiledGrammar* g = new (std::nothrow) CompiledGrammar();
  if (g == nullptr) {
    error->code = GrammarErrorCode::kTooLarge;
    error->message = "out of memory";
    return nullptr;
  }
  if (!g->build(ast, options, error)) {
    delete g;
    return nullptr;
  }
  return g;
}

bool CompiledGrammar::build(const GrammarAst& ast, const CompileOptions& options,
                            GrammarError* error) {
  const auto start_time = options.started.value_or(std::chrono::steady_clock::now());
  timeout_ms_ = options.timeout_ms;
  deadline_ =
      start_time + std::chrono::microseconds(static_cast<int64_t>(options.timeout_ms * 1000));
  // Transition codes hold a state id in 29 bits.
  max_states_ = std::min<uint32_t>(options.max_states, 1u << 28);

  const RuleGraph g = analyse_rules(ast);
  const size_t n = ast.rule_expr.size();
  const std::vector<uint8_t> rule_nullable = nullable_rules(ast, g);
  // Counted repetitions: long, bounded (or x{m,} with a long m), with a body that consumes input
  // and holds no other counted repetition. Expressions are numbered after their children, so one
  // pass in order sees the children first.
  repeat_counted_.assign(ast.exprs.size(), 0);
  for (size_t e = 0; e < ast.exprs.size(); ++e) {
    const Expr& x = ast.exprs[e];
    if (x.kind != Expr::kRepeat) continue;
    const bool long_count = x.max == Expr::kUnbounded ? x.min >= kCountedMin : x.max >= kCountedMin;
    repeat_counted_[e] = long_count && !expr_nullable(ast, x.kids[0], rule_nullable) &&
                         !holds_counted(ast, repeat_counted_, x.kids[0]);
  }
  // A rule whose expansion holds a counted repetition stays a call when a counted body refers to
  // it, so that body holds no counted repetition once rules are inlined.
  std::vector<uint8_t> forced(n, 0);
  {
    // has_counted over the non-recursive rules, children first (an iterative post-order walk of
    // the reference DAG: recursive rules are calls anyway).
    std::vector<uint8_t> has_counted(n, 0), state(n, 0);  // state: 0 new, 1 open, 2 done
    for (size_t root = 0; root < n; ++root) {
      if (state[root] != 0) continue;
      std::vector<std::pair<size_t, size_t>> stack = {{root, 0}};
      state[root] = 1;
      while (!stack.empty()) {
        auto& [r, i] = stack.back();
        if (i < g.refs[r].size()) {
          const size_t t = static_cast<size_t>(g.refs[r][i++]);
          if (state[t] == 0 && !g.recursive[t]) state[t] = 1, stack.push_back({t, 0});
          continue;
        }
        bool h = holds_counted(ast, repeat_counted_, ast.rule_expr[r]);
        for (int32_t t : g.refs[r]) {
          const size_t u = static_cast<size_t>(t);
          h = h || (!g.recursive[u] && has_counted[u]);
        }
        has_counted[r] = h;
        state[r] = 2;
        stack.pop_back();
      }
    }
    for (size_t e = 0; e < ast.exprs.size(); ++e) {
      if (!repeat_counted_[e]) continue;
      std::vector<int32_t> refs;
      collect_refs(ast, ast.exprs[e].kids[0], refs);
      for (int32_t t : refs) forced[static_cast<size_t>(t)] |= has_counted[static_cast<size_t>(t)];
    }
  }
  std::vector<uint32_t> memo(n, 0);
  kept_.assign(n, -1);
  for (size_t r = 0; r < n; ++r) {
    bool keep = static_cast<int32_t>(r) == ast.root || g.recursive[r] || forced[r];
    if (!keep && g.refcount[r] > 1) {
      const uint32_t size = expr_size(ast, g, repeat_counted_, ast.rule_expr[r], memo, 0);
      keep = size > kInlineSize;
    }
    if (keep) {
      kept_[r] = static_cast<int32_t>(rule_names_.size());
      rule_names_.push_back(ast.rule_names[r]);
    }
  }
  root_ = static_cast<uint32_t>(kept_[static_cast<size_t>(ast.root)]);
  const uint32_t rules = static_cast<uint32_t>(rule_names_.size());
  rule_start_.resize(rules);
  rule_accept_.resize(rules);
  for (size_t r = 0; r < n; ++r) {
    if (kept_[r] < 0) continue;
    const uint32_t k = static_cast<uint32_t>(kept_[r]);
    current_rule_ = k;
    rule_start_[k] = new_nfa_state(k);
    rule_accept_[k] = new_nfa_state(k);
    if (!build_expr(ast, ast.rule_expr[r], rule_start_[k], rule_accept_[k], 0)) {
      if (timed_out_) {
        error->code = GrammarErrorCode::kTimeout;
        error->message = timeout_message(timeout_ms_);
      } else if (nfa_.size() > max_states_) {
        error->code = GrammarErrorCode::kTooLarge;
        error->message = "the grammar needs more than maxStates (" + std::to_string(max_states_) +
                         ") automaton states (rule '" + ast.rule_names[r] + "')";
      } else {
        error->code = GrammarErrorCode::kTooLarge;
        error->message = "rules nest more than " + std::to_string(kMaxDepth) + " levels deep";
      }
      return false;
    }
  }
  repeat_counted_.clear();
  repeat_counted_.shrink_to_fit();
  star_loops_.clear();
  byte_steps_.clear();
  class_sequences_ = std::vector<Utf8Sequence>();
  if (!prune(error)) return false;
  analyse();
  // States left only by plain epsilon edges are not kept in DFA states: their closure is in the
  // set already, and they scan, call, test no counter and complete nothing themselves. Sets that
  // differ only by them (the entries of sequences and alternatives) are then one DFA state.
  passive_.assign(nfa_.size(), 0);
  for (uint32_t y = 0; y < nfa_.size(); ++y) {
    bool only_epsilon = !nfa_[y].empty() && y != rule_accept_[nfa_rule_[y]];
    for (const Edge& e : nfa_[y]) only_epsilon = only_epsilon && e.kind == kEpsilon;
    passive_[y] = only_epsilon;
  }

  // Byte classes: bytes no edge tells apart share one column of the transition table.
  bool boundary[257] = {};
  boundary[0] = true;
  for (const auto& edges : nfa_)
    for (const Edge& e : edges)
      if (e.kind == kByte) boundary[e.lo] = true, boundary[e.hi + 1] = true;
  class_count_ = 0;
  for (int b = 0; b < 256; ++b) {
    if (boundary[b]) class_first_[class_count_++] = static_cast<uint8_t>(b);
    byte_class_[b] = static_cast<uint8_t>(class_count_ - 1);
  }

  stamp_.assign(nfa_.size() * 4, 0);
  dfa_start_.resize(rules);
  for (uint32_t r = 0; r < rules; ++r) {
    std::vector<Member> start = {{rule_start_[r], kKeep}};
    closure(start);
    std::vector<uint32_t> set;
    for (const Member& m : start)
      if (!passive_[m.nfa]) set.push_back(m.nfa);
    std::sort(set.begin(), set.end());
    set.erase(std::unique(set.begin(), set.end()), set.end());
    dfa_start_[r] = intern(set, r);
  }
  counter_floor_ = 0;
  for (const Loop& loop : loops_) counter_floor_ = std::max(counter_floor_, loop.min);
  return true;
}

// Removes what cannot take part in a derivation: rules that derive no string, NFA states that
// cannot reach their rule's accept state, loops whose minimum cannot be reached.
bool CompiledGrammar::prune(GrammarError* error) {
  const uint32_t rules = rule_count();
  const size_t states = nfa_.size();
  std::vector<uint8_t> productive(rules, 0);
  std::vector<uint8_t> body_productive(loops_.size(), 0);  // an iteration can complete
  std::vector<uint32_t> seen(states, 0);
  uint32_t visit = 0;
  // Is `to` reachable from `from` through edges usable with what is known productive so far?
  auto reaches = [&](uint32_t from, uint32_t to) {
    ++visit;
    std::vector<uint32_t> stack = {from};
    seen[from] = visit;
    while (!stack.empty()) {
      const uint32_t y = stack.back();
      stack.pop_back();
      if (y == to) return true;
      for (const Edge& e : nfa_[y]) {
        if (e.kind == kCall && !productive[static_cast<size_t>(e.ref)]) continue;
        if (e.kind == kLoopExit && loops_[static_cast<size_t>(e.ref)].min > 0 &&
            !body_productive[static_cast<size_t>(e.ref)])
          continue;
        if (seen[e.target] != visit) seen[e.target] = visit, stack.push_back(e.target);
      }
    }
    return false;
  };
  // The body of loop L runs from its hub's kLoopNext target back to the hub.
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t l = 0; l < loops_.size(); ++l) {
      if (body_productive[l]) continue;
      for (const Edge& e : nfa_[loops_[l].hub]) {
        if (e.kind == kLoopNext && reaches(e.target, loops_[l].hub)) {
          body_productive[l] = 1, changed = true;
          break;
        }
      }
    }
    for (uint32_t r = 0; r < rules; ++r) {
      if (!productive[r] && reaches(rule_start_[r], rule_accept_[r]))
        productive[r] = 1, changed = true;
    }
    if (timed_out()) break;
  }
  if (!productive[root_]) {
    error->code = GrammarErrorCode::kEmpty;
    error->message =
        "the grammar matches no string (rule '" + rule_names_[root_] + "' cannot complete)";
    return false;
  }
  auto usable = [&](const Edge& e) {
    if (e.kind == kCall) return productive[static_cast<size_t>(e.ref)] != 0;
    if (e.kind == kLoopExit)
      return loops_[static_cast<size_t>(e.ref)].min == 0 ||
             body_productive[static_cast<size_t>(e.ref)] != 0;
    return true;
  };
  const Adjacency reverse(states, [&](auto&& add) {
    for (uint32_t y = 0; y < states; ++y)
      for (const Edge& e : nfa_[y])
        if (usable(e)) add(e.target, y);
  });
  std::vector<uint8_t> live(states, 0);
  std::vector<uint32_t> stack;
  for (uint32_t r = 0; r < rules; ++r) live[rule_accept_[r]] = 1, stack.push_back(rule_accept_[r]);
  while (!stack.empty()) {
    const uint32_t y = stack.back();
    stack.pop_back();
    for (uint32_t p : reverse[y])
      if (!live[p]) live[p] = 1, stack.push_back(p);
  }
  for (uint32_t y = 0; y < states; ++y) {
    auto& edges = nfa_[y];
    edges.erase(std::remove_if(edges.begin(), edges.end(),
                               [&](const Edge& e) { return !live[e.target] || !usable(e); }),
                edges.end());
  }
  if (timed_out()) {
    error->code = GrammarErrorCode::kTimeout;
    error->message = timeout_message(timeout_ms_);
    return false;
  }
  return true;
}

void CompiledGrammar::analyse() {
  const uint32_t rules = rule_count();
  const size_t states = nfa_.size();
  // Nullable rules: accept reachable from start through epsilon edges, loop entries, loop exits of
  // loops with minimum 0 (the counter is 0 on entry; a body consumes input), nullable calls.
  nullable_.assign(rules, 0);
  // Visit stamps, not a cleared array per rule: clearing cost rules x states per pass.
  std::vector<uint32_t> seen(states, 0);
  uint32_t visit = 0;
  std::vector<uint32_t> stack;
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t r = 0; r < rules; ++r) {
      if (nullable_[r]) continue;
      ++visit;
      stack.assign(1, rule_start_[r]);
      seen[rule_start_[r]] = visit;
      while (!stack.empty() && !nullable_[r]) {
        const uint32_t y = stack.back();
        stack.pop_back();
        if (y == rule_accept_[r]) nullable_[r] = 1;
        for (const Edge& e : nfa_[y]) {
          const bool passes =
              e.kind == kEpsilon || e.kind == kEnterLoop ||
              (e.kind == kLoopExit && loops_[static_cast<size_t>(e.ref)].min == 0) ||
              (e.kind == kCall && nullable_[static_cast<size_t>(e.ref)]);
          if (passes && seen[e.target] != visit) seen[e.target] = visit, stack.push_back(e.target);
        }
      }
      changed |= nullable_[r] != 0;
    }
  }
  // The analyses below only decide where the mask walk hands over to the parser (exit points), so
  // they may over-approximate: every loop edge counts as an epsilon edge.
  auto epsilon_like = [](const Edge& e) { return e.kind >= kEpsilon; };
  reaches_accept_.assign(states, 0);
  const Adjacency rev(states, [&](auto&& add) {
    for (uint32_t y = 0; y < states; ++y)
      for (const Edge& e : nfa_[y])
        if (epsilon_like(e) || (e.kind == kCall && nullable_[static_cast<size_t>(e.ref)]))
          add(e.target, y);
  });
  stack.clear();
  for (uint32_t r = 0; r < rules; ++r)
    reaches_accept_[rule_accept_[r]] = 1, stack.push_back(rule_accept_[r]);
  while (!stack.empty()) {
    const uint32_t y = stack.back();
    stack.pop_back();
    for (uint32_t p : rev[y])
      if (!reaches_accept_[p]) reaches_accept_[p] = 1, stack.push_back(p);
  }
  // first_from_ (F1) by a worklist over reverse dependencies.
  first_from_.assign(states, ByteSet());
  first_.assign(rules, ByteSet());
  for (uint32_t y = 0; y < states; ++y)
    for (const Edge& e : nfa_[y])
      if (e.kind == kByte) first_from_[y].set_range(e.lo, e.hi);
  const Adjacency deps(states, [&](auto&& add) {
    for (uint32_t y = 0; y < states; ++y) {
      for (const Edge& e : nfa_[y]) {
        if (epsilon_like(e)) add(e.target, y);
        if (e.kind == kCall) {
          add(rule_start_[static_cast<size_t>(e.ref)], y);
          if (nullable_[static_cast<size_t>(e.ref)]) add(e.target, y);
        }
      }
    }
  });
  run_worklist(states, [&](size_t t, auto& requeue) {
    for (uint32_t y : deps[t]) {
      bool grew = false;
      for (const Edge& e : nfa_[y]) {
        if (epsilon_like(e) && e.target == t) grew |= first_from_[y].merge(first_from_[t]);
        if (e.kind == kCall) {
          if (rule_start_[static_cast<size_t>(e.ref)] == t)
            grew |= first_from_[y].merge(first_from_[t]);
          if (e.target == t && nullable_[static_cast<size_t>(e.ref)])
            grew |= first_from_[y].merge(first_from_[t]);
        }
      }
      if (grew) requeue(y);
    }
  });
  for (uint32_t r = 0; r < rules; ++r) first_[r] = first_from_[rule_start_[r]];
  follow_.assign(rules, ByteSet());
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t y = 0; y < states; ++y) {
      for (const Edge& e : nfa_[y]) {
        if (e.kind != kCall) continue;
        ByteSet add = first_from_[e.target];
        if (reaches_accept_[e.target]) add.merge(follow_[nfa_rule_[e.target]]);
        changed |= follow_[static_cast<size_t>(e.ref)].merge(add);
      }
    }
  }
}

// Epsilon closure of (NFA state, counter op) members: epsilon edges keep the op, loop entries set
// the counter to 0. Guarded loop edges are left for build_state, which knows the counter's zone.
void CompiledGrammar::closure(std::vector<Member>& members) {
  ++stamp_now_;
  if (stamp_now_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    stamp_now_ = 1;
  }
  size_t kept = 0;
  for (size_t i = 0; i < members.size(); ++i) {
    uint32_t& s = stamp_[members[i].nfa * 4 + members[i].op];
    if (s != stamp_now_) s = stamp_now_, members[kept++] = members[i];
  }
  members.resize(kept);
  for (size_t i = 0; i < members.size(); ++i) {
    const Member m = members[i];
    for (const Edge& e : nfa_[m.nfa]) {
      if (e.kind != kEpsilon && e.kind != kEnterLoop) continue;
      const CounterOp op = e.kind == kEnterLoop ? kSet0 : m.op;
      uint32_t& s = stamp_[e.target * 4 + op];
      if (s != stamp_now_) s = stamp_now_, members.push_back({e.target, op});
    }
  }
}

// The transition code of a set of (NFA state, op) targets: their closure, grouped by counter op.
// Loop members of different ops are different parser items (a multi code); members outside loops
// go with the first group (their counter does not matter).
int32_t CompiledGrammar::encode(std::vector<Member>& targets, uint32_t rule) {
  if (targets.empty() || over_budget_) return kDead;
  closure(targets);
  std::vector<uint32_t> groups[4];
  bool counted[4] = {false, false, false, false};
  for (const Member& m : targets) {
    if (passive_[m.nfa]) continue;
    groups[m.op].push_back(m.nfa);
    counted[m.op] |= nfa_loop_[m.nfa] >= 0;
  }
  int first = -1, count = 0;
  for (int op = 0; op < 4; ++op) {
    if (!counted[op]) continue;
    if (first < 0) first = op;
    ++count;
  }
  if (first < 0) first = 0;
  for (int op = 0; op < 4; ++op) {
    if (op == first || counted[op]) continue;
    groups[first].insert(groups[first].end(), groups[op].begin(), groups[op].end());
    groups[op].clear();
  }
  std::vector<int32_t> codes;
  for (int op = 0; op < 4; ++op) {
    if (groups[op].empty()) continue;
    std::sort(groups[op].begin(), groups[op].end());
    groups[op].erase(std::unique(groups[op].begin(), groups[op].end()), groups[op].end());
    const uint32_t q = intern(groups[op], rule);
    if (over_budget_) return kDead;
    codes.push_back(static_cast<int32_t>(q << 2 | static_cast<uint32_t>(op)));
  }
  if (codes.size() == 1) return codes[0];
  (void)count;
  multi_.insert(multi_.end(), codes.begin(), codes.end());
  multi_begin_.push_back(static_cast<uint32_t>(multi_.size()));
  return kMultiBase - static_cast<int32_t>(multi_begin_.size() - 2);
}

uint32_t CompiledGrammar::intern(std::vector<uint32_t>& set, uint32_t rule) {
  std::string& key = intern_key_;  // reused: most lookups find a state already built
  key.assign(reinterpret_cast<const char*>(set.data()), set.size() * sizeof(uint32_t));
  auto it = interned_.find(key);
  if (it != interned_.end()) return it->second;
  if (dfa_.size() >= max_states_) {
    over_budget_ = true;
    return 0;
  }
  const uint32_t id = static_cast<uint32_t>(dfa_.size());
  DfaState s;
  s.rule = rule;
  s.nfa_begin = static_cast<uint32_t>(nfa_pool_.size());
  nfa_pool_.insert(nfa_pool_.end(), set.begin(), set.end());
  s.nfa_end = static_cast<uint32_t>(nfa_pool_.size());
  std::vector<uint32_t> thresholds;
  for (uint32_t y : set) {
    const int32_t l = nfa_loop_[y];
    if (l < 0) continue;
    s.counted = true;
    const Loop& loop = loops_[static_cast<size_t>(l)];
    if (loop.hub != y) continue;
    if (loop.min > 0) thresholds.push_back(loop.min);
    thresholds.push_back(loop.max);
  }
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  s.zones = static_cast<uint32_t>(thresholds.size() + 1);
  s.thresholds = static_cast<uint32_t>(thresholds_.size());
  thresholds_.insert(thresholds_.end(), thresholds.begin(), thresholds.end());
  s.zone_base = static_cast<uint32_t>(zones_.size());
  zones_.resize(zones_.size() + s.zones);
  trans_.resize(trans_.size() + static_cast<size_t>(s.zones) * class_count_, kUnknown);
  dfa_.push_back(std::move(s));
  interned_.emplace(std::move(key), id);
  return id;
}

// Builds every zone of q: the members its counter's zone makes reachable through loop edges, then
// per byte class the transition, the calls with their return items, and whether q can complete.
void CompiledGrammar::build_state(uint32_t q) {
  const uint32_t rule = dfa_[q].rule;
  const uint32_t zones = dfa_[q].zones;
  ByteSet exits;
  bool has_bytes = false;
  // Buffers kept across calls (build_state() does not nest): a first mask builds a hundred states
  // or more, and allocating these per state was a third of building one.
  std::vector<Member>& eff = build_eff_;
  std::vector<std::vector<Member>>& buckets = build_buckets_;
  std::vector<std::vector<Member>>& original = build_original_;
  std::vector<std::pair<uint64_t, uint32_t>>& representatives = build_reps_;  // (hash, class)
  std::vector<std::pair<uint32_t, Member>>& call_edges = build_calls_;  // (callee, return target)
  std::vector<Member>& targets = build_targets_;
  if (buckets.size() < class_count_) buckets.resize(class_count_), original.resize(class_count_);
  for (uint32_t z = 0; z < zones; ++z) {
    int32_t lo, hi;
    zone_range(q, z, &lo, &hi);
    const uint32_t k = static_cast<uint32_t>(lo);  // every counter of the zone behaves alike
    // Members with their ops: q's own (the item's counter), then through loop edges.
    eff.clear();
    for (uint32_t i = dfa_[q].nfa_begin; i < dfa_[q].nfa_end; ++i)
      eff.push_back({nfa_pool_[i], kKeep});
    ++stamp_now_;
    if (stamp_now_ == 0) {
      std::fill(stamp_.begin(), stamp_.end(), 0);
      stamp_now_ = 1;
    }
    for (const Member& m : eff) stamp_[m.nfa * 4 + m.op] = stamp_now_;
    for (size_t i = 0; i < eff.size(); ++i) {
      const Member m = eff[i];
      const uint32_t value = m.op == kKeep ? k : (m.op == kSet0 ? 0 : 1);
      for (const Edge& e : nfa_[m.nfa]) {
        CounterOp op;
        switch (e.kind) {
          case kEpsilon:
            op = m.op;
            break;
          case kEnterLoop:
            op = kSet0;
            break;
          case kLoopNext:
            if (value >= loops_[static_cast<size_t>(e.ref)].max) continue;
            op = m.op == kKeep ? kInc : kSet1;
            break;
          case kLoopExit:
            if (value < loops_[static_cast<size_t>(e.ref)].min) continue;
            op = kKeep;
            break;
          default:
            continue;
        }
        uint32_t& s = stamp_[e.target * 4 + op];
        if (s != stamp_now_) s = stamp_now_, eff.push_back({e.target, op});
      }
    }
    Zone zone;
    // Byte transitions, bucketed by class; calls grouped by callee.
    for (auto& b : buckets) b.clear();
    call_edges.clear();
    for (const Member& m : eff) {
      if (m.nfa == rule_accept_[rule]) zone.final = true;
      for (const Edge& e : nfa_[m.nfa]) {
        if (e.kind == kByte) {
          has_bytes = true;
          for (uint32_t c = byte_class_[e.lo]; c <= byte_class_[e.hi]; ++c)
            buckets[c].push_back({e.target, m.op});
        } else if (e.kind == kCall) {
          const uint32_t callee = static_cast<uint32_t>(e.ref);
          call_edges.push_back({callee, {e.target, m.op}});
          exits.merge(first_[callee]);
          if (nullable_[callee]) {
            exits.merge(first_from_[e.target]);
            if (reaches_accept_[e.target]) exits.merge(follow_[rule]);
          }
        }
      }
    }
    if (zone.final) exits.merge(follow_[rule]);
    std::sort(call_edges.begin(), call_edges.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first < b.first
                                : (a.second.nfa != b.second.nfa ? a.second.nfa < b.second.nfa
                                                                : a.second.op < b.second.op);
    });
    zone.calls_begin = static_cast<uint32_t>(calls_.size());
    for (size_t i = 0; i < call_edges.size();) {
      size_t j = i;
      targets.clear();
      while (j < call_edges.size() && call_edges[j].first == call_edges[i].first)
        targets.push_back(call_edges[j++].second);
      const int32_t code = encode(targets, rule);
      if (code != kDead) calls_.push_back({call_edges[i].first, code});
      i = j;
    }
    zone.calls_end = static_cast<uint32_t>(calls_.size());
    // Classes with the same targets share one code: most bytes of a string or name state lead to
    // one successor, and each encode() is a closure and an intern.
    const size_t row = static_cast<size_t>(dfa_[q].zone_base + z) * class_count_;
    representatives.clear();
    for (uint32_t c = 0; c < class_count_; ++c) {
      const std::vector<Member>& b = buckets[c];
      uint64_t h = 1469598103934665603ull;
      for (const Member& m : b) h = (h ^ (m.nfa * 4u + m.op)) * 1099511628211ull;
      int32_t same = -1;
      for (const auto& r : representatives) {
        const std::vector<Member>& o = original[r.second];
        if (r.first == h && o.size() == b.size() &&
            std::equal(o.begin(), o.end(), b.begin(), [](const Member& x, const Member& y) {
              return x.nfa == y.nfa && x.op == y.op;
            })) {
          same = static_cast<int32_t>(r.second);
          break;
        }
      }
      if (same >= 0) {
        trans_[row + c] = trans_[row + static_cast<uint32_t>(same)];
        continue;
      }
      original[c] = b;  // encode() closes b in place
      representatives.push_back({h, c});
      trans_[row + c] = encode(buckets[c], rule);
    }
    zones_[dfa_[q].zone_base + z] = zone;
  }
  dfa_[q].has_bytes = has_bytes;
  dfa_[q].exit_bytes = exits;
  dfa_[q].built = true;
}

size_t CompiledGrammar::memory_bytes() const {
  size_t total = trans_.capacity() * 4 + nfa_pool_.capacity() * 4 +
                 dfa_.capacity() * sizeof(DfaState) + zones_.capacity() * sizeof(Zone) +
                 calls_.capacity() * sizeof(Call) + multi_.capacity() * 4 +
                 thresholds_.capacity() * 4 + stamp_.capacity() * 4;
  for (const auto& e : nfa_) total += e.capacity() * sizeof(Edge) + sizeof(e);
  total += interned_.size() * 64;
  return total;
}

}  // namespace logitkit::grammar
