#include "charset.h"

#include <algorithm>

namespace logitkit::grammar {

CharSet CharSet::range(uint32_t lo, uint32_t hi) {
  CharSet s;
  s.add(lo, hi);
  return s;
}

CharSet CharSet::all() {
  return range(0, kMaxScalar);
}

void CharSet::add(uint32_t lo, uint32_t hi) {
  if (hi > kMaxScalar) hi = kMaxScalar;
  if (lo > hi) return;
  // Split around the surrogates, which are never members.
  if (lo <= kSurrogateLast && hi >= kSurrogateFirst) {
    if (lo < kSurrogateFirst) add(lo, kSurrogateFirst - 1);
    if (hi > kSurrogateLast) add(kSurrogateLast + 1, hi);
    return;
  }
  // Insert, then merge overlapping or adjacent neighbours. Adjacency across the surrogate gap
  // (..D7FF and E000..) is merged too, so the form stays canonical.
  auto it = std::lower_bound(ranges_.begin(), ranges_.end(), Range{lo, hi});
  it = ranges_.insert(it, Range{lo, hi});
  const auto touches = [](const Range& a, const Range& b) {
    const uint32_t next = a.second == kSurrogateFirst - 1 ? kSurrogateLast + 1 : a.second + 1;
    return b.first <= next;
  };
  size_t i = static_cast<size_t>(it - ranges_.begin());
  if (i > 0 && touches(ranges_[i - 1], ranges_[i])) {
    ranges_[i - 1].second = std::max(ranges_[i - 1].second, ranges_[i].second);
    ranges_.erase(ranges_.begin() + i);
    i--;
  }
  while (i + 1 < ranges_.size() && touches(ranges_[i], ranges_[i + 1])) {
    ranges_[i].second = std::max(ranges_[i].second, ranges_[i + 1].second);
    ranges_.erase(ranges_.begin() + i + 1);
  }
}

void CharSet::add(const CharSet& other) {
  for (const auto& r : other.ranges_) add(r.first, r.second);
}

CharSet CharSet::complement() const {
  CharSet out;
  uint32_t next = 0;
  for (const auto& r : ranges_) {
    if (r.first > next) out.add(next, r.first - 1);
    next = r.second + 1;
  }
  if (next <= kMaxScalar) out.add(next, kMaxScalar);
  return out;
}

CharSet CharSet::intersect(const CharSet& other) const {
  CharSet out;
  size_t i = 0, j = 0;
  while (i < ranges_.size() && j < other.ranges_.size()) {
    const uint32_t lo = std::max(ranges_[i].first, other.ranges_[j].first);
    const uint32_t hi = std::min(ranges_[i].second, other.ranges_[j].second);
    if (lo <= hi) out.add(lo, hi);
    if (ranges_[i].second < other.ranges_[j].second) {
      i++;
    } else {
      j++;
    }
  }
  return out;
}

CharSet CharSet::minus(const CharSet& other) const {
  return intersect(other.complement());
}

bool CharSet::contains(uint32_t cp) const {
  auto it = std::upper_bound(ranges_.begin(), ranges_.end(), Range{cp, kMaxScalar + 1});
  if (it == ranges_.begin()) return false;
  --it;
  return it->first <= cp && cp <= it->second && !(cp >= kSurrogateFirst && cp <= kSurrogateLast);
}

bool CharSet::is_all() const {
  return *this == all();
}

size_t CharSet::count() const {
  size_t n = 0;
  for (const auto& r : ranges_) {
    n += r.second - r.first + 1;
    if (r.first < kSurrogateFirst && r.second > kSurrogateLast) {
      n -= kSurrogateLast - kSurrogateFirst + 1;
    }
  }
  return n;
}

size_t CharSet::hash() const {
  size_t h = 1469598103934665603ull;
  for (const auto& r : ranges_) {
    h = (h ^ r.first) * 1099511628211ull;
    h = (h ^ r.second) * 1099511628211ull;
  }
  return h;
}

}  // namespace logitkit::grammar
