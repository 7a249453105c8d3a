// Half-precision logits as WebGPU models emit them: IEEE binary16 (float16) or bfloat16, stored as
// raw 16-bit words. Conversion to float32 is exact for both (every half value is a float), so the
// kernels see the same numbers the model produced; NaN stays NaN and +-Infinity stays infinite,
// and the kernels' validation then reports them with their index.
#pragma once
#include <cstddef>
#include <cstdint>

namespace logitkit {

enum class DType : int32_t { kFloat32 = 0, kFloat16 = 1, kBFloat16 = 2 };

// out[i] = the float value of the 16-bit word in[i]. out must not overlap in.
void convert_half(const uint16_t* in, size_t n, DType dtype, float* out);

}  // namespace logitkit
