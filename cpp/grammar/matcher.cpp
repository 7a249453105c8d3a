#include "matcher.h"

#include <algorithm>
#include <cstring>

#include "utf8.h"

namespace logitkit::grammar {

Matcher::Matcher(std::shared_ptr<BoundGrammar> grammar, bool terminate_without_stop_token)
    : g_(std::move(grammar)),
      grammar_(g_->grammar.get()),
      terminate_without_stop_(terminate_without_stop_token) {
  dedup_key_.assign(64, Item{0, 0, 0});
  dedup_stamp_.assign(64, 0);
  reset();
}

void Matcher::reset() {
  items_.clear();
  set_begin_.assign(1, 0);
  history_.clear();
  history_stop_.clear();
  terminated_ = false;
  ++dedup_now_;
  add(grammar_->start_state(grammar_->root_rule()), 0, 0);
  close_set(0);
  drop_dominated(0);
  set_begin_.push_back(static_cast<uint32_t>(items_.size()));
}

namespace {
size_t item_hash(uint32_t state, uint32_t origin, uint32_t counter) {
  return state * 0x9E3779B1u + origin * 0x85EBCA77u + counter * 0xC2B2AE3Du;
}
}  // namespace

void Matcher::add(uint32_t state, uint32_t origin, uint32_t counter) {
  const uint32_t begin = set_begin_.back();
  const uint32_t count = static_cast<uint32_t>(items_.size()) - begin;
  size_t mask = dedup_key_.size() - 1;
  if ((count + 1) * 2 > dedup_key_.size()) {
    dedup_key_.assign(dedup_key_.size() * 2, Item{0, 0, 0});
    dedup_stamp_.assign(dedup_key_.size(), 0);
    mask = dedup_key_.size() - 1;
    for (uint32_t i = begin; i < items_.size(); ++i) {
      const Item& it = items_[i];
      size_t h = item_hash(it.state, it.origin, it.counter) & mask;
      while (dedup_stamp_[h] == dedup_now_) h = (h + 1) & mask;
      dedup_stamp_[h] = dedup_now_;
      dedup_key_[h] = it;
    }
  }
  const Item key{state, origin, counter};
  size_t h = item_hash(state, origin, counter) & mask;
  while (dedup_stamp_[h] == dedup_now_) {
    if (dedup_key_[h] == key) return;
    h = (h + 1) & mask;
  }
  dedup_stamp_[h] = dedup_now_;
  dedup_key_[h] = key;
  items_.push_back(key);
}

void Matcher::add_code(int32_t code, uint32_t origin, uint32_t counter) {
  if (code == CompiledGrammar::kDead) return;
  if (code >= 0) {
    const uint32_t q = CompiledGrammar::code_state(code);
    add(q, origin,
        grammar_->normalize_counter(q, apply_counter_op(CompiledGrammar::code_op(code), counter)));
    return;
  }
  const int32_t* end = grammar_->targets_end(code);
  for (const int32_t* t = grammar_->targets_begin(code); t != end; ++t)
    add_code(*t, origin, counter);
}

void Matcher::close_set(uint32_t set) {
  for (size_t i = set_begin_.back(); i < items_.size(); ++i) {
    const Item it = items_[i];
    // Copies: building other states below may grow the grammar's tables.
    const CompiledGrammar::Zone zone =
        grammar_->zone(it.state, grammar_->zone_of(it.state, it.counter));
    for (uint32_t c = zone.calls_begin; c < zone.calls_end; ++c) {
      const CompiledGrammar::Call call = grammar_->call(c);
      add(grammar_->start_state(call.rule), set, 0);
      if (grammar_->nullable(call.rule)) add_code(call.target, it.origin, it.counter);
    }
    if (!zone.final || it.origin == set) continue;  // empty completions: the nullable rule above
    const uint32_t rule = grammar_->state(it.state).rule;
    for (uint32_t j = set_begin_[it.origin]; j < set_begin_[it.origin + 1]; ++j) {
      const Item parent = items_[j];
      const CompiledGrammar::Zone pz =
          grammar_->zone(parent.state, grammar_->zone_of(parent.state, parent.counter));
      for (uint32_t c = pz.calls_begin; c < pz.calls_end; ++c) {
        const CompiledGrammar::Call call = grammar_->call(c);
        if (call.rule == rule) add_code(call.target, parent.origin, parent.counter);
      }
    }
  }
}

void Matcher::drop_dominated(uint32_t set) {
  const uint32_t begin = set_begin_[set];
  const uint32_t floor = grammar_->counter_floor();
  dominance_.clear();
  for (uint32_t i = begin; i < items_.size(); ++i) {
    const Item& it = items_[i];
    if (it.counter >= floor && grammar_->state(it.state).counted)
      dominance_.push_back({(uint64_t{it.state} << 32) | it.origin, it.counter});
  }
  if (dominance_.size() < 2) return;
  std::sort(dominance_.begin(), dominance_.end());
  // Keep the first (smallest counter) entry of every (state, origin).
  size_t keys = 0;
  for (size_t i = 0; i < dominance_.size(); ++i)
    if (keys == 0 || dominance_[keys - 1].first != dominance_[i].first)
      dominance_[keys++] = dominance_[i];
  if (keys == dominance_.size()) return;
  dominance_.resize(keys);
  uint32_t out = begin;
  for (uint32_t i = begin; i < items_.size(); ++i) {
    const Item it = items_[i];
    if (it.counter >= floor && grammar_->state(it.state).counted) {
      const uint64_t key = (uint64_t{it.state} << 32) | it.origin;
      const auto kept = std::lower_bound(dominance_.begin(), dominance_.end(),
                                         std::pair<uint64_t, uint32_t>(key, 0));
      if (kept->second != it.counter) continue;
    }
    items_[out++] = it;
  }
  items_.resize(out);
}

bool Matcher::scan(uint8_t byte, const Item* skip) {
  const uint32_t k = set_count() - 1;
  ++dedup_now_;
  const uint32_t end = set_begin_[k + 1];
  for (uint32_t i = set_begin_[k]; i < end; ++i) {
    const Item it = items_[i];
    if (skip != nullptr && it == *skip) continue;
    if (!grammar_->state(it.state).has_bytes) continue;
    add_code(grammar_->transition(it.state, grammar_->zone_of(it.state, it.counter), byte),
             it.origin, it.counter);
  }
  if (items_.size() == set_begin_.back()) return false;
  close_set(k + 1);
  drop_dominated(k + 1);
  set_begin_.push_back(static_cast<uint32_t>(items_.size()));
  return true;
}

void Matcher::pop_set() {
  set_begin_.pop_back();
  items_.resize(set_begin_.back());
}

bool Matcher::set_can_end(uint32_t set) const {
  for (uint32_t i = set_begin_[set]; i < set_begin_[set + 1]; ++i) {
    const Item& it = items_[i];
    if (it.origin == 0 && grammar_->state(it.state).rule == grammar_->root_rule() &&
        grammar_->can_complete(it.state, it.counter))
      return true;
  }
  return false;
}

bool Matcher::can_end() const {
  return !terminated_ && set_can_end(set_count() - 1);
}

bool Matcher::is_terminated() const {
  return terminated_ || (terminate_without_stop_ && set_can_end(set_count() - 1));
}

bool Matcher::accept_bytes(const uint8_t* bytes, size_t n) {
  if (terminated_) return false;
  const uint32_t before = set_count();
  for (size_t i = 0; i < n; ++i) {
    if (!scan(bytes[i])) {
      while (set_count() > before) pop_set();
      return false;
    }
  }
  history_.push_back(before);
  history_stop_.push_back(0);
  return true;
}

bool Matcher::accept_token(uint32_t id) {
  const Vocabulary& v = *g_->vocab;
  if (id >= v.vocab_size() || terminated_) return false;
  switch (v.kind(id)) {
    case kStop:
      if (!set_can_end(set_count() - 1)) return false;
      history_.push_back(set_count());
      history_stop_.push_back(1);
      terminated_ = true;
      return true;
    case kNormal:
      return accept_bytes(v.token_bytes(id), v.token_length(id));
    default:
      return false;
  }
}

bool Matcher::rollback(uint32_t n) {
  if (n > history_.size()) return false;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t sets = history_.back();
    if (history_stop_.back()) terminated_ = false;
    history_.pop_back();
    history_stop_.pop_back();
    while (set_count() > sets) pop_set();
  }
  return true;
}

Matcher* Matcher::fork() const {
  return new (std::nothrow) Matcher(*this);
}

void Matcher::walk_exits(const LocalMask& m, size_t begin, size_t end, uint32_t origin,
                         uint32_t* out) {
  const Vocabulary& v = *g_->vocab;
  const uint32_t base_sets = set_count();
  ++dedup_now_;
  const Item seed{exits_[begin].state, origin, exits_[begin].counter};
  add(seed.state, seed.origin, seed.counter);
  close_set(base_sets);
  set_begin_.push_back(static_cast<uint32_t>(items_.size()));
  const uint32_t seed_sets = set_count();
  // The local walk followed the seed item's own transitions on the exit byte (every result).
  const Item* skip = &seed;
  // The path: one Earley set per scanned byte; ends[d] = end of the subtree whose set is at depth
  // d.
  std::vector<uint32_t> ends;
  for (size_t x = begin; x < end; ++x) {
    const LocalMask::Exit& exit = m.exits[exits_[x].index];
    const Trie& trie = v.slices()[exit.slice].trie;
    const uint32_t stop = exit.node + trie.size[exit.node];
    uint32_t i = exit.node;
    ends.clear();
    while (i < stop) {
      while (!ends.empty() && i >= ends.back()) ends.pop_back(), pop_set();
      const uint32_t lab = trie.label[i];
      const bool ok = scan(Trie::byte_of(lab), set_count() == seed_sets ? skip : nullptr);
      if (!ok) {
        i += trie.size[i];
        continue;
      }
      const int32_t token = Trie::token_of(lab);
      if (token >= 0) {
        for (int32_t t = token; t >= 0; t = v.next_same_bytes(static_cast<uint32_t>(t)))
          out[static_cast<uint32_t>(t) >> 5] |= 1u << (static_cast<uint32_t>(t) & 31);
      }
      if (trie.size[i] > 1) {
        ends.push_back(i + trie.size[i]);
      } else {
        pop_set();
      }
      ++i;
    }
    while (set_count() > seed_sets) pop_set();
  }
  while (set_count() > base_sets) pop_set();
}

void Matcher::fill_mask(uint32_t* out) {
  const Vocabulary& v = *g_->vocab;
  TokenMasks& masks = *g_->masks;
  const uint32_t words = v.vocab_words();
  std::memset(out, 0, words * sizeof(uint32_t));
  if (terminated_) return;
  const uint32_t k = set_count() - 1;
  seen_states_.clear();
  for (uint32_t i = set_begin_[k]; i < set_begin_[k + 1]; ++i) {
    const Item it = items_[i];
    if (!grammar_->state(it.state).has_bytes) continue;
    const int32_t c = static_cast<int32_t>(it.counter);
    LocalMask& m = masks.local(it.state);
    masks.prepare(it.state, c);  // walks the slices not whole at this counter, once
    bool seen = false;
    for (const auto& s : seen_states_) seen |= s.first == it.state && s.second == it.counter;
    if (!seen) {
      seen_states_.push_back({it.state, it.counter});
      for (uint32_t s = 0; m.whole_slices >> s; ++s) {
        if (!((m.whole_slices >> s) & 1) || !m.whole_when[s].has(c)) continue;
        const uint32_t* bits = v.slices()[s].bitmask.data();
        for (uint32_t w = 0; w < words; ++w) out[w] |= bits[w];
      }
      const uint32_t* any = m.any_bits.data();
      for (uint32_t w = 0; w < m.any_bits.size(); ++w) out[w] |= any[w];
      for (const LocalMask::Group& g : m.groups) {
        if (!g.when.has(c)) continue;
        for (uint32_t t = g.begin; t < g.end; ++t) {
          const uint32_t id = m.tokens[t];
          out[id >> 5] |= 1u << (id & 31);
        }
      }
    }
    // Exits with the same seed item (85 after an integer member, one per byte that may follow
    // it in each slice) share its closure, often most of their walk.
    exits_.clear();
    for (uint32_t x = 0; x < m.exits.size(); ++x) {
      const LocalMask::Exit& e = m.exits[x];
      if (!e.when.has(c) || m.whole_at(e.slice, c)) continue;
      const uint32_t counter = static_cast<uint32_t>(e.relative ? c + e.counter : e.counter);
      exits_.push_back({e.state, grammar_->normalize_counter(e.state, counter), x});
    }
    std::sort(exits_.begin(), exits_.end());
    for (size_t x = 0; x < exits_.size();) {
      size_t y = x + 1;
      while (y < exits_.size() && exits_[y].state == exits_[x].state &&
             exits_[y].counter == exits_[x].counter)
        ++y;
      walk_exits(m, x, y, it.origin, out);
      x = y;
    }
  }
  for (uint32_t t : v.empty_tokens()) out[t >> 5] |= 1u << (t & 31);
  if (set_can_end(k))
    for (int32_t t : v.stop_ids()) out[static_cast<uint32_t>(t) >> 5] |= 1u << (t & 31);
}

std::string Matcher::jump_forward() {
  std::string forced;
  if (terminated_) return forced;
  const uint32_t before = set_count();
  while (forced.size() < 4096 && !set_can_end(set_count() - 1)) {
    const uint32_t k = set_count() - 1;
    int next_byte = -1;
    bool unique = true;
    for (uint32_t b = 0; b < 256 && unique; ++b) {
      for (uint32_t i = set_begin_[k]; i < set_begin_[k + 1]; ++i) {
        const Item it = items_[i];
        if (!grammar_->state(it.state).has_bytes ||
            grammar_->transition(it.state, grammar_->zone_of(it.state, it.counter),
                                 static_cast<uint8_t>(b)) == CompiledGrammar::kDead)
          continue;
        if (next_byte >= 0) unique = false;
        next_byte = static_cast<int>(b);
        break;
      }
    }
    if (!unique || next_byte < 0) break;
    if (!scan(static_cast<uint8_t>(next_byte))) break;
    forced.push_back(static_cast<char>(next_byte));
  }
  while (set_count() > before) pop_set();
  // Keep whole characters only.
  size_t valid = 0;
  const uint8_t* s = reinterpret_cast<const uint8_t*>(forced.data());
  while (valid < forced.size()) {
    uint32_t cp = 0;
    const int len = utf8_decode(s + valid, forced.size() - valid, &cp);
    if (len == 0) break;
    valid += static_cast<size_t>(len);
  }
  forced.resize(valid);
  return forced;
}

}  // namespace logitkit::grammar
