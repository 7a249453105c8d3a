// Sets of Unicode scalar values (U+0000..U+10FFFF without the surrogates) as sorted, disjoint,
// non-adjacent closed ranges. Every operation keeps that normal form, so two equal sets have equal
// range lists (operator== and hash() rely on it).
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace logitkit::grammar {

inline constexpr uint32_t kMaxScalar = 0x10FFFF;
inline constexpr uint32_t kSurrogateFirst = 0xD800;
inline constexpr uint32_t kSurrogateLast = 0xDFFF;

class CharSet {
 public:
  using Range = std::pair<uint32_t, uint32_t>;  // inclusive

  CharSet() = default;
  static CharSet of(uint32_t cp) { return range(cp, cp); }
  static CharSet range(uint32_t lo, uint32_t hi);
  static CharSet all();  // every scalar value

  void add(uint32_t lo, uint32_t hi);  // surrogates and values above U+10FFFF are dropped
  void add(uint32_t cp) { add(cp, cp); }
  void add(const CharSet& other);
  CharSet complement() const;  // within the scalar values
  CharSet intersect(const CharSet& other) const;
  CharSet minus(const CharSet& other) const;

  bool contains(uint32_t cp) const;
  bool empty() const { return ranges_.empty(); }
  bool is_all() const;
  size_t count() const;  // number of scalar values
  const std::vector<Range>& ranges() const { return ranges_; }
  bool operator==(const CharSet& other) const { return ranges_ == other.ranges_; }
  bool operator!=(const CharSet& other) const { return ranges_ != other.ranges_; }
  size_t hash() const;

 private:
  std::vector<Range> ranges_;
};

}  // namespace logitkit::grammar
