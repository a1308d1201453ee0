// gelu: BERT's exact GELU, x * 0.5 * (1 + erf(x / sqrt(2))).
#include <cmath>
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels/cpu/cpu_ops.hpp"
#include "kernels/cpu/simd_math.hpp"

namespace winnow::kernels::cpu {
namespace {

constexpr float inv_sqrt2 = 0.70710678118654752f;

#if defined(__x86_64__)
// erf via Abramowitz & Stegun 7.1.26 (|error| <= 1.5e-7), with the sign
// restored from x.
__attribute__((target("avx2,fma"))) inline __m256 erf_avx2(__m256 x) {
  const __m256 sign_mask = _mm256_set1_ps(-0.f);
  const __m256 sign = _mm256_and_ps(x, sign_mask);
  const __m256 ax = _mm256_andnot_ps(sign_mask, x);
  const __m256 t = _mm256_div_ps(_mm256_set1_ps(1.f),
                                 _mm256_fmadd_ps(ax, _mm256_set1_ps(0.3275911f), _mm256_set1_ps(1.f)));
  __m256 p = _mm256_set1_ps(1.061405429f);
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-1.453152027f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(1.421413741f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(-0.284496736f));
  p = _mm256_fmadd_ps(p, t, _mm256_set1_ps(0.254829592f));
  p = _mm256_mul_ps(p, t);
  const __m256 e = exp_nonpositive_avx2(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(ax, ax)));
  const __m256 y = _mm256_fnmadd_ps(p, e, _mm256_set1_ps(1.f));
  return _mm256_or_ps(y, sign);
}

__attribute__((target("avx2,fma"))) void gelu_row_avx2(const float* in, float* out, int64_t n) {
  int64_t i = 0;
  const __m256 half = _mm256_set1_ps(0.5f), one = _mm256_set1_ps(1.f), s = _mm256_set1_ps(inv_sqrt2);
  for (; i + 8 <= n; i += 8) {
    const __m256 x = _mm256_loadu_ps(in + i);
    const __m256 g = _mm256_mul_ps(_mm256_mul_ps(x, half), _mm256_add_ps(one, erf_avx2(_mm256_mul_ps(x, s))));
    _mm256_storeu_ps(out + i, g);
  }
  for (; i < n; ++i) out[i] = in[i] * 0.5f * (1.f + std::erf(in[i] * inv_sqrt2));
}
#endif

void gelu_row_generic(const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] * 0.5f * (1.f + std::erf(in[i] * inv_sqrt2));
}

}  // namespace

void gelu_ref(const gelu_op& o) {
  for (int64_t m = 0; m < o.x.rows; ++m) {
    const float* in = static_cast<const float*>(o.x.data) + m * o.x.row_stride;
    float* out = static_cast<float*>(o.out.data) + m * o.out.row_stride;
    for (int64_t i = 0; i < o.x.cols; ++i) {
      const double x = in[i];
      out[i] = static_cast<float>(x * 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))));
    }
  }
}

void gelu_fast(const gelu_op& o, int threads) {
  const bool avx2 = has_avx2_fma();
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && o.x.rows >= 16)
  for (int64_t m = 0; m < o.x.rows; ++m) {
    const float* in = static_cast<const float*>(o.x.data) + m * o.x.row_stride;
    float* out = static_cast<float*>(o.out.data) + m * o.out.row_stride;
#if defined(__x86_64__)
    if (avx2) {
      gelu_row_avx2(in, out, o.x.cols);
      continue;
    }
#endif
    (void)avx2;
    gelu_row_generic(in, out, o.x.cols);
  }
}

}  // namespace winnow::kernels::cpu
