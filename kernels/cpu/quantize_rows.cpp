// quantize_rows_f32_s8: symmetric per-row int8 quantization of activations.
#include <cmath>
#include <cstdint>

#include "kernels/cpu/cpu_ops.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

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

#if defined(__x86_64__)
// Same arithmetic as quantize_row (amax, inv = 127 / amax, round half to even
// via cvtps in the default rounding mode, clamp), so results are identical.
__attribute__((target("avx2,fma"))) void quantize_row_avx2(const float* in, int8_t* out, float* scale, int64_t k) {
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256 vmax = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= k; i += 8) vmax = _mm256_max_ps(vmax, _mm256_and_ps(_mm256_loadu_ps(in + i), abs_mask));
  float lanes[8];
  _mm256_storeu_ps(lanes, vmax);
  float amax = 0.f;
  for (float l : lanes) amax = std::fmax(amax, l);
  for (; i < k; ++i) amax = std::fmax(amax, std::fabs(in[i]));
  if (amax == 0.f) {
    *scale = 0.f;
    for (int64_t j = 0; j < k; ++j) out[j] = 0;
    return;
  }
  *scale = amax / 127.f;
  const float inv = 127.f / amax;
  const __m256 vinv = _mm256_set1_ps(inv);
  const __m256i lo = _mm256_set1_epi32(-127), hi = _mm256_set1_epi32(127);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  i = 0;
  for (; i + 32 <= k; i += 32) {
    __m256i q[4];
    for (int c = 0; c < 4; ++c) {
      const __m256i v = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(in + i + 8 * c), vinv));
      q[c] = _mm256_max_epi32(lo, _mm256_min_epi32(hi, v));
    }
    // packs work within 128-bit lanes; the permute restores element order.
    const __m256i p16a = _mm256_packs_epi32(q[0], q[1]);
    const __m256i p16b = _mm256_packs_epi32(q[2], q[3]);
    const __m256i p8 = _mm256_packs_epi16(p16a, p16b);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permutevar8x32_epi32(p8, order));
  }
  for (; i < k; ++i) out[i] = quantize_one(in[i], inv);
}
#endif

}  // namespace

void quantize_rows_f32_s8_ref(const quantize_rows_f32_s8_op& o) {
  for (int64_t m = 0; m < o.in.rows; ++m) {
    quantize_row(static_cast<const float*>(o.in.data) + m * o.in.row_stride,
                 static_cast<int8_t*>(o.out.data) + m * o.out.row_stride,
                 static_cast<float*>(o.scales.data) + m * o.scales.row_stride, o.in.cols);
  }
}

// Rows are independent: AVX2 within a row, threads across rows.
void quantize_rows_f32_s8_fast(const quantize_rows_f32_s8_op& o, int threads) {
  const bool avx2 = has_avx2_fma();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && o.in.rows >= 64)
  for (int64_t m = 0; m < o.in.rows; ++m) {
#if defined(__x86_64__)
    if (avx2) {
      quantize_row_avx2(static_cast<const float*>(o.in.data) + m * o.in.row_stride,
                        static_cast<int8_t*>(o.out.data) + m * o.out.row_stride,
                        static_cast<float*>(o.scales.data) + m * o.scales.row_stride, o.in.cols);
      continue;
    }
#endif
    (void)avx2;
    quantize_row(static_cast<const float*>(o.in.data) + m * o.in.row_stride,
                 static_cast<int8_t*>(o.out.data) + m * o.out.row_stride,
                 static_cast<float*>(o.scales.data) + m * o.scales.row_stride, o.in.cols);
  }
}

}  // namespace winnow::kernels::cpu
