// gemm_s8s8_f32: int8 x int8 matmul with an exact int32 accumulator, then
// per-row activation scale x per-output-channel weight scale (+ bias).
#include <cstdint>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels/cpu/cpu_ops.hpp"

#if defined(WINNOW_HAVE_DNNL)
#include <oneapi/dnnl/dnnl.h>
#endif

namespace winnow::kernels::cpu {
namespace {

inline float dequantize(int32_t acc, float a_scale, float b_scale, const float* bias, int64_t n) {
  float v = static_cast<float>(acc) * a_scale * b_scale;
  return bias ? v + bias[n] : v;
}

}  // namespace

void gemm_s8s8_f32_ref(const gemm_s8s8_f32_op& o) {
  const auto* a = static_cast<const int8_t*>(o.a.data);
  const auto* b = static_cast<const int8_t*>(o.b.data);
  const auto* as = static_cast<const float*>(o.a_scales.data);
  const auto* bs = static_cast<const float*>(o.b_scales.data);
  const auto* bias = static_cast<const float*>(o.bias.data);
  auto* out = static_cast<float*>(o.out.data);
  const int64_t k_dim = o.a.cols;
  for (int64_t m = 0; m < o.a.rows; ++m) {
    for (int64_t n = 0; n < o.b.rows; ++n) {
      int32_t acc = 0;
      for (int64_t k = 0; k < k_dim; ++k) {
        acc += static_cast<int32_t>(a[m * o.a.row_stride + k]) * b[n * o.b.row_stride + k];
      }
      out[m * o.out.row_stride + n] =
          dequantize(acc, as[m * o.a_scales.row_stride], bs[n * o.b_scales.row_stride], bias, n);
    }
  }
}

namespace {

// Scalar dot product for tails and the portable fallback.
inline int32_t dot_s8(const int8_t* a, const int8_t* b, int64_t k) {
  int32_t acc = 0;
  for (int64_t i = 0; i < k; ++i) acc += static_cast<int32_t>(a[i]) * b[i];
  return acc;
}

void gemm_rows_generic(const gemm_s8s8_f32_op& o, int64_t n_begin, int64_t n_end) {
  const auto* a = static_cast<const int8_t*>(o.a.data);
  const auto* b = static_cast<const int8_t*>(o.b.data);
  const auto* as = static_cast<const float*>(o.a_scales.data);
  const auto* bs = static_cast<const float*>(o.b_scales.data);
  const auto* bias = static_cast<const float*>(o.bias.data);
  auto* out = static_cast<float*>(o.out.data);
  for (int64_t m = 0; m < o.a.rows; ++m) {
    for (int64_t n = n_begin; n < n_end; ++n) {
      int32_t acc = dot_s8(a + m * o.a.row_stride, b + n * o.b.row_stride, o.a.cols);
      out[m * o.out.row_stride + n] =
          dequantize(acc, as[m * o.a_scales.row_stride], bs[n * o.b_scales.row_stride], bias, n);
    }
  }
}

#if defined(__x86_64__)
// Exact int32 dot products with AVX2. vpmaddubsw multiplies unsigned by signed
// bytes and adds pairs into *saturating* int16, so u8 = a + 128 would overflow.
// Instead the unsigned operand is |a| and the sign of a moves onto b
// (vpsignb): each product is at most 127 * 128 and a pair at most 32512, which
// fits. REQUIRES: a and b in [-127, 127] (symmetric quantization never makes
// -128); gemm_s8s8_f32_fast sends operands holding -128 to the generic path.
__attribute__((target("avx2,fma"))) inline int32_t hsum_epi32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
  return _mm_cvtsi128_si32(s);
}

__attribute__((target("avx2,fma"))) inline __m256i mac32(__m256i acc, __m256i abs_a, __m256i a,
                                                          __m256i b, __m256i ones) {
  __m256i p16 = _mm256_maddubs_epi16(abs_a, _mm256_sign_epi8(b, a));
  return _mm256_add_epi32(acc, _mm256_madd_epi16(p16, ones));
}

// Output tile of 2 rows x 4 channels; weights in the tile are reused from L1
// across all row pairs because the caller walks M inside a block of N.
__attribute__((target("avx2,fma"))) void gemm_block_avx2(const gemm_s8s8_f32_op& o,
                                                         int64_t n_begin, int64_t n_end) {
  const auto* a = static_cast<const int8_t*>(o.a.data);
  const auto* b = static_cast<const int8_t*>(o.b.data);
  const auto* as = static_cast<const float*>(o.a_scales.data);
  const auto* bs = static_cast<const float*>(o.b_scales.data);
  const auto* bias = static_cast<const float*>(o.bias.data);
  auto* out = static_cast<float*>(o.out.data);
  const int64_t lda = o.a.row_stride, ldb = o.b.row_stride, ldo = o.out.row_stride;
  const int64_t k_dim = o.a.cols, k_vec = k_dim / 32 * 32, m_dim = o.a.rows;
  const __m256i ones = _mm256_set1_epi16(1);

  auto store = [&](int64_t m, int64_t n, int32_t acc) {
    out[m * ldo + n] = dequantize(acc, as[m * o.a_scales.row_stride],
                                  bs[n * o.b_scales.row_stride], bias, n);
  };

  int64_t n = n_begin;
  for (; n + 4 <= n_end; n += 4) {
    const int8_t* b0 = b + n * ldb;
    const int8_t* b1 = b0 + ldb;
    const int8_t* b2 = b1 + ldb;
    const int8_t* b3 = b2 + ldb;
    int64_t m = 0;
    for (; m + 2 <= m_dim; m += 2) {
      const int8_t* a0 = a + m * lda;
      const int8_t* a1 = a0 + lda;
      __m256i c00 = _mm256_setzero_si256(), c01 = c00, c02 = c00, c03 = c00;
      __m256i c10 = c00, c11 = c00, c12 = c00, c13 = c00;
      for (int64_t k = 0; k < k_vec; k += 32) {
        const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b0 + k));
        const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b1 + k));
        const __m256i w2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b2 + k));
        const __m256i w3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b3 + k));
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a0 + k));
        const __m256i u0 = _mm256_abs_epi8(x0);
        c00 = mac32(c00, u0, x0, w0, ones);
        c01 = mac32(c01, u0, x0, w1, ones);
        c02 = mac32(c02, u0, x0, w2, ones);
        c03 = mac32(c03, u0, x0, w3, ones);
        const __m256i x1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a1 + k));
        const __m256i u1 = _mm256_abs_epi8(x1);
        c10 = mac32(c10, u1, x1, w0, ones);
        c11 = mac32(c11, u1, x1, w1, ones);
        c12 = mac32(c12, u1, x1, w2, ones);
        c13 = mac32(c13, u1, x1, w3, ones);
      }
      const int64_t tail = k_dim - k_vec;
      store(m, n + 0, hsum_epi32(c00) + dot_s8(a0 + k_vec, b0 + k_vec, tail));
      store(m, n + 1, hsum_epi32(c01) + dot_s8(a0 + k_vec, b1 + k_vec, tail));
      store(m, n + 2, hsum_epi32(c02) + dot_s8(a0 + k_vec, b2 + k_vec, tail));
      store(m, n + 3, hsum_epi32(c03) + dot_s8(a0 + k_vec, b3 + k_vec, tail));
      store(m + 1, n + 0, hsum_epi32(c10) + dot_s8(a1 + k_vec, b0 + k_vec, tail));
      store(m + 1, n + 1, hsum_epi32(c11) + dot_s8(a1 + k_vec, b1 + k_vec, tail));
      store(m + 1, n + 2, hsum_epi32(c12) + dot_s8(a1 + k_vec, b2 + k_vec, tail));
      store(m + 1, n + 3, hsum_epi32(c13) + dot_s8(a1 + k_vec, b3 + k_vec, tail));
    }
    for (; m < m_dim; ++m) {
      const int8_t* a0 = a + m * lda;
      __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0;
      for (int64_t k = 0; k < k_vec; k += 32) {
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a0 + k));
        const __m256i u0 = _mm256_abs_epi8(x0);
        c0 = mac32(c0, u0, x0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b0 + k)), ones);
        c1 = mac32(c1, u0, x0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b1 + k)), ones);
        c2 = mac32(c2, u0, x0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b2 + k)), ones);
        c3 = mac32(c3, u0, x0, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b3 + k)), ones);
      }
      const int64_t tail = k_dim - k_vec;
      store(m, n + 0, hsum_epi32(c0) + dot_s8(a0 + k_vec, b0 + k_vec, tail));
      store(m, n + 1, hsum_epi32(c1) + dot_s8(a0 + k_vec, b1 + k_vec, tail));
      store(m, n + 2, hsum_epi32(c2) + dot_s8(a0 + k_vec, b2 + k_vec, tail));
      store(m, n + 3, hsum_epi32(c3) + dot_s8(a0 + k_vec, b3 + k_vec, tail));
    }
  }
  for (; n < n_end; ++n) {
    for (int64_t m = 0; m < m_dim; ++m) {
      const int8_t* a0 = a + m * lda;
      const int8_t* b0 = b + n * ldb;
      __m256i c0 = _mm256_setzero_si256();
      for (int64_t k = 0; k < k_vec; k += 32) {
        const __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a0 + k));
        c0 = mac32(c0, _mm256_abs_epi8(x0), x0,
                   _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b0 + k)), ones);
      }
      store(m, n, hsum_epi32(c0) + dot_s8(a0 + k_vec, b0 + k_vec, k_dim - k_vec));
    }
  }
}
#endif

// Channels per block: 64 rows of a 384..1536-wide weight stay in L1/L2 while
// every activation row streams past them.
constexpr int64_t block_n = 64;

// Whether any element is -128 (a vectorizable min-reduction, one pass).
bool holds_min_s8(const tensor& t) {
  for (int64_t r = 0; r < t.rows; ++r) {
    const auto* p = static_cast<const int8_t*>(t.data) + r * t.row_stride;
    int8_t lo = 0;
    for (int64_t c = 0; c < t.cols; ++c) lo = p[c] < lo ? p[c] : lo;
    if (lo == -128) return true;
  }
  return false;
}

}  // namespace

void gemm_s8s8_f32_fast(const gemm_s8s8_f32_op& o, int threads) {
  const int64_t n_dim = o.b.rows;
  const int64_t blocks = (n_dim + block_n - 1) / block_n;
#if defined(__x86_64__)
  const bool avx2 = has_avx2_fma() && !holds_min_s8(o.a) && !holds_min_s8(o.b);
#else
  const bool avx2 = false;
#endif
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && blocks > 1)
  for (int64_t blk = 0; blk < blocks; ++blk) {
    const int64_t n0 = blk * block_n;
    const int64_t n1 = n0 + block_n < n_dim ? n0 + block_n : n_dim;
#if defined(__x86_64__)
    if (avx2) {
      gemm_block_avx2(o, n0, n1);
      continue;
    }
#endif
    (void)avx2;
    gemm_rows_generic(o, n0, n1);
  }
}

}  // namespace winnow::kernels::cpu
