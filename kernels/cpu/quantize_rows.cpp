// quantize_rows_f32_s8: per-row int8 quantization of activations, symmetric
// (s8 out) or asymmetric 7-bit (u8 out, with a zero point per row).
#include <cmath>
#include <cstdint>
#include <vector>

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

// The asymmetric form's row terms: lo/hi include 0 so the zero point is an
// integer in [0, 127] and 0.f stays exact. The fast variant computes them
// with the same operations.
struct asym_terms {
  float scale, inv;
  int32_t zp;
};

inline asym_terms asym_of(float lo, float hi) {
  if (hi == lo) return {0.f, 0.f, 0};  // all zero (lo <= 0 <= hi)
  const float inv = 127.f / (hi - lo);
  return {(hi - lo) / 127.f, inv, static_cast<int32_t>(std::nearbyint(-lo * inv))};
}

inline uint8_t quantize_one_u7(float v, float inv, int32_t zp) {
  float q = std::nearbyint(v * inv) + static_cast<float>(zp);
  if (q > 127.f) q = 127.f;
  if (q < 0.f) q = 0.f;
  return static_cast<uint8_t>(q);
}

void quantize_row_u7(const float* in, uint8_t* out, float* scale, int32_t* zp, int64_t k) {
  float lo = 0.f, hi = 0.f;
  for (int64_t i = 0; i < k; ++i) {
    lo = std::fmin(lo, in[i]);
    hi = std::fmax(hi, in[i]);
  }
  const asym_terms t = asym_of(lo, hi);
  *scale = t.scale;
  *zp = t.zp;
  for (int64_t i = 0; i < k; ++i) out[i] = t.inv == 0.f ? 0 : quantize_one_u7(in[i], t.inv, t.zp);
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

// Same arithmetic as quantize_row_u7 (min/max are exact in any order;
// round(v * inv) + zp, clamp), so results are identical.
__attribute__((target("avx2,fma"))) void quantize_row_u7_avx2(const float* in, uint8_t* out, float* scale,
                                                               int32_t* zp, int64_t k) {
  __m256 vlo = _mm256_setzero_ps(), vhi = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= k; i += 8) {
    const __m256 v = _mm256_loadu_ps(in + i);
    vlo = _mm256_min_ps(vlo, v);
    vhi = _mm256_max_ps(vhi, v);
  }
  float los[8], his[8];
  _mm256_storeu_ps(los, vlo);
  _mm256_storeu_ps(his, vhi);
  float lo = 0.f, hi = 0.f;
  for (int l = 0; l < 8; ++l) {
    lo = std::fmin(lo, los[l]);
    hi = std::fmax(hi, his[l]);
  }
  for (; i < k; ++i) {
    lo = std::fmin(lo, in[i]);
    hi = std::fmax(hi, in[i]);
  }
  const asym_terms t = asym_of(lo, hi);
  *scale = t.scale;
  *zp = t.zp;
  if (t.inv == 0.f) {
    for (int64_t j = 0; j < k; ++j) out[j] = 0;
    return;
  }
  const __m256 vinv = _mm256_set1_ps(t.inv);
  const __m256i vzp = _mm256_set1_epi32(t.zp);
  const __m256i lo_q = _mm256_setzero_si256(), hi_q = _mm256_set1_epi32(127);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  i = 0;
  for (; i + 32 <= k; i += 32) {
    __m256i q[4];
    for (int c = 0; c < 4; ++c) {
      const __m256i v = _mm256_add_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(in + i + 8 * c), vinv)), vzp);
      q[c] = _mm256_max_epi32(lo_q, _mm256_min_epi32(hi_q, v));
    }
    // Values are in [0, 127], so the signed packs are exact; the permute
    // restores element order across 128-bit lanes.
    const __m256i p8 = _mm256_packs_epi16(_mm256_packs_epi32(q[0], q[1]), _mm256_packs_epi32(q[2], q[3]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm256_permutevar8x32_epi32(p8, order));
  }
  for (; i < k; ++i) out[i] = quantize_one_u7(in[i], t.inv, t.zp);
}
#endif

// in * col_scales into `scratch` (one float multiply each, so every variant
// sees the same values).
const float* scaled_row(const float* in, const float* col_scales, int64_t k, std::vector<float>& scratch) {
  scratch.resize(static_cast<size_t>(k));
  for (int64_t i = 0; i < k; ++i) scratch[i] = in[i] * col_scales[i];
  return scratch.data();
}

// One row of either form; `fast` picks the AVX2 variants.
void quantize_one_row(const quantize_rows_f32_s8_op& o, int64_t m, bool fast) {
  const float* in = static_cast<const float*>(o.in.data) + m * o.in.row_stride;
  if (!o.col_scales.empty()) {
    thread_local std::vector<float> scratch;
    in = scaled_row(in, static_cast<const float*>(o.col_scales.data), o.in.cols, scratch);
  }
  float* scale = static_cast<float*>(o.scales.data) + m * o.scales.row_stride;
  if (o.out.type == dtype::u8) {
    auto* out = static_cast<uint8_t*>(o.out.data) + m * o.out.row_stride;
    int32_t* zp = static_cast<int32_t*>(o.zero_points.data) + m * o.zero_points.row_stride;
#if defined(__x86_64__)
    if (fast) return quantize_row_u7_avx2(in, out, scale, zp, o.in.cols);
#endif
    return quantize_row_u7(in, out, scale, zp, o.in.cols);
  }
  auto* out = static_cast<int8_t*>(o.out.data) + m * o.out.row_stride;
#if defined(__x86_64__)
  if (fast) return quantize_row_avx2(in, out, scale, o.in.cols);
#endif
  (void)fast;
  quantize_row(in, out, scale, o.in.cols);
}

}  // namespace

void quantize_rows_f32_s8_ref(const quantize_rows_f32_s8_op& o) {
  for (int64_t m = 0; m < o.in.rows; ++m) quantize_one_row(o, m, /*fast=*/false);
}

// Rows are independent: AVX2 within a row, threads across rows.
void quantize_rows_f32_s8_fast(const quantize_rows_f32_s8_op& o, int threads) {
  const bool avx2 = has_avx2_fma();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && o.in.rows >= 64)
  for (int64_t m = 0; m < o.in.rows; ++m) quantize_one_row(o, m, avx2);
}

}  // namespace winnow::kernels::cpu
