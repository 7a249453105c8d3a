#include "nfa.h"

#include <algorithm>

#include "json_value.h"

namespace logitkit::grammar {

namespace {

class Builder {
 public:
  Builder(Nfa& nfa, size_t max_states) : nfa_(nfa), max_states_(max_states) {}
  bool over = false;

  int32_t add() {
    if (nfa_.states.size() >= max_states_) {
      over = true;
      return 0;
    }
    nfa_.states.emplace_back();
    return static_cast<int32_t>(nfa_.states.size() - 1);
  }

  // A fragment from `from` that ends in a new state, returned.
  int32_t build(const Re& re, int32_t from) {
    if (over) return from;
    switch (re.kind) {
      case Re::Kind::kEmpty:
      case Re::Kind::kStart:
      case Re::Kind::kEnd:
        return from;
      case Re::Kind::kSet: {
        const int32_t to = add();
        if (over) return from;
        // A state holds one set edge; chain through a fresh state if this one is used.
        int32_t src = from;
        if (nfa_.states[src].next >= 0) {
          src = add();
          if (over) return from;
          nfa_.states[from].epsilon.push_back(src);
        }
        nfa_.states[src].set = re.set;
        nfa_.states[src].next = to;
        return to;
      }
      case Re::Kind::kSeq: {
        int32_t at = from;
        for (const Re& kid : re.kids) at = build(kid, at);
        return at;
      }
      case Re::Kind::kAlt: {
        const int32_t to = add();
        for (const Re& kid : re.kids) {
          const int32_t end = enter(kid, from);
          if (over) return from;
          nfa_.states[end].epsilon.push_back(to);
        }
        return to;
      }
      case Re::Kind::kRepeat: {
        int32_t at = from;
        const Re& kid = re.kids[0];
        for (uint32_t i = 0; i < re.min && !over; i++) at = enter(kid, at);
        if (re.max == Re::kUnbounded) {
          const int32_t loop = add();
          const int32_t to = add();
          if (over) return from;
          nfa_.states[at].epsilon.push_back(loop);
          nfa_.states[loop].epsilon.push_back(to);
          const int32_t end = enter(kid, loop);
          if (over) return from;
          nfa_.states[end].epsilon.push_back(loop);
          return to;
        }
        const int32_t to = add();
        if (over) return from;
        for (uint32_t i = re.min; i < re.max && !over; i++) {
          nfa_.states[at].epsilon.push_back(to);
          at = enter(kid, at);
        }
        if (!over) nfa_.states[at].epsilon.push_back(to);
        return to;
      }
    }
    return from;
  }

 private:
  // A fresh state entered by an epsilon edge from `from`, then a fragment for `kid` after it: the
  // fragment's end state (`from` when the state budget runs out first).
  int32_t enter(const Re& kid, int32_t from) {
    const int32_t entry = add();
    if (over) return from;
    nfa_.states[from].epsilon.push_back(entry);
    return build(kid, entry);
  }

  Nfa& nfa_;
  size_t max_states_;
};

}  // namespace

bool build_nfa(const Re& re, size_t max_states, Nfa* out) {
  *out = Nfa();
  Builder builder(*out, max_states);
  out->start = builder.add();
  out->accept = builder.build(re, out->start);
  if (builder.over) {
    *out = Nfa();
    return false;
  }
  return true;
}

std::vector<int32_t> nfa_closure(const Nfa& nfa, std::vector<int32_t> states) {
  std::vector<bool> seen(nfa.states.size(), false);
  std::vector<int32_t> out, todo;
  for (int32_t s : states) {
    if (!seen[s]) {
      seen[s] = true;
      todo.push_back(s);
    }
  }
  while (!todo.empty()) {
    const int32_t s = todo.back();
    todo.pop_back();
    out.push_back(s);
    for (int32_t t : nfa.states[s].epsilon) {
      if (!seen[t]) {
        seen[t] = true;
        todo.push_back(t);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool nfa_matches(const Nfa& nfa, std::string_view text) {
  if (nfa.states.empty()) return false;
  std::vector<int32_t> current = nfa_closure(nfa, {nfa.start});
  for (size_t pos = 0; pos < text.size();) {
    uint32_t cp;
    const size_t n = decode_utf8(text, pos, &cp);
    if (n == 0) return false;
    pos += n;
    std::vector<int32_t> next;
    for (int32_t s : current) {
      if (nfa.states[s].next >= 0 && nfa.states[s].set.contains(cp)) {
        next.push_back(nfa.states[s].next);
      }
    }
    if (next.empty()) return false;
    current = nfa_closure(nfa, std::move(next));
  }
  return std::binary_search(current.begin(), current.end(), nfa.accept);
}

}  // namespace logitkit::grammar
