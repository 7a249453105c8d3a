#include "length_product.h"

#include <algorithm>
#include <map>
#include <unordered_map>
#include <vector>

#include "nfa.h"

namespace logitkit::grammar {

namespace {

// An epsilon-free view of the automaton: from each kernel state (the start and the target of a
// set edge), the set edges of its epsilon closure, sets to one target merged.
struct Kernel {
  std::vector<std::vector<std::pair<int32_t, CharSet>>> edges;  // by NFA state
  std::vector<bool> accepting;
};

Kernel kernel_of(const Nfa& nfa) {
  Kernel k;
  k.edges.resize(nfa.states.size());
  k.accepting.assign(nfa.states.size(), false);
  std::vector<bool> done(nfa.states.size(), false);
  std::vector<int32_t> todo{nfa.start};
  while (!todo.empty()) {
    const int32_t q = todo.back();
    todo.pop_back();
    if (done[q]) continue;
    done[q] = true;
    std::map<int32_t, CharSet> by_target;
    for (const int32_t s : nfa_closure(nfa, {q})) {
      if (s == nfa.accept) k.accepting[q] = true;
      const Nfa::State& state = nfa.states[s];
      if (state.next >= 0 && !state.set.empty()) by_target[state.next].add(state.set);
    }
    for (auto& [target, set] : by_target) {
      k.edges[q].push_back({target, std::move(set)});
      if (!done[target]) todo.push_back(target);
    }
  }
  return k;
}

}  // namespace

LengthProduct length_product_gbnf(const Re& re, uint64_t min, uint64_t max, size_t max_pairs,
                                  JsonGrammar& json, GbnfWriter& writer, std::string* out) {
  Nfa nfa;
  if (!build_nfa(re, max_pairs, &nfa)) return LengthProduct::kTooLarge;
  const Kernel kernel = kernel_of(nfa);
  // Counts run 0..top; without an upper bound they saturate at min (all counts >= min alike).
  const bool bounded = max != UINT64_MAX;
  const uint64_t top = bounded ? max : min;
  if (top >= max_pairs) return LengthProduct::kTooLarge;
  const auto step = [&](uint64_t count) { return bounded ? count + 1 : std::min(count + 1, top); };
  // Reachable pairs, breadth first from (start, 0).
  using Pair = std::pair<int32_t, uint64_t>;
  std::vector<Pair> pairs{{nfa.start, 0}};
  std::map<Pair, size_t> index{{pairs[0], 0}};
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto [q, count] = pairs[i];
    if (bounded && count == max) continue;
    for (const auto& [target, set] : kernel.edges[q]) {
      const Pair next{target, step(count)};
      if (index.emplace(next, pairs.size()).second) {
        pairs.push_back(next);
        if (pairs.size() > max_pairs) return LengthProduct::kTooLarge;
      }
    }
  }
  // Live pairs: those from which an accepting pair with a count >= min can be reached.
  std::vector<std::vector<size_t>> preds(pairs.size());
  std::vector<bool> live(pairs.size(), false);
  std::vector<size_t> todo;
  for (size_t i = 0; i < pairs.size(); ++i) {
    const auto [q, count] = pairs[i];
    if (kernel.accepting[q] && count >= min) live[i] = true, todo.push_back(i);
    if (bounded && count == max) continue;
    for (const auto& [target, set] : kernel.edges[q]) {
      preds[index.at({target, step(count)})].push_back(i);
    }
  }
  while (!todo.empty()) {
    const size_t i = todo.back();
    todo.pop_back();
    for (const size_t p : preds[i]) {
      if (!live[p]) live[p] = true, todo.push_back(p);
    }
  }
  if (!live[0]) return LengthProduct::kEmpty;
  std::vector<std::string> names(pairs.size());
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (live[i]) names[i] = writer.fresh_name("len");
  }
  std::unordered_map<const CharSet*, std::string> chars;  // each edge's set, written once
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (!live[i]) continue;
    const auto [q, count] = pairs[i];
    std::vector<std::string> alts;
    if (!bounded || count < max) {
      for (const auto& [target, set] : kernel.edges[q]) {
        const size_t j = index.at({target, step(count)});
        if (!live[j]) continue;
        auto found = chars.find(&set);
        if (found == chars.end()) {
          found = chars.emplace(&set, writer.intern("char", json.encoded_set(set))).first;
        }
        alts.push_back(found->second + " " + names[j]);
      }
    }
    if (kernel.accepting[q] && count >= min) alts.push_back("\"\"");
    writer.define(names[i], GbnfWriter::alternatives(alts));
  }
  *out = names[0];
  return LengthProduct::kWritten;
}

}  // namespace logitkit::grammar
