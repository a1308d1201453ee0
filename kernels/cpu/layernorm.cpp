// add_residual_layernorm: out = LayerNorm(x + residual) * gamma + beta per row.
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/cpu/cpu_ops.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace winnow::kernels::cpu {

void add_residual_layernorm_ref(const add_residual_layernorm_op& o) {
  const int64_t h = o.x.cols;
  const auto* gamma = static_cast<const float*>(o.gamma.data);
  const auto* beta = static_cast<const float*>(o.beta.data);
  std::vector<double> y(static_cast<size_t>(h));
  for (int64_t m = 0; m < o.x.rows; ++m) {
    const float* x = static_cast<const float*>(o.x.data) + m * o.x.row_stride;
    const float* r = o.residual.empty()
                         ? nullptr
                         : static_cast<const float*>(o.residual.data) + m * o.residual.row_stride;
    double mean = 0.0;
    for (int64_t i = 0; i < h; ++i) {
      y[i] = static_cast<double>(x[i]) + (r ? r[i] : 0.f);
      mean += y[i];
    }
    mean /= static_cast<double>(h);
    double var = 0.0;
    for (int64_t i = 0; i < h; ++i) var += (y[i] - mean) * (y[i] - mean);
    var /= static_cast<double>(h);
    const double inv = 1.0 / std::sqrt(var + o.eps);
    float* out = static_cast<float*>(o.out.data) + m * o.out.row_stride;
    for (int64_t i = 0; i < h; ++i) {
      out[i] = static_cast<float>((y[i] - mean) * inv * gamma[i] + beta[i]);
    }
  }
}

namespace {

// Two passes in fp32 over the row (mean, then centred variance), which keeps
// the error near fp32 rounding. `y` holds h floats of scratch.
void layernorm_row_generic(const float* x, const float* r, const float* gamma, const float* beta, float eps,
                           int64_t h, float* y, float* out) {
  float sum = 0.f;
  for (int64_t i = 0; i < h; ++i) { y[i] = r ? x[i] + r[i] : x[i]; sum += y[i]; }
  const float mean = sum / static_cast<float>(h);
  float var = 0.f;
  for (int64_t i = 0; i < h; ++i) { const float d = y[i] - mean; var += d * d; }
  var /= static_cast<float>(h);
  const float inv = 1.f / std::sqrt(var + eps);
  for (int64_t i = 0; i < h; ++i) out[i] = (y[i] - mean) * inv * gamma[i] + beta[i];
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) inline double hsum(__m256d v) {
  const __m128d s = _mm_add_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
  return _mm_cvtsd_f64(_mm_add_sd(s, _mm_unpackhi_pd(s, s)));
}

// The reference's arithmetic in double, four lanes at a time: the same
// operations per element (y = x + r in double, (y - mean) * inv * gamma +
// beta), only the two sums in another order. So it agrees with the oracle to
// the last float bit nearly always, which matters downstream: int8 rounds
// each LayerNorm output, and a flipped rounding moves the vector more than
// fp32 noise does. Still several times faster than the scalar float loops
// (one long chain of dependent adds). `y` holds h doubles of scratch.
__attribute__((target("avx2,fma"))) void layernorm_row_avx2(const float* x, const float* r, const float* gamma,
                                                            const float* beta, float eps, int64_t h, double* y,
                                                            float* out) {
  __m256d vsum = _mm256_setzero_pd();
  int64_t i = 0;
  for (; i + 4 <= h; i += 4) {
    __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(x + i));
    if (r) v = _mm256_add_pd(v, _mm256_cvtps_pd(_mm_loadu_ps(r + i)));
    _mm256_storeu_pd(y + i, v);
    vsum = _mm256_add_pd(vsum, v);
  }
  double sum = hsum(vsum);
  for (; i < h; ++i) {
    y[i] = static_cast<double>(x[i]) + (r ? r[i] : 0.f);
    sum += y[i];
  }
  const double mean = sum / static_cast<double>(h);
  const __m256d vmean = _mm256_set1_pd(mean);
  __m256d vvar = _mm256_setzero_pd();
  for (i = 0; i + 4 <= h; i += 4) {
    const __m256d d = _mm256_sub_pd(_mm256_loadu_pd(y + i), vmean);
    vvar = _mm256_add_pd(vvar, _mm256_mul_pd(d, d));
  }
  double var = hsum(vvar);
  for (; i < h; ++i) var += (y[i] - mean) * (y[i] - mean);
  var /= static_cast<double>(h);
  const double inv = 1.0 / std::sqrt(var + eps);
  const __m256d vinv = _mm256_set1_pd(inv);
  for (i = 0; i + 4 <= h; i += 4) {
    const __m256d n = _mm256_mul_pd(_mm256_sub_pd(_mm256_loadu_pd(y + i), vmean), vinv);
    const __m256d g = _mm256_mul_pd(n, _mm256_cvtps_pd(_mm_loadu_ps(gamma + i)));
    _mm_storeu_ps(out + i, _mm256_cvtpd_ps(_mm256_add_pd(g, _mm256_cvtps_pd(_mm_loadu_ps(beta + i)))));
  }
  for (; i < h; ++i) out[i] = static_cast<float>((y[i] - mean) * inv * gamma[i] + beta[i]);
}
#endif

}  // namespace

// Rows are split over threads; AVX2 within a row where the CPU has it.
void add_residual_layernorm_fast(const add_residual_layernorm_op& o, int threads) {
  const int64_t h = o.x.cols;
  const auto* gamma = static_cast<const float*>(o.gamma.data);
  const auto* beta = static_cast<const float*>(o.beta.data);
  const bool avx2 = has_avx2_fma();
#pragma omp parallel num_threads(threads) if (threads > 1 && o.x.rows >= 32)
  {
    thread_local std::vector<float> y;
    thread_local std::vector<double> yd;
    y.resize(static_cast<size_t>(h));
    yd.resize(static_cast<size_t>(h));
#pragma omp for schedule(static)
    for (int64_t m = 0; m < o.x.rows; ++m) {
      const float* x = static_cast<const float*>(o.x.data) + m * o.x.row_stride;
      const float* r = o.residual.empty()
                           ? nullptr
                           : static_cast<const float*>(o.residual.data) + m * o.residual.row_stride;
      float* out = static_cast<float*>(o.out.data) + m * o.out.row_stride;
#if defined(__x86_64__)
      if (avx2) {
        layernorm_row_avx2(x, r, gamma, beta, o.eps, h, yd.data(), out);
        continue;
      }
#endif
      (void)avx2;
      layernorm_row_generic(x, r, gamma, beta, o.eps, h, y.data(), out);
    }
  }
}

}  // namespace winnow::kernels::cpu
