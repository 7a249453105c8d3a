#include "grammar.h"

#include <algorithm>
#include <cstring>

#include "utf8.h"

namespace logitkit::grammar {
namespace {

constexpr uint32_t kSizeCap = 1u << 30;
constexpr uint32_t kInlineSize = 1024;  // NFA states: larger rules used twice or more stay calls
constexpr int kMaxDepth = 2000;         // nesting of inlined expressions

uint32_t sat_add(uint32_t a, uint32_t b) {
  return a + b > kSizeCap ? kSizeCap : a + b;
}
uint32_t sat_mul(uint32_t a, uint32_t b) {
  return b != 0 && a > kSizeCap / b ? kSizeCap : a * b;
}

struct RuleGraph {
  std::vector<std::vector<int32_t>> refs;  // per AST rule: referenced rules
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
  g.refcount.assign(n, 0);
  g.recursive.assign(n, 0);
  for (size_t r = 0; r < n; ++r) {
    collect_refs(ast, ast.rule_expr[r], g.refs[r]);
    for (int32_t t : g.refs[r]) {
      ++g.refcount[static_cast<size_t>(t)];
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

uint32_t expr_size(const GrammarAst& ast, const RuleGraph& g, int32_t e,
                   std::vector<uint32_t>& memo, int depth) {
  const Expr& x = ast.exprs[static_cast<size_t>(e)];
  if (depth > kMaxDepth) return kSizeCap;
  switch (x.kind) {
    case Expr::kLiteral:
      return static_cast<uint32_t>(x.bytes.size()) + 1;
    case Expr::kClass: {
      std::vector<Utf8Sequence> seqs;
      for (const auto& r : x.ranges) utf8_sequences(r.first, r.second, seqs);
      return static_cast<uint32_t>(seqs.size()) * 3 + 1;
    }
    case Expr::kRef: {
      const size_t r = static_cast<size_t>(x.rule);
      if (g.recursive[r]) return 1;
      if (memo[r] == 0)
        memo[r] = std::max<uint32_t>(1, expr_size(ast, g, ast.rule_expr[r], memo, depth + 1));
      return memo[r];
    }
    case Expr::kRepeat: {
      const uint32_t s = expr_size(ast, g, x.kids[0], memo, depth + 1);
      const uint32_t copies =
          std::max<uint32_t>(x.min, 1) + (x.max == Expr::kUnbounded ? 1 : x.max - x.min);
      return sat_mul(s + 1, copies);
    }
    default: {
      uint32_t total = 1;
      for (int32_t k : x.kids) total = sat_add(total, expr_size(ast, g, k, memo, depth + 1));
      return total;
    }
  }
}

}  // namespace

bool CompiledGrammar::timed_out() {
  if (!timed_out_ && std::chrono::steady_clock::now() > deadline_) timed_out_ = true;
  return timed_out_;
}

uint32_t CompiledGrammar::new_nfa_state(uint32_t rule) {
  nfa_.emplace_back();
  nfa_rule_.push_back(rule);
  return static_cast<uint32_t>(nfa_.size() - 1);
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
        nfa_[cur].push_back({0, b, b, -1, next});
        cur = next;
      }
      if (x.bytes.empty()) nfa_[from].push_back({2, 0, 0, -1, to});
      return true;
    }
    case Expr::kClass: {
      std::vector<Utf8Sequence> seqs;
      for (const auto& r : x.ranges) utf8_sequences(r.first, r.second, seqs);
      for (const Utf8Sequence& s : seqs) {
        uint32_t cur = from;
        for (uint8_t i = 0; i < s.length; ++i) {
          const uint32_t next = i + 1 == s.length ? to : new_nfa_state(rule);
          nfa_[cur].push_back({0, s.lo[i], s.hi[i], -1, next});
          cur = next;
        }
      }
      return true;
    }
    case Expr::kRef: {
      const int32_t k = kept_[static_cast<size_t>(x.rule)];
      if (k >= 0) {
        nfa_[from].push_back({1, 0, 0, k, to});
        return true;
      }
      return build_expr(ast, ast.rule_expr[static_cast<size_t>(x.rule)], from, to, depth + 1);
    }
    case Expr::kSeq: {
      if (x.kids.empty()) {
        nfa_[from].push_back({2, 0, 0, -1, to});
        return true;
      }
      uint32_t cur = from;
      for (size_t i = 0; i < x.kids.size(); ++i) {
        const uint32_t next = i + 1 == x.kids.size() ? to : new_nfa_state(rule);
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
        nfa_[from].push_back({2, 0, 0, -1, entry});
        if (!build_expr(ast, k, entry, to, depth + 1)) return false;
      }
      return true;
    }
    case Expr::kRepeat: {
      const int32_t kid = x.kids[0];
      uint32_t cur = from;
      if (x.max == 0) {
        nfa_[from].push_back({2, 0, 0, -1, to});
        return true;
      }
      for (uint32_t i = 0; i < x.min; ++i) {
        const bool last = i + 1 == x.min && x.max == x.min;
        const uint32_t next = last ? to : new_nfa_state(rule);
        if (!build_expr(ast, kid, cur, next, depth + 1)) return false;
        cur = next;
      }
      if (x.max == x.min) return true;
      if (x.max == Expr::kUnbounded) {
        const uint32_t loop = new_nfa_state(rule);
        nfa_[cur].push_back({2, 0, 0, -1, loop});
        nfa_[loop].push_back({2, 0, 0, -1, to});
        return build_expr(ast, kid, loop, loop, depth + 1);
      }
      for (uint32_t i = x.min; i < x.max; ++i) {
        nfa_[cur].push_back({2, 0, 0, -1, to});
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
  const auto start_time = std::chrono::steady_clock::now();
  deadline_ =
      start_time + std::chrono::microseconds(static_cast<int64_t>(options.timeout_ms * 1000));
  max_states_ = options.max_states;

  const RuleGraph g = analyse_rules(ast);
  const size_t n = ast.rule_expr.size();
  std::vector<uint32_t> memo(n, 0);
  kept_.assign(n, -1);
  for (size_t r = 0; r < n; ++r) {
    bool keep = static_cast<int32_t>(r) == ast.root || g.recursive[r];
    if (!keep && g.refcount[r] > 1) {
      const uint32_t size = expr_size(ast, g, ast.rule_expr[r], memo, 0);
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
        error->message =
            "compilation exceeded timeoutMs (" + std::to_string(options.timeout_ms) + " ms)";
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

  // Productive rules (can derive a string) and live NFA states (can reach their accept state).
  const size_t states = nfa_.size();
  std::vector<uint8_t> productive(rules, 0);
  std::vector<uint8_t> seen(states, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t r = 0; r < rules; ++r) {
      if (productive[r]) continue;
      std::fill(seen.begin(), seen.end(), 0);
      std::vector<uint32_t> stack = {rule_start_[r]};
      seen[rule_start_[r]] = 1;
      while (!stack.empty() && !productive[r]) {
        const uint32_t y = stack.back();
        stack.pop_back();
        if (y == rule_accept_[r]) productive[r] = 1;
        for (const Edge& e : nfa_[y]) {
          if (e.kind == 1 && !productive[static_cast<size_t>(e.rule)]) continue;
          if (!seen[e.target]) seen[e.target] = 1, stack.push_back(e.target);
        }
      }
      changed |= productive[r] != 0;
    }
    if (timed_out()) break;
  }
  if (!productive[root_]) {
    error->code = GrammarErrorCode::kEmpty;
    error->message =
        "the grammar matches no string (rule '" + rule_names_[root_] + "' cannot complete)";
    return false;
  }
  std::vector<std::vector<uint32_t>> reverse(states);
  for (uint32_t y = 0; y < states; ++y)
    for (const Edge& e : nfa_[y])
      if (e.kind != 1 || productive[static_cast<size_t>(e.rule)]) reverse[e.target].push_back(y);
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
                               [&](const Edge& e) {
                                 return !live[e.target] ||
                                        (e.kind == 1 && !productive[static_cast<size_t>(e.rule)]);
                               }),
                edges.end());
  }
  if (timed_out()) {
    error->code = GrammarErrorCode::kTimeout;
    error->message =
        "compilation exceeded timeoutMs (" + std::to_string(options.timeout_ms) + " ms)";
    return false;
  }

  analyse();

  // Byte classes: bytes no edge tells apart share one column of the transition table.
  bool boundary[257] = {};
  boundary[0] = true;
  for (const auto& edges : nfa_)
    for (const Edge& e : edges)
      if (e.kind == 0) boundary[e.lo] = true, boundary[e.hi + 1] = true;
  class_count_ = 0;
  for (int b = 0; b < 256; ++b) {
    if (boundary[b]) class_rep_[class_count_++] = static_cast<uint8_t>(b);
    byte_class_[b] = static_cast<uint8_t>(class_count_ - 1);
  }

  stamp_.assign(states, 0);
  dfa_start_.resize(rules);
  for (uint32_t r = 0; r < rules; ++r) {
    std::vector<uint32_t> set = {rule_start_[r]};
    closure(set);
    dfa_start_[r] = intern(set, r);
  }
  return true;
}

void CompiledGrammar::analyse() {
  const uint32_t rules = rule_count();
  const size_t states = nfa_.size();
  nullable_.assign(rules, 0);
  std::vector<uint8_t> seen(states, 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t r = 0; r < rules; ++r) {
      if (nullable_[r]) continue;
      std::fill(seen.begin(), seen.end(), 0);
      std::vector<uint32_t> stack = {rule_start_[r]};
      while (!stack.empty() && !nullable_[r]) {
        const uint32_t y = stack.back();
        stack.pop_back();
        if (y == rule_accept_[r]) nullable_[r] = 1;
        for (const Edge& e : nfa_[y]) {
          const bool passes =
              e.kind == 2 || (e.kind == 1 && nullable_[static_cast<size_t>(e.rule)]);
          if (passes && !seen[e.target]) seen[e.target] = 1, stack.push_back(e.target);
        }
      }
      changed |= nullable_[r] != 0;
    }
  }
  // reaches_accept_: accept reachable through epsilon edges and calls of nullable rules.
  reaches_accept_.assign(states, 0);
  std::vector<std::vector<uint32_t>> rev(states);
  for (uint32_t y = 0; y < states; ++y)
    for (const Edge& e : nfa_[y])
      if (e.kind == 2 || (e.kind == 1 && nullable_[static_cast<size_t>(e.rule)]))
        rev[e.target].push_back(y);
  std::vector<uint32_t> stack;
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
  std::vector<std::vector<uint32_t>> deps(states);
  for (uint32_t y = 0; y < states; ++y) {
    for (const Edge& e : nfa_[y]) {
      if (e.kind == 0) first_from_[y].set_range(e.lo, e.hi);
      if (e.kind == 2) deps[e.target].push_back(y);
      if (e.kind == 1) {
        deps[rule_start_[static_cast<size_t>(e.rule)]].push_back(y);
        if (nullable_[static_cast<size_t>(e.rule)]) deps[e.target].push_back(y);
      }
    }
  }
  std::vector<uint8_t> queued(states, 1);
  std::vector<uint32_t> work;
  for (uint32_t y = 0; y < states; ++y) work.push_back(y);
  while (!work.empty()) {
    const uint32_t t = work.back();
    work.pop_back();
    queued[t] = 0;
    for (uint32_t y : deps[t]) {
      bool grew = false;
      for (const Edge& e : nfa_[y]) {
        if (e.kind == 2 && e.target == t) grew |= first_from_[y].merge(first_from_[t]);
        if (e.kind == 1) {
          if (rule_start_[static_cast<size_t>(e.rule)] == t)
            grew |= first_from_[y].merge(first_from_[t]);
          if (e.target == t && nullable_[static_cast<size_t>(e.rule)])
            grew |= first_from_[y].merge(first_from_[t]);
        }
      }
      if (grew && !queued[y]) queued[y] = 1, work.push_back(y);
    }
  }
  for (uint32_t r = 0; r < rules; ++r) first_[r] = first_from_[rule_start_[r]];
  follow_.assign(rules, ByteSet());
  for (bool changed = true; changed;) {
    changed = false;
    for (uint32_t y = 0; y < states; ++y) {
      for (const Edge& e : nfa_[y]) {
        if (e.kind != 1) continue;
        ByteSet add = first_from_[e.target];
        if (reaches_accept_[e.target]) add.merge(follow_[nfa_rule_[e.target]]);
        changed |= follow_[static_cast<size_t>(e.rule)].merge(add);
      }
    }
  }
}

void CompiledGrammar::closure(std::vector<uint32_t>& set) {
  ++stamp_now_;
  if (stamp_now_ == 0) {
    std::fill(stamp_.begin(), stamp_.end(), 0);
    stamp_now_ = 1;
  }
  for (uint32_t y : set) stamp_[y] = stamp_now_;
  for (size_t i = 0; i < set.size(); ++i) {
    for (const Edge& e : nfa_[set[i]]) {
      if (e.kind == 2 && stamp_[e.target] != stamp_now_) {
        stamp_[e.target] = stamp_now_;
        set.push_back(e.target);
      }
    }
  }
  std::sort(set.begin(), set.end());
}

uint32_t CompiledGrammar::intern(std::vector<uint32_t>& set, uint32_t rule) {
  std::string key(reinterpret_cast<const char*>(set.data()), set.size() * sizeof(uint32_t));
  auto it = interned_.find(key);
  if (it != interned_.end()) return it->second;
  if (dfa_.size() >= max_states_) over_budget_ = true;
  const uint32_t id = static_cast<uint32_t>(dfa_.size());
  DfaState s;
  s.rule = rule;
  s.nfa_begin = static_cast<uint32_t>(nfa_pool_.size());
  nfa_pool_.insert(nfa_pool_.end(), set.begin(), set.end());
  s.nfa_end = static_cast<uint32_t>(nfa_pool_.size());
  for (uint32_t y : set) {
    if (y == rule_accept_[rule]) s.final = true;
    for (const Edge& e : nfa_[y]) s.has_bytes |= e.kind == 0;
  }
  dfa_.push_back(std::move(s));
  trans_.resize(trans_.size() + class_count_, kUnknown);
  interned_.emplace(std::move(key), id);
  return id;
}

void CompiledGrammar::build_row(uint32_t q) {
  std::vector<std::vector<uint32_t>> buckets(class_count_);
  const DfaState& s = dfa_[q];
  for (uint32_t i = s.nfa_begin; i < s.nfa_end; ++i) {
    for (const Edge& e : nfa_[nfa_pool_[i]]) {
      if (e.kind != 0) continue;
      for (uint32_t c = byte_class_[e.lo]; c <= byte_class_[e.hi]; ++c)
        buckets[c].push_back(e.target);
    }
  }
  const uint32_t rule = s.rule;
  for (uint32_t c = 0; c < class_count_; ++c) {
    int32_t t = kDead;
    if (!buckets[c].empty() && !over_budget_) {
      std::sort(buckets[c].begin(), buckets[c].end());
      buckets[c].erase(std::unique(buckets[c].begin(), buckets[c].end()), buckets[c].end());
      closure(buckets[c]);
      t = static_cast<int32_t>(intern(buckets[c], rule));
    }
    trans_[static_cast<size_t>(q) * class_count_ + c] = t;
  }
  dfa_[q].row_ready = true;
}

void CompiledGrammar::build_calls(uint32_t q) {
  std::vector<std::pair<int32_t, uint32_t>> edges;  // (callee, target)
  ByteSet exits;
  const uint32_t rule = dfa_[q].rule;
  for (uint32_t i = dfa_[q].nfa_begin; i < dfa_[q].nfa_end; ++i) {
    const uint32_t y = nfa_pool_[i];
    if (y == rule_accept_[rule]) exits.merge(follow_[rule]);
    for (const Edge& e : nfa_[y]) {
      if (e.kind != 1) continue;
      edges.push_back({e.rule, e.target});
      exits.merge(first_[static_cast<size_t>(e.rule)]);
      if (nullable_[static_cast<size_t>(e.rule)]) {
        exits.merge(first_from_[e.target]);
        if (reaches_accept_[e.target]) exits.merge(follow_[rule]);
      }
    }
  }
  std::sort(edges.begin(), edges.end());
  std::vector<std::pair<uint32_t, uint32_t>> calls;
  for (size_t i = 0; i < edges.size();) {
    size_t j = i;
    std::vector<uint32_t> targets;
    while (j < edges.size() && edges[j].first == edges[i].first)
      targets.push_back(edges[j++].second);
    targets.erase(std::unique(targets.begin(), targets.end()), targets.end());
    closure(targets);
    const uint32_t goto_state = over_budget_ ? q : intern(targets, rule);
    calls.push_back({static_cast<uint32_t>(edges[i].first), goto_state});
    i = j;
  }
  dfa_[q].calls = std::move(calls);
  dfa_[q].exit_bytes = exits;
  dfa_[q].calls_ready = true;
}

size_t CompiledGrammar::memory_bytes() const {
  size_t total =
      trans_.capacity() * 4 + nfa_pool_.capacity() * 4 + dfa_.capacity() * sizeof(DfaState);
  for (const auto& e : nfa_) total += e.capacity() * sizeof(Edge) + sizeof(e);
  for (const auto& s : dfa_) total += s.calls.capacity() * 8;
  total += interned_.size() * 64;
  return total;
}

}  // namespace logitkit::grammar
