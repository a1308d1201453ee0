// quantize_rows_f32_s8: symmetric per-row int8 quantization of activations.
#include <cmath>
#include <cstdint>

#include "kernels/cpu/cpu_ops.hpp"

namespace winnow::kernels::cpu {
namespace {

// Rounds half to even (the default rounding mode, as CUDA __float2int_rn does).
inline int8_t quantize_one(float v, float inv) {
  float q = std::nearbyint(v * inv);  // default rounding mode: half to even
  if (q > 127.f) q = 127.f;
  if (q < -127.f) q = -127.f;
  return static_cast<int8_t>(q);
}

void quantize_row(const float* in, int8_t* out, float* scale, int64_t k) {
  float amax = 0.f;
  for (int64_t i = 0; i < k; ++i) amax = std::fmax(amax, std::fabs(in[i]));
  if (amax == 0.f) {
    *scale = 0.f;
    for (int64_t i = 0; i < k; ++i) out[i] = 0;
    return;
  }
  *scale = amax / 127.f;
  const float inv = 127.f / amax;
  for (int64_t i = 0; i < k; ++i) out[i] = quantize_one(in[i], inv);
}

}  // namespace

void quantize_rows_f32_s8_ref(const quantize_rows_f32_s8_op& o) {
  for (int64_t m = 0; m < o.in.rows; ++m) {
    quantize_row(static_cast<const float*>(o.in.data) + m * o.in.row_stride,
                 static_cast<int8_t*>(o.out.data) + m * o.out.row_stride,
                 static_cast<float*>(o.scales.data) + m * o.scales.row_stride, o.in.cols);
  }
}

// Rows are independent; the per-row loop vectorizes under -O2 (fmax/fabs/nearbyint
// map to SIMD instructions), so the fast variant only adds threads.
void quantize_rows_f32_s8_fast(const quantize_rows_f32_s8_op& o, int threads) {
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && o.in.rows >= 64)
  for (int64_t m = 0; m < o.in.rows; ++m) {
    quantize_row(static_cast<const float*>(o.in.data) + m * o.in.row_stride,
                 static_cast<int8_t*>(o.out.data) + m * o.out.row_stride,
                 static_cast<float*>(o.scales.data) + m * o.scales.row_stride, o.in.cols);
  }
}

}  // namespace winnow::kernels::cpu
