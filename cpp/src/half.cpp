// float16 / bfloat16 -> float32, exactly (every half value is a float). Portable integer code:
// the same bits on every build.
#include <cstring>

#include "logitkit/dtype.h"

namespace logitkit {

namespace {

inline float bits_to_float(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

inline float half_to_float(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exponent = (h >> 10) & 0x1Fu;
  uint32_t mantissa = h & 0x3FFu;
  if (exponent == 0x1F) return bits_to_float(sign | 0x7F800000u | (mantissa << 13));  // Inf / NaN
  if (exponent != 0) return bits_to_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
  if (mantissa == 0) return bits_to_float(sign);  // +-0
  // Subnormal half: normalise into a float.
  uint32_t e = 113;
  while ((mantissa & 0x400u) == 0) {
    mantissa <<= 1;
    --e;
  }
  return bits_to_float(sign | (e << 23) | ((mantissa & 0x3FFu) << 13));
}

}  // namespace

void convert_half(const uint16_t* in, size_t n, DType dtype, float* out) {
  if (dtype == DType::kBFloat16) {
    for (size_t i = 0; i < n; ++i) out[i] = bits_to_float(static_cast<uint32_t>(in[i]) << 16);
    return;
  }
  for (size_t i = 0; i < n; ++i) out[i] = half_to_float(in[i]);
}

}  // namespace logitkit
