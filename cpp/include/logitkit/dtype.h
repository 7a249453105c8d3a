// Half-precision logits as WebGPU models emit them: IEEE binary16 (float16) or bfloat16, stored as
// raw 16-bit words. Conversion to float32 is exact for both (every half value is a float), so the
// kernels see the same numbers the model produced; NaN stays NaN and +-Infinity stays infinite,
// and the kernels' validation then reports them with their index.
#pragma once
#include <cstddef>
#include <cstdint>

namespace logitkit {

// X(Id, value, "name"): the input dtypes, as the wrapper names them (web/src/input.ts).
#define LOGITKIT_DTYPES(X)  \
  X(kFloat32, 0, "float32") \
  X(kFloat16, 1, "float16") \
  X(kBFloat16, 2, "bfloat16")

enum class DType : int32_t {
#define LOGITKIT_DTYPE_ENUM(id, value, name) id = value,
  LOGITKIT_DTYPES(LOGITKIT_DTYPE_ENUM)
#undef LOGITKIT_DTYPE_ENUM
};

// out[i] = the float value of the 16-bit word in[i]. out must not overlap in.
void convert_half(const uint16_t* in, size_t n, DType dtype, float* out);

}  // namespace logitkit
