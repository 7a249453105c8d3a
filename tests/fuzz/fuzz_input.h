// Turns fuzzer bytes into logits and options: the shape of inputs a model or an API produces,
// plus the hostile ones (NaN, +/-Infinity, denormals, FLT_MAX, long runs of ties).
#pragma once
#include <cfloat>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace fuzz {

class Bytes {
 public:
  Bytes(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }
  uint8_t u8() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return static_cast<uint16_t>(u8() | (u8() << 8)); }
  uint32_t u32() { return static_cast<uint32_t>(u16() | (static_cast<uint32_t>(u16()) << 16)); }
  float any_float() {
    uint32_t bits = u32();
    float f;
    std::memcpy(&f, &bits, sizeof f);
    return f;
  }

 private:
  const uint8_t* data_;
  size_t size_, pos_ = 0;
};

// A temperature as callers give them: 0 (greedy), tiny, ordinary, huge, denormal.
inline double temperature(Bytes& in) {
  static const double kChoices[] = {0,   1e-300, 1e-6, 0.1, 0.5,  0.8,   1,
                                    1.5, 2,      10,   1e6, 1e30, 5e-324};
  const uint8_t pick = in.u8();
  if (pick < 13 * 16) return kChoices[pick % 13];
  return (in.u16() + 1) / 4096.0;
}

// One logit: mostly ordinary values, sometimes a special one.
inline float logit(Bytes& in) {
  const uint8_t kind = in.u8();
  switch (kind % 16) {
    case 0:
      return -std::numeric_limits<float>::infinity();
    case 1:
      return in.any_float();  // any bit pattern: NaN, +/-Inf, denormals, huge
    case 2:
      return FLT_MAX * ((kind & 16) ? -1.0f : 1.0f);
    case 3:
      return std::numeric_limits<float>::denorm_min();
    case 4:
      return 0.0f;  // ties
    default:
      return (static_cast<int16_t>(in.u16())) / 256.0f;  // [-128, 128)
  }
}

inline std::vector<float> logits(Bytes& in, size_t max_n) {
  const size_t n = 1 + in.u16() % max_n;
  std::vector<float> z(n);
  const bool repeat = in.u8() < 32;  // long runs of one value
  for (size_t i = 0; i < n; ++i) z[i] = repeat && i > 0 && (i % 7) ? z[i - 1] : logit(in);
  return z;
}

// What every kernel must report for this row: the first NaN or +Infinity, or all -Infinity.
struct Expected {
  int code = 0;  // logitkit::Code as int
  uint32_t index = 0;
};

inline Expected expected_status(const std::vector<float>& z) {
  bool finite = false;
  for (size_t i = 0; i < z.size(); ++i) {
    if (std::isnan(z[i])) return {1, static_cast<uint32_t>(i)};
    if (z[i] == std::numeric_limits<float>::infinity()) return {2, static_cast<uint32_t>(i)};
    finite |= z[i] != -std::numeric_limits<float>::infinity();
  }
  return finite ? Expected{} : Expected{3, 0};
}

}  // namespace fuzz
