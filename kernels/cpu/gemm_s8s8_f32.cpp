// gemm_s8s8_f32: int8 x int8 matmul with an exact int32 accumulator, then
// per-row activation scale x per-output-channel weight scale (+ bias).
#include <algorithm>
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

// b[n, k] in either layout (the reference and generic paths; the fast paths
// walk the layouts directly).
inline int8_t weight_at(const gemm_s8s8_f32_op& o, int64_t n, int64_t k) {
  const auto* b = static_cast<const int8_t*>(o.b.data);
  return o.b_layout == weight_layout::rows ? b[n * o.b.row_stride + k] : b[panels_offset(n, k, o.b.cols)];
}

// Row m of `a` as int32 values minus the row's zero point (0 for s8).
struct a_row {
  const int8_t* s8 = nullptr;
  const uint8_t* u8 = nullptr;
  int32_t zp = 0;
  int32_t operator[](int64_t k) const { return s8 ? s8[k] : static_cast<int32_t>(u8[k]) - zp; }
};

inline a_row row_of(const gemm_s8s8_f32_op& o, int64_t m) {
  a_row r;
  if (o.a.type == dtype::u8) {
    r.u8 = static_cast<const uint8_t*>(o.a.data) + m * o.a.row_stride;
    r.zp = static_cast<const int32_t*>(o.a_zero_points.data)[m * o.a_zero_points.row_stride];
  } else {
    r.s8 = static_cast<const int8_t*>(o.a.data) + m * o.a.row_stride;
  }
  return r;
}

inline float dequantize(int32_t acc, float a_scale, float b_scale, const float* bias, int64_t n) {
  float v = static_cast<float>(acc) * a_scale * b_scale;
  return bias ? v + bias[n] : v;
}

}  // namespace

void gemm_s8s8_f32_ref(const gemm_s8s8_f32_op& o) {
  const auto* as = static_cast<const float*>(o.a_scales.data);
  const auto* bs = static_cast<const float*>(o.b_scales.data);
  const auto* bias = static_cast<const float*>(o.bias.data);
  auto* out = static_cast<float*>(o.out.data);
  const int64_t k_dim = o.a.cols;
  for (int64_t m = 0; m < o.a.rows; ++m) {
    const a_row a = row_of(o, m);
    for (int64_t n = 0; n < o.b.rows; ++n) {
      int32_t acc = 0;
      for (int64_t k = 0; k < k_dim; ++k) acc += a[k] * weight_at(o, n, k);
      out[m * o.out.row_stride + n] =
          dequantize(acc, as[m * o.a_scales.row_stride], bs[n * o.b_scales.row_stride], bias, n);
    }
  }
}

namespace {

// The portable fallback over output channels [n_begin, n_end).
void gemm_rows_generic(const gemm_s8s8_f32_op& o, int64_t n_begin, int64_t n_end) {
  const auto* as = static_cast<const float*>(o.a_scales.data);
  const auto* bs = static_cast<const float*>(o.b_scales.data);
  const auto* bias = static_cast<const float*>(o.bias.data);
  auto* out = static_cast<float*>(o.out.data);
  for (int64_t m = 0; m < o.a.rows; ++m) {
    const a_row row = row_of(o, m);
    for (int64_t n = n_begin; n < n_end; ++n) {
      int32_t acc = 0;
      for (int64_t k = 0; k < o.a.cols; ++k) acc += row[k] * weight_at(o, n, k);
      out[m * o.out.row_stride + n] =
          dequantize(acc, as[m * o.a_scales.row_stride], bs[n * o.b_scales.row_stride], bias, n);
    }
  }
}

#if defined(__x86_64__)
// Exact int32 dot products with AVX2. vpmaddubsw multiplies unsigned by signed
// bytes and adds pairs into *saturating* int16, so the usual u8 = a + 128
// would overflow. Instead the unsigned operand is |b| (|-128| = 128 is still a
// valid u8) and b's sign moves onto a (vpsignb): each product is at most
// 128 * 127 and a pair at most 32512, which fits. REQUIRES: a has no -128
// (symmetric quantization never makes it; gemm_s8s8_f32_fast checks a, which
// costs 1/N of the multiply, and sends such inputs to the generic path).
__attribute__((target("avx2,fma"))) inline __m256i mac32(__m256i acc, __m256i abs_b, __m256i b, __m256i a,
                                                          __m256i ones) {
  const __m256i p16 = _mm256_maddubs_epi16(abs_b, _mm256_sign_epi8(a, b));
  return _mm256_add_epi32(acc, _mm256_madd_epi16(p16, ones));
}

// Sums of four accumulators' lanes as one vector [s0, s1, s2, s3].
__attribute__((target("avx2,fma"))) inline __m128i hsum4_epi32(__m256i c0, __m256i c1, __m256i c2, __m256i c3) {
  const __m256i h = _mm256_hadd_epi32(_mm256_hadd_epi32(c0, c1), _mm256_hadd_epi32(c2, c3));
  return _mm_add_epi32(_mm256_castsi256_si128(h), _mm256_extracti128_si256(h, 1));
}

// Dequantizes acc = [(m0, n), (m0, n+1), (m1, n), (m1, n+1)] and stores the
// pairs into rows m0 and m1 (m1 == m0 for a single row: then only the low
// pair is meaningful and stored).
__attribute__((target("avx2,fma"))) inline void store2x2(const gemm_s8s8_f32_op& o, int64_t m0, int64_t m1,
                                                         int64_t n, __m128i acc, bool two_rows) {
  const auto* as = static_cast<const float*>(o.a_scales.data);
  const auto* bs = static_cast<const float*>(o.b_scales.data);
  const int64_t ass = o.a_scales.row_stride, bss = o.b_scales.row_stride;
  const float b0 = bs[n * bss], b1 = bs[(n + 1) * bss];
  const __m128 a_scale = _mm_set_ps(as[m1 * ass], as[m1 * ass], as[m0 * ass], as[m0 * ass]);
  const __m128 b_scale = _mm_set_ps(b1, b0, b1, b0);
  __m128 v = _mm_mul_ps(_mm_mul_ps(_mm_cvtepi32_ps(acc), a_scale), b_scale);
  if (!o.bias.empty()) {
    const auto* bias = static_cast<const float*>(o.bias.data);
    v = _mm_add_ps(v, _mm_set_ps(bias[n + 1], bias[n], bias[n + 1], bias[n]));
  }
  auto* out = static_cast<float*>(o.out.data);
  _mm_storel_pi(reinterpret_cast<__m64*>(out + m0 * o.out.row_stride + n), v);
  if (two_rows) _mm_storeh_pi(reinterpret_cast<__m64*>(out + m1 * o.out.row_stride + n), v);
}

// Output tiles of 4 rows x 2 channels over the block [m_begin, m_end) x
// [n_begin, n_end): |b| and b of two channels are loaded once per 32-byte step
// and reused by four activation rows. The caller sizes blocks so that both
// stay in L1/L2 while the tiles sweep them.
// REQUIRES: K % 32 == 0 and (n_end - n_begin) % 2 == 0.
__attribute__((target("avx2,fma"))) void gemm_block_avx2(const gemm_s8s8_f32_op& o, int64_t m_begin,
                                                         int64_t m_end, int64_t n_begin, int64_t n_end) {
  const auto* a = static_cast<const int8_t*>(o.a.data);
  const auto* b = static_cast<const int8_t*>(o.b.data);
  const int64_t lda = o.a.row_stride, ldb = o.b.row_stride;
  const int64_t k_dim = o.a.cols;
  const __m256i ones = _mm256_set1_epi16(1);
  for (int64_t n = n_begin; n < n_end; n += 2) {
    const int8_t* b0 = b + n * ldb;
    const int8_t* b1 = b0 + ldb;
    int64_t m = m_begin;
    for (; m + 4 <= m_end; m += 4) {
      const int8_t* a0 = a + m * lda;
      const int8_t* a1 = a0 + lda;
      const int8_t* a2 = a1 + lda;
      const int8_t* a3 = a2 + lda;
      __m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00;
      __m256i c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      for (int64_t k = 0; k < k_dim; k += 32) {
        const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b0 + k));
        const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b1 + k));
        const __m256i u0 = _mm256_abs_epi8(w0);
        const __m256i u1 = _mm256_abs_epi8(w1);
        __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a0 + k));
        c00 = mac32(c00, u0, w0, x, ones);
        c01 = mac32(c01, u1, w1, x, ones);
        x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a1 + k));
        c10 = mac32(c10, u0, w0, x, ones);
        c11 = mac32(c11, u1, w1, x, ones);
        x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a2 + k));
        c20 = mac32(c20, u0, w0, x, ones);
        c21 = mac32(c21, u1, w1, x, ones);
        x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a3 + k));
        c30 = mac32(c30, u0, w0, x, ones);
        c31 = mac32(c31, u1, w1, x, ones);
      }
      store2x2(o, m, m + 1, n, hsum4_epi32(c00, c01, c10, c11), true);
      store2x2(o, m + 2, m + 3, n, hsum4_epi32(c20, c21, c30, c31), true);
    }
    for (; m < m_end; ++m) {
      const int8_t* a0 = a + m * lda;
      __m256i c0 = _mm256_setzero_si256(), c1 = c0;
      for (int64_t k = 0; k < k_dim; k += 32) {
        const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b0 + k));
        const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b1 + k));
        const __m256i x = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a0 + k));
        c0 = mac32(c0, _mm256_abs_epi8(w0), w0, x, ones);
        c1 = mac32(c1, _mm256_abs_epi8(w1), w1, x, ones);
      }
      store2x2(o, m, m, n, hsum4_epi32(c0, c1, c0, c1), false);
    }
  }
}
#endif

// Block sizes: 64 weight rows x K and 32 activation rows x K bytes (24 KiB +
// 12 KiB at K = 384) stay cache-resident while the 4x2 tiles sweep them.
constexpr int64_t block_n = 64;
constexpr int64_t block_m = 32;

}  // namespace

bool holds_above_s8_max(const tensor& t) {
  for (int64_t r = 0; r < t.rows; ++r) {
    const auto* p = static_cast<const uint8_t*>(t.data) + r * t.row_stride;
    uint8_t hi = 0;
    for (int64_t c = 0; c < t.cols; ++c) hi = p[c] > hi ? p[c] : hi;
    if (hi > 127) return true;
  }
  return false;
}

bool holds_min_s8(const tensor& t) {
  for (int64_t r = 0; r < t.rows; ++r) {
    const auto* p = static_cast<const int8_t*>(t.data) + r * t.row_stride;
    int8_t lo = 0;
    for (int64_t c = 0; c < t.cols; ++c) lo = p[c] < lo ? p[c] : lo;
    if (lo == -128) return true;
  }
  return false;
}

void gemm_s8s8_f32_fast(const gemm_s8s8_f32_op& o, int threads) {
  const int64_t n_dim = o.b.rows, m_dim = o.a.rows;
#if defined(__x86_64__)
  if (o.a.type == dtype::u8) {
    if (is_panels(o.b_layout) && has_avx2_fma() && !holds_above_s8_max(o.a)) {
      gemm_u8s8_f32_panels_avx2(o, threads);
      return;
    }
  }
  const bool no_min_s8 = o.a.type == dtype::s8 && has_avx2_fma() && !holds_min_s8(o.a);
  if (is_panels(o.b_layout) && no_min_s8) {
    gemm_s8s8_f32_panels_avx2(o, threads);
    return;
  }
  const bool avx2 = no_min_s8 && o.b_layout == weight_layout::rows && o.a.cols % 32 == 0 && n_dim % 2 == 0;
#else
  const bool avx2 = false;
#endif
  if (!avx2) {
    const int64_t blocks = (n_dim + block_n - 1) / block_n;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && blocks > 1)
    for (int64_t blk = 0; blk < blocks; ++blk) {
      gemm_rows_generic(o, blk * block_n, std::min(n_dim, (blk + 1) * block_n));
    }
    return;
  }
#if defined(__x86_64__)
  const int64_t n_blocks = (n_dim + block_n - 1) / block_n;
  const int64_t m_blocks = (m_dim + block_m - 1) / block_m;
  const int64_t jobs = n_blocks * m_blocks;
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && jobs > 1)
  for (int64_t job = 0; job < jobs; ++job) {
    // Consecutive jobs share an activation block and walk the weights.
    const int64_t mb = job / n_blocks, nb = job % n_blocks;
    gemm_block_avx2(o, mb * block_m, std::min(m_dim, (mb + 1) * block_m), nb * block_n,
                    std::min(n_dim, (nb + 1) * block_n));
  }
#endif
}

}  // namespace winnow::kernels::cpu
