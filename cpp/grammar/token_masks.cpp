#include "token_masks.h"

#include <algorithm>
#include <unordered_set>

#include "utf8.h"

namespace logitkit::grammar {
namespace {

// The UTF-8 byte-range sequences of [^"\\\x00-\x1F\x7F]: the characters of the JSON slices.
const std::vector<Utf8Sequence>& json_char_sequences() {
  static const std::vector<Utf8Sequence> seqs = [] {
    std::vector<Utf8Sequence> out;
    utf8_sequences(0x20, 0x21, out);
    utf8_sequences(0x23, 0x5B, out);
    utf8_sequences(0x5D, 0x7E, out);
    utf8_sequences(0x80, 0x10FFFF, out);
    return out;
  }();
  return seqs;
}

// The first index at or after `from` of the sorted `summarized` whose node is at or after `node`.
// A walk passes over dead subtrees, so it gallops: a few steps, then a binary search, instead of
// reading every summarized node it jumped over (a walk's cost grew with the trie, not its steps).
inline uint32_t summary_at_or_after(const uint32_t* summarized, uint32_t count, uint32_t from,
                                    uint32_t node) {
  if (from >= count || summarized[from] >= node) return from;  // the walk's next summary: no jump
  for (uint32_t k = 0; k < 4 && from < count; ++k, ++from)
    if (summarized[from] >= node) return from;
  return static_cast<uint32_t>(std::lower_bound(summarized + from, summarized + count, node) -
                               summarized);
}

constexpr uint32_t kMaxRun = 128;     // characters whole_ranges() follows at most
constexpr size_t kMaxFrontier = 256;  // paths it follows at once
constexpr size_t kMaxSeen = 1024;     // paths it remembers to prove a run unbounded

// Removes `cut` from `range`, keeping an interval: when `cut` lies strictly inside, the part below
// it is kept (a smaller range only costs a walk, never exactness).
CounterRange remove(const CounterRange& range, const CounterRange& cut) {
  const CounterRange overlap = range.intersect(cut);
  if (overlap.empty()) return range;
  if (cut.lo <= range.lo) return {cut.hi + 1, range.hi};
  return {range.lo, cut.lo - 1};
}

}  // namespace

TokenMasks::TokenMasks(std::shared_ptr<const Vocabulary> vocab, CompiledGrammar* grammar)
    : vocab_(std::move(vocab)), grammar_(grammar) {
  // A slice of unbounded length class is whole once runs as long as its longest token are proved.
  for (const Slice& slice : vocab_->slices()) longest_chars_.push_back(slice.longest_chars);
}

TokenMasks::~TokenMasks() {
  for (LocalMask* m : cache_) delete m;
}

TokenMasks::Path TokenMasks::root(uint32_t q) const {
  Path p{q, 0, grammar_->state(q).counted, CounterRange()};
  if (p.relative) p.when.lo = 0;
  return p;
}

TokenMasks::Path TokenMasks::child(const Path& from, int32_t code, const CounterRange& when) const {
  const uint32_t q = CompiledGrammar::code_state(code);
  if (!grammar_->state(q).counted) return {q, 0, false, when};
  switch (CompiledGrammar::code_op(code)) {
    case kInc:
      return {q, from.counter + 1, from.relative, when};
    case kSet0:
      return {q, 0, false, when};
    case kSet1:
      return {q, 1, false, when};
    default:
      return {q, from.counter, from.relative, when};
  }
}

// Calls emit(code, when) for the transition of p on `byte`, once per zone of p's state that item
// counters in p.when can be in.
template <typename Emit>
void TokenMasks::step(const Path& p, uint8_t byte, Emit&& emit) {
  const bool counted = grammar_->state(p.q).counted;
  const uint32_t zones = grammar_->state(p.q).zones;
  if (!counted) {
    emit(grammar_->transition(p.q, 0, byte), p.when);
  } else if (!p.relative) {
    emit(grammar_->transition(p.q, grammar_->zone_of(p.q, static_cast<uint32_t>(p.counter)), byte),
         p.when);
  } else {
    for (uint32_t z = 0; z < zones; ++z) {
      int32_t lo, hi;
      grammar_->zone_range(p.q, z, &lo, &hi);
      const CounterRange when =
          p.when.intersect({lo - p.counter, hi == CompiledGrammar::kNoBound ? CounterRange::kHighest
                                                                            : hi - p.counter});
      if (!when.empty()) emit(grammar_->transition(p.q, z, byte), when);
    }
  }
}

// For each JSON slice, the item counters at q for which every string of the slice's characters
// and lengths is consumed from q (empty: none, or not proved); empty for the other slices. Follows
// every JSON character from the frontier of reachable paths, depth by depth, removing the counters
// for which some transition dies; the run is unbounded when the frontier repeats.
std::vector<CounterRange> TokenMasks::whole_ranges(uint32_t q) {
  const auto& seqs = json_char_sequences();
  const auto& slices = vocab_->slices();
  std::vector<CounterRange> out(slices.size(), CounterRange{1, 0});
  uint32_t max_run = 0;  // the longest run a slice needs
  for (size_t s = 0; s < slices.size(); ++s) max_run = std::max(max_run, longest_chars_[s]);
  max_run = std::min(max_run, kMaxRun);
  std::vector<CounterRange> at_depth(max_run + 1, CounterRange{1, 0});
  const Path start = root(q);
  CounterRange w = start.when;
  std::vector<Path> frontier = {start}, cur, next, stepped;
  // Frontiers grow past a few dozen paths where many strings are told apart, e.g. a property
  // name that must differ from the declared ones: hash the membership tests of the wide sets.
  std::unordered_set<Path, PathHash> seen = {start}, in_next;
  uint32_t proved = 0;
  bool unbounded = false;
  auto dedup_push = [](std::vector<Path>& v, const Path& p) {
    if (std::find(v.begin(), v.end(), p) == v.end()) v.push_back(p);
  };
  for (uint32_t depth = 1; depth <= max_run && !unbounded; ++depth) {
    next.clear();
    in_next.clear();
    bool overflow = false;
    for (const Path& e : frontier) {
      for (const Utf8Sequence& seq : seqs) {
        cur.assign(1, e);
        for (uint8_t k = 0; k < seq.length && !cur.empty() && !overflow; ++k) {
          stepped.clear();
          for (const Path& x : cur) {
            for (uint32_t b = seq.lo[k]; b <= seq.hi[k];
                 b = std::max<uint32_t>(b + 1,
                                        grammar_->next_class_byte(static_cast<uint8_t>(b)))) {
              step(x, static_cast<uint8_t>(b), [&](int32_t code, const CounterRange& when) {
                if (code == CompiledGrammar::kDead) {
                  w = remove(w, when);
                } else if (code >= 0) {
                  dedup_push(stepped, child(x, code, when));
                } else {
                  // Several items: requiring each to survive is stronger than needed (one
                  // would do), so the ranges stay sound.
                  for (const int32_t* t = grammar_->targets_begin(code);
                       t != grammar_->targets_end(code); ++t)
                    dedup_push(stepped, child(x, *t, when));
                }
              });
            }
          }
          cur.swap(stepped);
          overflow = cur.size() > kMaxFrontier;
        }
        for (const Path& p : cur)
          if (in_next.insert(p).second) next.push_back(p);
        overflow = overflow || next.size() > kMaxFrontier;
        if (overflow || w.empty()) break;
      }
      if (overflow || w.empty()) break;
    }
    if (overflow || w.empty()) break;
    at_depth[depth] = w;
    proved = depth;
    frontier.clear();
    bool fresh = false;
    for (const Path& p : next) {
      if (p.when.intersect(w).empty()) continue;
      frontier.push_back(p);
      if (seen.insert(p).second) fresh = true;
    }
    if (!fresh) unbounded = true;
    if (seen.size() > kMaxSeen) break;
  }
  for (size_t s = 0; s < slices.size(); ++s) {
    const Slice& slice = slices[s];
    if (!slice.json_chars) continue;
    const uint32_t need = std::min(slice.max_chars, longest_chars_[s]);
    if (need <= proved) {
      out[s] = at_depth[need];
    } else if (unbounded) {
      out[s] = w;
    }
  }
  return out;
}

// Walks trie nodes [begin, end) (a run of siblings with their subtrees) from `start`, the path at
// their parent; `nested`: the parent is below the root (a byte was scanned before the run).
void TokenMasks::walk_paths(uint32_t slice_index, const Path& start, uint32_t begin, uint32_t end,
                            bool nested, LocalMask& out) {
  const Trie& trie = vocab_->slices()[slice_index].trie;
  const uint32_t* label = trie.label.data();
  const uint32_t* size = trie.size.data();
  paths_.assign(1, start);
  frames_.assign(1, Frame{end, 0, 1});
  const uint32_t* summarized = trie.summarized.data();
  const uint32_t summary_count = static_cast<uint32_t>(trie.summarized.size());
  uint32_t next_summary = static_cast<uint32_t>(
      std::lower_bound(summarized, summarized + summary_count, begin) - summarized);
  uint32_t i = begin;
  while (i < end) {
    while (i >= frames_.back().end) {
      frames_.pop_back();
      paths_.resize(frames_.back().end_path);
    }
    const Frame parent = frames_.back();
    if (size[i] >= Trie::kSummaryMin) {
      next_summary = summary_at_or_after(summarized, summary_count, next_summary, i);
      if (next_summary < summary_count && summarized[next_summary] == i &&
          take_whole(slice_index, i, next_summary, nested || frames_.size() > 1, parent.begin_path,
                     parent.end_path, out)) {
        i += size[i];
        continue;
      }
    }
    ++stats_.trie_nodes;
    const uint32_t lab = label[i];
    const uint8_t b = Trie::byte_of(lab);
    stats_.path_steps += parent.end_path - parent.begin_path;
    if (size[i] == 1) {
      // A leaf: its paths end here, so each result of each step only says for which item
      // counters the leaf's token is consumed (no path to build, merge or keep).
      const int32_t token = Trie::token_of(lab);
      for (uint32_t p = parent.begin_path; p < parent.end_path; ++p) {
        const Path& from = paths_[p];
        if ((nested || frames_.size() > 1) && grammar_->exit_bytes(from.q).has(b))
          out.exits.push_back({slice_index, i, from.q, from.when, from.counter, from.relative});
        if (token < 0) continue;
        step(from, b, [&](int32_t code, const CounterRange& when) {
          if (code == CompiledGrammar::kDead) return;
          for (int32_t t = token; t >= 0; t = vocab_->next_same_bytes(static_cast<uint32_t>(t)))
            raw_.push_back({when, static_cast<uint32_t>(t)});
        });
      }
      ++i;
      continue;
    }
    const uint32_t child_begin = static_cast<uint32_t>(paths_.size());
    // Paths at the same DFA position whose counter ranges touch are one path over their union.
    // A path for a single item counter w at counter c is the relative path c - w, so that the
    // paths zone splits make at every byte of a long counted loop (one per item counter near a
    // bound, each entering the next loop at its own byte) fold back into one.
    auto push = [&](Path path) {
      if (!path.relative && path.when.lo == path.when.hi && grammar_->state(path.q).counted) {
        path.counter -= path.when.lo;
        path.relative = true;
      }
      for (uint32_t k = child_begin; k < paths_.size(); ++k) {
        Path& o = paths_[k];
        if (o.q == path.q && o.counter == path.counter && o.relative == path.relative &&
            path.when.lo <= o.when.hi + 1 && o.when.lo <= path.when.hi + 1) {
          o.when = {std::min(o.when.lo, path.when.lo), std::max(o.when.hi, path.when.hi)};
          return;
        }
      }
      paths_.push_back(path);
    };
    for (uint32_t p = parent.begin_path; p < parent.end_path; ++p) {
      const Path from = paths_[p];
      if ((nested || frames_.size() > 1) && grammar_->exit_bytes(from.q).has(b))
        out.exits.push_back({slice_index, i, from.q, from.when, from.counter, from.relative});
      step(from, b, [&](int32_t code, const CounterRange& when) {
        if (code == CompiledGrammar::kDead) return;
        if (code >= 0) {
          push(child(from, code, when));
          return;
        }
        // Several items (grammar.h): each is a path of its own, as the Earley parser scans them.
        for (const int32_t* t = grammar_->targets_begin(code); t != grammar_->targets_end(code);
             ++t)
          push(child(from, *t, when));
      });
    }
    const uint32_t child_end = static_cast<uint32_t>(paths_.size());
    if (child_end == child_begin) {
      i += size[i];
      continue;
    }
    const int32_t token = Trie::token_of(lab);
    if (token >= 0) {
      for (uint32_t p = child_begin; p < child_end; ++p) {
        for (int32_t t = token; t >= 0; t = vocab_->next_same_bytes(static_cast<uint32_t>(t)))
          raw_.push_back({paths_[p].when, static_cast<uint32_t>(t)});
      }
    }
    if (size[i] > 1) {
      frames_.push_back({i + size[i], child_begin, child_end});
    } else {
      paths_.resize(child_begin);
    }
    ++i;
  }
}

// The walk of q's tokens in one slice. While the walk stays on states outside counted loops it has
// one path and no counter ranges: a tight loop over the trie with a stack of DFA states. A subtree
// that enters a counted loop (or a transition with several results) goes to walk_paths().
void TokenMasks::walk(uint32_t q, uint32_t slice_index, LocalMask& out) {
  const Trie& trie = vocab_->slices()[slice_index].trie;
  const uint32_t n = static_cast<uint32_t>(trie.label.size());
  const uint32_t* label = trie.label.data();
  const uint32_t* size = trie.size.data();
  ++stats_.walks;
  raw_.clear();
  any_.clear();
  if (grammar_->state(q).counted) {
    walk_paths(slice_index, root(q), 1, n, false, out);
  } else {
    // The stack of subtrees being walked: where each ends in the trie and the DFA state after its
    // root's byte (two arrays of fixed capacity: a trie is no deeper than its longest token).
    const size_t capacity = vocab_->max_token_length() + 2u;
    if (level_end_.size() < capacity) level_end_.resize(capacity), level_state_.resize(capacity);
    uint32_t* ends = level_end_.data();
    uint32_t* states = level_state_.data();
    size_t top = 0;
    ends[0] = n;
    states[0] = q;
    const CounterRange any;
    const uint32_t* summarized = trie.summarized.data();
    const uint32_t summary_count = static_cast<uint32_t>(trie.summarized.size());
    uint32_t next_summary = 0;  // the first summarized node at or after i
    for (uint32_t i = 1; i < n;) {
      while (i >= ends[top]) --top;
      const uint32_t from = states[top];
      if (size[i] >= Trie::kSummaryMin) {
        next_summary = summary_at_or_after(summarized, summary_count, next_summary, i);
        if (next_summary < summary_count && summarized[next_summary] == i &&
            loops_on(from, trie.subtree_bytes.data() + 4 * static_cast<size_t>(next_summary))) {
          // Every byte below stays at `from`, which can complete: all the subtree's tokens are
          // consumed, and none of its bytes is an exit byte.
          stats_.skipped_nodes += size[i];
          for (uint32_t j = i, e = i + size[i]; j < e; ++j)
            for (int32_t t = Trie::token_of(label[j]); t >= 0;
                 t = vocab_->next_same_bytes(static_cast<uint32_t>(t)))
              any_.push_back(static_cast<uint32_t>(t));
          i += size[i];
          continue;
        }
      }
      ++stats_.trie_nodes;
      const uint32_t lab = label[i];
      const uint8_t b = Trie::byte_of(lab);
      const bool nested = top > 0;
      const int32_t code = grammar_->transition(from, 0, b);
      if ((code < 0 && code != CompiledGrammar::kDead) ||
          (code >= 0 && grammar_->state(CompiledGrammar::code_state(code)).counted)) {
        walk_paths(slice_index, Path{from, 0, false, any}, i, i + size[i], nested, out);
        i += size[i];
        continue;
      }
      if (nested && grammar_->exit_bytes(from).has(b))
        out.exits.push_back({slice_index, i, from, any, 0, false});
      if (code == CompiledGrammar::kDead) {
        i += size[i];
        continue;
      }
      for (int32_t t = Trie::token_of(lab); t >= 0;
           t = vocab_->next_same_bytes(static_cast<uint32_t>(t)))
        any_.push_back(static_cast<uint32_t>(t));
      if (size[i] > 1) {
        ++top;
        ends[top] = i + size[i];
        states[top] = CompiledGrammar::code_state(code);
      }
      ++i;
    }
  }
  keep_any(out);
  group(out);
  out.walked_slices |= 1u << slice_index;
}

// Moves the tokens walk() consumed outside counted loops (any_) to out: into its bitmask when it
// has one or they are at least as many as its words, else as one group for every counter.
void TokenMasks::keep_any(LocalMask& out) {
  if (any_.empty()) return;
  const uint32_t words = vocab_->vocab_words();
  if (out.any_bits.empty() && any_.size() < words) {
    const uint32_t begin = static_cast<uint32_t>(out.tokens.size());
    out.tokens.insert(out.tokens.end(), any_.begin(), any_.end());
    out.groups.push_back({CounterRange(), begin, static_cast<uint32_t>(out.tokens.size())});
    return;
  }
  out.any_bits.resize(words, 0);
  uint32_t* bits = out.any_bits.data();
  for (uint32_t t : any_) bits[t >> 5] |= 1u << (t & 31);
}

// Moves a walk's consumed tokens (raw_) to out, grouped by the counters they need: a counting sort
// over the distinct ranges (outside counted loops one; below a counted loop about one per depth),
// found through a small hash table, instead of a comparison sort of every token (tens of thousands
// in a format's counted loops, a quarter of such a walk).
void TokenMasks::group(LocalMask& out) {
  ranges_.clear();
  range_of_.resize(raw_.size());
  size_t slots = 64;
  while (slots < 4 * raw_.size() && slots < 4096) slots *= 2;
  range_slot_.assign(slots, 0);
  uint32_t last = UINT32_MAX;
  for (size_t r = 0; r < raw_.size(); ++r) {
    const CounterRange& w = raw_[r].when;
    if (last == UINT32_MAX || !(ranges_[last].first == w)) {
      size_t h = ((static_cast<uint32_t>(w.lo) * 0x9E3779B1u) ^
                  (static_cast<uint32_t>(w.hi) * 0x85EBCA77u)) &
                 (slots - 1);
      while (range_slot_[h] != 0 && !(ranges_[range_slot_[h] - 1].first == w))
        h = (h + 1) & (slots - 1);
      if (range_slot_[h] == 0) {
        if (ranges_.size() * 2 >= slots) {  // full: fall back to a linear search
          last = 0;
          while (last < ranges_.size() && !(ranges_[last].first == w)) ++last;
          if (last == ranges_.size()) ranges_.push_back({w, 0});
        } else {
          ranges_.push_back({w, 0});
          range_slot_[h] = static_cast<uint32_t>(ranges_.size());
          last = static_cast<uint32_t>(ranges_.size() - 1);
        }
      } else {
        last = range_slot_[h] - 1;
      }
    }
    ++ranges_[last].second;
    range_of_[r] = last;
  }
  const uint32_t base = static_cast<uint32_t>(out.tokens.size());
  uint32_t at = base;
  for (auto& [when, count] : ranges_) {
    out.groups.push_back({when, at, at + count});
    const uint32_t begin = at;
    at += count;
    count = begin;  // now the next free position of this range
  }
  out.tokens.resize(at);
  for (size_t r = 0; r < raw_.size(); ++r)
    out.tokens[ranges_[range_of_[r]].second++] = raw_[r].token;
}

// Whether the non-counted state q goes back to itself on every byte of `bytes` (4 words), none of
// them an exit byte of q. q's loop bytes are computed once.
bool TokenMasks::loops_on(uint32_t q, const uint64_t* bytes) {
  if (q >= loop_known_.size()) {
    loop_known_.resize(grammar_->state_count() > q ? grammar_->state_count() : q + 1, 0);
    loop_bytes_.resize(loop_known_.size());
  }
  ByteSet& loop = loop_bytes_[q];
  if (!loop_known_[q]) {
    loop_known_[q] = 1;
    const ByteSet& exits = grammar_->exit_bytes(q);
    for (uint32_t b = 0; b < 256; ++b) {
      const int32_t code = grammar_->transition(q, 0, static_cast<uint8_t>(b));
      if (code >= 0 && CompiledGrammar::code_state(code) == q && !exits.has(b)) loop.set(b);
    }
  }
  for (int k = 0; k < 4; ++k)
    if ((bytes[k] & ~loop.w[k]) != 0) return false;
  return true;
}

// The bytes on which the counted state q, in zone z, goes back to itself (counter kept or plus
// one), none of them an exit byte of q; computed once per zone.
const ByteSet& TokenMasks::zone_loop_bytes(uint32_t q, uint32_t z) {
  const ByteSet& exits = grammar_->exit_bytes(q);  // builds q: its zones are numbered after this
  const size_t at = static_cast<size_t>(grammar_->state(q).zone_base) + z;
  if (at >= zone_loop_known_.size()) {
    zone_loop_known_.resize(at + 1, 0);
    zone_loop_bytes_.resize(at + 1);
  }
  ByteSet& loop = zone_loop_bytes_[at];
  if (!zone_loop_known_[at]) {
    zone_loop_known_[at] = 1;
    for (uint32_t b = 0; b < 256; ++b) {
      const int32_t code = grammar_->transition(q, z, static_cast<uint8_t>(b));
      if (code >= 0 && CompiledGrammar::code_state(code) == q &&
          (CompiledGrammar::code_op(code) == kKeep || CompiledGrammar::code_op(code) == kInc) &&
          !exits.has(b))
        loop.set(b);
    }
  }
  return loop;
}

namespace {
bool covers(const ByteSet& set, const uint64_t* bytes) {
  for (int k = 0; k < 4; ++k)
    if ((bytes[k] & ~set.w[k]) != 0) return false;
  return true;
}
}  // namespace

// The item counters of p.when for which every string of `bytes` up to `depth` bytes long stays at
// p.q from p, no byte scanned as an exit: the counter moves by at most one a byte, so it suffices
// that the counters p can have over depth - 1 steps lie in zones that loop on all of `bytes`. Of
// several runs of such zones the one holding the most item counters is taken; empty when none.
CounterRange TokenMasks::looping_items(const Path& p, const uint64_t* bytes, uint32_t depth) {
  const CounterRange none{1, 0};
  if (!grammar_->state(p.q).counted) return loops_on(p.q, bytes) ? p.when : none;
  const uint32_t zones = grammar_->state(p.q).zones;
  // Most subtrees fail every zone: first the union of q's zones' loop bytes, kept per state.
  if (p.q >= loop_any_known_.size()) {
    loop_any_known_.resize(grammar_->state_count() > p.q ? grammar_->state_count() : p.q + 1, 0);
    loop_any_.resize(loop_any_known_.size());
  }
  if (!loop_any_known_[p.q]) {
    loop_any_known_[p.q] = 1;
    for (uint32_t z = 0; z < zones; ++z) loop_any_[p.q].merge(zone_loop_bytes(p.q, z));
  }
  if (!covers(loop_any_[p.q], bytes)) return none;
  CounterRange best = none;
  int64_t best_span = -1;
  for (uint32_t z = 0; z < zones;) {
    if (!covers(zone_loop_bytes(p.q, z), bytes)) {
      ++z;
      continue;
    }
    int32_t lo, hi, unused;
    grammar_->zone_range(p.q, z, &lo, &hi);
    while (z + 1 < zones && covers(zone_loop_bytes(p.q, z + 1), bytes))
      grammar_->zone_range(p.q, ++z, &unused, &hi);
    ++z;
    // Counters [lo, hi] loop: the path's counter must start at lo or above and end at hi or below.
    const int64_t last = hi == CompiledGrammar::kNoBound ? int64_t{CounterRange::kHighest}
                                                         : int64_t{hi} - int64_t{depth} + 1;
    CounterRange ok = none;
    if (p.relative) {
      const int64_t a = int64_t{lo} - p.counter;
      const int64_t b =
          hi == CompiledGrammar::kNoBound ? int64_t{CounterRange::kHighest} : last - p.counter;
      if (a <= b)
        ok = p.when.intersect({static_cast<int32_t>(std::max<int64_t>(a, CounterRange::kLowest)),
                               static_cast<int32_t>(std::min<int64_t>(b, CounterRange::kHighest))});
    } else if (p.counter >= lo && p.counter <= last) {
      ok = p.when;
    }
    if (ok.empty()) continue;
    const int64_t span = int64_t{ok.hi} - ok.lo;
    if (span > best_span) best = ok, best_span = span;
  }
  return best;
}

// Takes the subtree at `node` whole inside walk_paths(), when every walk path at its parent
// (paths_[begin_path, end_path)) stays in its loop over the whole subtree for some of its item
// counters: the subtree's tokens are consumed for those counters, and the walk for the path's other
// counters is deferred (LocalMask::Deferred). Paths that die on the subtree's first byte are
// passed over. False (nothing done) when some other path has no such counter.
bool TokenMasks::take_whole(uint32_t slice_index, uint32_t node, uint32_t summary, bool nested,
                            uint32_t begin_path, uint32_t end_path, LocalMask& out) {
  const Trie& trie = vocab_->slices()[slice_index].trie;
  const uint64_t* bytes = trie.subtree_bytes.data() + 4 * static_cast<size_t>(summary);
  const uint32_t depth = trie.subtree_depth[summary];
  const uint8_t b = Trie::byte_of(trie.label[node]);
  ok_.clear();
  bool any_loops = false;
  for (uint32_t p = begin_path; p < end_path; ++p) {
    ok_.push_back(looping_items(paths_[p], bytes, depth));
    any_loops |= !ok_.back().empty();
  }
  if (!any_loops) return false;  // the walk's own steps are as cheap
  for (uint32_t p = begin_path; p < end_path; ++p) {
    if (!ok_[p - begin_path].empty()) continue;
    // A path the subtree's first byte ends (no transition, not an exit) adds nothing below: e.g.
    // the item that has just finished a domain label, beside the one still inside it.
    const Path& from = paths_[p];
    if (nested && grammar_->exit_bytes(from.q).has(b)) return false;
    bool alive = false;
    step(from, b,
         [&](int32_t code, const CounterRange&) { alive |= code != CompiledGrammar::kDead; });
    if (alive) return false;
  }
  const uint32_t end = node + trie.size[node];
  stats_.skipped_nodes += trie.size[node];
  for (uint32_t p = begin_path; p < end_path; ++p) {
    const Path& from = paths_[p];
    const CounterRange ok = ok_[p - begin_path];
    if (ok.empty()) continue;
    for (uint32_t j = node; j < end; ++j)
      for (int32_t t = Trie::token_of(trie.label[j]); t >= 0;
           t = vocab_->next_same_bytes(static_cast<uint32_t>(t)))
        raw_.push_back({ok, static_cast<uint32_t>(t)});
    const CounterRange rest[2] = {{from.when.lo, ok.lo - 1}, {ok.hi + 1, from.when.hi}};
    for (const CounterRange& r : rest) {
      if (r.empty()) continue;
      out.deferred.push_back(
          {slice_index, node, from.q, from.counter, from.relative, nested, false, r});
      ++stats_.deferred;
    }
  }
  return true;
}

LocalMask& TokenMasks::local(uint32_t q) {
  if (q >= cache_.size())
    cache_.resize(grammar_->state_count() > q ? grammar_->state_count() : q + 1, nullptr);
  if (cache_[q] != nullptr) return *cache_[q];
  LocalMask* m = new LocalMask();
  ++stats_.local_masks;
  const auto& slices = vocab_->slices();
  m->whole_when = whole_ranges(q);
  for (uint32_t s = 0; s < slices.size(); ++s) {
    if (slices[s].token_count == 0) continue;
    if (!m->whole_when[s].empty()) {
      m->whole_slices |= 1u << s;  // walked by prepare() if an item's counter is outside
      continue;
    }
    walk(q, s, *m);
  }
  cache_[q] = m;
  return *m;
}

void TokenMasks::prepare(uint32_t q, int32_t counter) {
  LocalMask& m = local(q);
  for (uint32_t s = 0; (m.whole_slices >> s) != 0; ++s) {
    if (((m.whole_slices >> s) & 1) && !m.whole_when[s].has(counter) &&
        !((m.walked_slices >> s) & 1))
      walk(q, s, m);
  }
  // Indexing, not iterators: a deferred walk may defer parts of its own subtree.
  for (size_t k = 0; k < m.deferred.size(); ++k) {
    const LocalMask::Deferred d = m.deferred[k];
    if (d.walked || !d.when.has(counter) || m.whole_at(d.slice, counter)) continue;
    m.deferred[k].walked = true;
    raw_.clear();
    walk_paths(d.slice, Path{d.q, d.counter, d.relative, d.when}, d.node,
               d.node + vocab_->slices()[d.slice].trie.size[d.node], d.nested, m);
    group(m);
  }
}

size_t TokenMasks::memory_bytes() const {
  size_t total = cache_.capacity() * sizeof(void*);
  for (const LocalMask* m : cache_)
    if (m)
      total += sizeof(LocalMask) + m->tokens.capacity() * 4 +
               m->groups.capacity() * sizeof(LocalMask::Group) +
               m->exits.capacity() * sizeof(LocalMask::Exit) +
               m->whole_when.capacity() * sizeof(CounterRange) + m->any_bits.capacity() * 4 +
               m->deferred.capacity() * sizeof(LocalMask::Deferred);
  return total + loop_bytes_.capacity() * sizeof(ByteSet) + loop_known_.capacity() +
         (zone_loop_bytes_.capacity() + loop_any_.capacity()) * sizeof(ByteSet) +
         zone_loop_known_.capacity() + loop_any_known_.capacity();
}

}  // namespace logitkit::grammar
