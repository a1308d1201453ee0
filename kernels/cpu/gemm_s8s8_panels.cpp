// gemm_s8s8_f32 for weights in panels16x4 layout (kernels/weight_layout.hpp):
// tiles of up to 5 activation rows x 16 output channels held in ten AVX2
// accumulators, one output channel per int32 lane. Two variants share the
// tiling: s8 activations (symmetric) and u8 ones (7-bit asymmetric).
//
// Why this shape: on AVX2 (no VNNI) an int8 multiply-add needs vpmaddubsw
// (u8 x s8 -> pairs in int16) plus vpmaddwd (pairs -> int32), two
// multiply-port instructions per 32 products, so the kernel's job is to keep
// those ports busy: each 32-byte weight load feeds 5 rows, each 4-byte
// activation broadcast feeds 16 channels, and nothing needs a horizontal sum.
// Exactness: vpmaddubsw saturates its int16 pairs, so the unsigned operand is
// |b| (<= 128) and b's sign moves onto the activation (vpsignb); a pair is
// then at most 2 x 128 x 127 = 32512. That needs a != -128 (the caller checks).
// The u8 variant needs no sign step: its activations are in [0, 127], so
// vpmaddubsw(a, b) pairs are at most 2 x 127 x 128 = 32512 as they are, and
// one multiply-add is 3 instructions instead of 4 (plus no |b|). The zero
// point comes off in the epilogue: sum (a - zp) b = sum a b - zp * sum b.
// With 7-bit weights (panels16x4_w7) a u8 pair is at most 2 x 127 x 63 =
// 16002, so two k groups' pairs add in int16 before one vpmaddwd; those tiles
// are 4 rows (8 accumulators + 4 weight registers fit without spills).
#include <algorithm>
#include <cstdint>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels/cpu/cpu_ops.hpp"

namespace winnow::kernels::cpu {

#if defined(__x86_64__)
namespace {

// Which activations and weights a tile multiplies (see the top of the file).
enum class kind { s8, u8, u8_w7 };

constexpr int max_tile_rows = 5;
// Activation rows per block: 40 rows x K stay in L2 (60 KiB at K = 1536)
// while the 16-channel panels (6-24 KiB) stream through L1.
constexpr int64_t block_rows = 40;

struct panel_view {
  const int8_t* a;
  int64_t lda;
  const int8_t* panels;
  int64_t k_dim;
};

__attribute__((target("avx2,fma"))) inline __m256i broadcast4(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, 4);
  return _mm256_set1_epi32(v);
}

__attribute__((target("avx2,fma"))) inline __m256i mac(__m256i acc, __m256i abs_w, __m256i w, __m256i x,
                                                       __m256i ones) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(abs_w, _mm256_sign_epi8(x, w)), ones));
}

// u8 x (<= 127) times s8 w: no sign step needed (see the top of the file).
__attribute__((target("avx2,fma"))) inline __m256i mac_u8(__m256i acc, __m256i w, __m256i x, __m256i ones) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(x, w), ones));
}

// One panel's per-channel dequantization terms. They point straight into the
// op's arrays when those are contiguous and the panel is full (the common
// case: no copy per panel); otherwise into the padded copies here (zero past
// `valid`). b_sum only for u8 activations.
struct panel_epilogue {
  const float* b_scale;
  const float* bias;
  const int32_t* b_sum;
  int valid;
  alignas(32) float b_scale_copy[16];
  alignas(32) float bias_copy[16];
  alignas(32) int32_t b_sum_copy[16];
};

void fill_epilogue(const gemm_s8s8_f32_op& o, int64_t n0, int valid, panel_epilogue& e) {
  e.valid = valid;
  const auto* bs = static_cast<const float*>(o.b_scales.data);
  const auto* bias = static_cast<const float*>(o.bias.data);
  const auto* sums = static_cast<const int32_t*>(o.b_sums.data);
  if (valid == panel_channels && o.b_scales.row_stride == 1) {
    e.b_scale = bs + n0;
    e.bias = bias ? bias + n0 : nullptr;
    e.b_sum = sums ? sums + n0 : nullptr;
    return;
  }
  for (int j = 0; j < 16; ++j) {
    const bool in = j < valid;
    e.b_scale_copy[j] = in ? bs[(n0 + j) * o.b_scales.row_stride] : 0.f;
    e.bias_copy[j] = in && bias ? bias[n0 + j] : 0.f;
    e.b_sum_copy[j] = in && sums ? sums[n0 + j] : 0;
  }
  e.b_scale = e.b_scale_copy;
  e.bias = bias ? e.bias_copy : nullptr;
  e.b_sum = sums ? e.b_sum_copy : nullptr;
}

// Dequantizes and stores one row's channels. The arithmetic is the
// reference's, (acc * a_scale) * b_scale + bias, so results match it bitwise;
// for u8 rows acc first loses zp * b_sum (exact in int32).
template <bool U8>
__attribute__((target("avx2,fma"))) void store_row(const gemm_s8s8_f32_op& o, const panel_epilogue& e, int64_t m,
                                                   int64_t n0, __m256i lo, __m256i hi) {
  if constexpr (U8) {
    const __m256i zp =
        _mm256_set1_epi32(static_cast<const int32_t*>(o.a_zero_points.data)[m * o.a_zero_points.row_stride]);
    lo = _mm256_sub_epi32(lo, _mm256_mullo_epi32(zp, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(e.b_sum))));
    hi = _mm256_sub_epi32(hi,
                          _mm256_mullo_epi32(zp, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(e.b_sum + 8))));
  }
  const __m256 a_scale = _mm256_set1_ps(static_cast<const float*>(o.a_scales.data)[m * o.a_scales.row_stride]);
  __m256 v0 = _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(lo), a_scale), _mm256_loadu_ps(e.b_scale));
  __m256 v1 = _mm256_mul_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(hi), a_scale), _mm256_loadu_ps(e.b_scale + 8));
  if (e.bias) {
    v0 = _mm256_add_ps(v0, _mm256_loadu_ps(e.bias));
    v1 = _mm256_add_ps(v1, _mm256_loadu_ps(e.bias + 8));
  }
  float* dst = static_cast<float*>(o.out.data) + m * o.out.row_stride + n0;
  if (e.valid == 16) {
    _mm256_storeu_ps(dst, v0);
    _mm256_storeu_ps(dst + 8, v1);
    return;
  }
  alignas(32) float row[16];
  _mm256_store_ps(row, v0);
  _mm256_store_ps(row + 8, v1);
  std::memcpy(dst, row, static_cast<size_t>(e.valid) * sizeof(float));
}

// One row of a tile: its two accumulators (channels 0-7 and 8-15).
struct row_acc {
  __m256i lo, hi;
};

__attribute__((target("avx2,fma"), always_inline)) inline void row_step(row_acc& acc, const int8_t* a, __m256i u0,
                                                                      __m256i w0, __m256i u1, __m256i w1,
                                                                      __m256i ones) {
  const __m256i x = broadcast4(a);
  acc.lo = mac(acc.lo, u0, w0, x, ones);
  acc.hi = mac(acc.hi, u1, w1, x, ones);
}

// Two k groups at once for weights in [-63, 63]: a pair is then at most
// 2 x 127 x 63 = 16002, so two pairs add in int16 (vpaddw) before one
// vpmaddwd widens them: 3 multiply-port instructions per 64 products, not 4.
__attribute__((target("avx2,fma"), always_inline)) inline void row_step_w7(row_acc& acc, const int8_t* a, __m256i w0,
                                                                         __m256i w1, __m256i w2, __m256i w3,
                                                                         __m256i ones) {
  const __m256i xa = broadcast4(a);
  const __m256i xb = broadcast4(a + 4);
  acc.lo = _mm256_add_epi32(
      acc.lo, _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(xa, w0), _mm256_maddubs_epi16(xb, w2)), ones));
  acc.hi = _mm256_add_epi32(
      acc.hi, _mm256_madd_epi16(_mm256_add_epi16(_mm256_maddubs_epi16(xa, w1), _mm256_maddubs_epi16(xb, w3)), ones));
}

__attribute__((target("avx2,fma"), always_inline)) inline void row_step_u8(row_acc& acc, const int8_t* a, __m256i w0,
                                                                         __m256i w1, __m256i ones) {
  const __m256i x = broadcast4(a);
  acc.lo = mac_u8(acc.lo, w0, x, ones);
  acc.hi = mac_u8(acc.hi, w1, x, ones);
}

// R rows starting at m against the panel of channels [n0, n0 + 16). The rows
// are named variables, not an array: GCC keeps named vectors in registers but
// left an accumulator array on the stack (a load and a store per multiply-add).
// `a` rows are read as bytes; V says what they and the weights hold.
template <kind V, int R>
__attribute__((target("avx2,fma"))) void tile(const gemm_s8s8_f32_op& o, const panel_view& v,
                                              const panel_epilogue& e, int64_t m, int64_t n0,
                                              const int8_t* prefetch) {
  static_assert(R >= 1 && R <= max_tile_rows, "tile rows");
  const __m256i ones = _mm256_set1_epi16(1);
  const int8_t* panel = v.panels + n0 * v.k_dim;
  const int8_t* a0 = v.a + m * v.lda;
  const int8_t* a1 = a0 + (R > 1 ? v.lda : 0);
  const int8_t* a2 = a1 + (R > 2 ? v.lda : 0);
  const int8_t* a3 = a2 + (R > 3 ? v.lda : 0);
  const int8_t* a4 = a3 + (R > 4 ? v.lda : 0);
  const __m256i zero = _mm256_setzero_si256();
  row_acc r0{zero, zero}, r1{zero, zero}, r2{zero, zero}, r3{zero, zero}, r4{zero, zero};
  int64_t k = 0;
  if constexpr (V == kind::u8_w7) {
    for (; k + 8 <= v.k_dim; k += 8) {
      const auto* p = reinterpret_cast<const __m256i*>(panel + k * 16);
      if (prefetch) {
        _mm_prefetch(reinterpret_cast<const char*>(prefetch + k * 16), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(prefetch + k * 16 + 64), _MM_HINT_T0);
      }
      const __m256i w0 = _mm256_loadu_si256(p), w1 = _mm256_loadu_si256(p + 1);
      const __m256i w2 = _mm256_loadu_si256(p + 2), w3 = _mm256_loadu_si256(p + 3);
      row_step_w7(r0, a0 + k, w0, w1, w2, w3, ones);
      if constexpr (R > 1) row_step_w7(r1, a1 + k, w0, w1, w2, w3, ones);
      if constexpr (R > 2) row_step_w7(r2, a2 + k, w0, w1, w2, w3, ones);
      if constexpr (R > 3) row_step_w7(r3, a3 + k, w0, w1, w2, w3, ones);
      if constexpr (R > 4) row_step_w7(r4, a4 + k, w0, w1, w2, w3, ones);
    }
  }
  for (; k < v.k_dim; k += 4) {  // all of K, or an odd last group for u8_w7
    if (prefetch) _mm_prefetch(reinterpret_cast<const char*>(prefetch + k * 16), _MM_HINT_T0);
    const __m256i w0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(panel + k * 16));
    const __m256i w1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(panel + k * 16 + 32));
    if constexpr (V != kind::s8) {
      row_step_u8(r0, a0 + k, w0, w1, ones);
      if constexpr (R > 1) row_step_u8(r1, a1 + k, w0, w1, ones);
      if constexpr (R > 2) row_step_u8(r2, a2 + k, w0, w1, ones);
      if constexpr (R > 3) row_step_u8(r3, a3 + k, w0, w1, ones);
      if constexpr (R > 4) row_step_u8(r4, a4 + k, w0, w1, ones);
    } else {
      const __m256i u0 = _mm256_abs_epi8(w0);
      const __m256i u1 = _mm256_abs_epi8(w1);
      // (A lambda here would not inherit the AVX2 target and would not inline.)
      row_step(r0, a0 + k, u0, w0, u1, w1, ones);
      if constexpr (R > 1) row_step(r1, a1 + k, u0, w0, u1, w1, ones);
      if constexpr (R > 2) row_step(r2, a2 + k, u0, w0, u1, w1, ones);
      if constexpr (R > 3) row_step(r3, a3 + k, u0, w0, u1, w1, ones);
      if constexpr (R > 4) row_step(r4, a4 + k, u0, w0, u1, w1, ones);
    }
  }
  constexpr bool zero_points = V != kind::s8;
  store_row<zero_points>(o, e, m, n0, r0.lo, r0.hi);
  if constexpr (R > 1) store_row<zero_points>(o, e, m + 1, n0, r1.lo, r1.hi);
  if constexpr (R > 2) store_row<zero_points>(o, e, m + 2, n0, r2.lo, r2.hi);
  if constexpr (R > 3) store_row<zero_points>(o, e, m + 3, n0, r3.lo, r3.hi);
  if constexpr (R > 4) store_row<zero_points>(o, e, m + 4, n0, r4.lo, r4.hi);
}

template <kind V>
void tail_tile(const gemm_s8s8_f32_op& o, const panel_view& v, const panel_epilogue& e, int64_t m, int rows,
               int64_t n0, const int8_t* prefetch) {
  switch (rows) {
    case 1: return tile<V, 1>(o, v, e, m, n0, prefetch);
    case 2: return tile<V, 2>(o, v, e, m, n0, prefetch);
    case 3: return tile<V, 3>(o, v, e, m, n0, prefetch);
    default: return tile<V, 4>(o, v, e, m, n0, prefetch);
  }
}

// Rows [m_begin, m_end) against panel p.
template <kind V>
void block(const gemm_s8s8_f32_op& o, const panel_view& v, int64_t m_begin, int64_t m_end, int64_t p) {
  const int64_t n0 = p * panel_channels;
  panel_epilogue e;
  fill_epilogue(o, n0, static_cast<int>(std::min<int64_t>(panel_channels, o.b.rows - n0)), e);
  // The first tile streams the panel from memory; it also asks for the next
  // panel, which the later tiles' time then hides.
  const int8_t* next = n0 + panel_channels < o.b.rows ? v.panels + (n0 + panel_channels) * v.k_dim : nullptr;
  int64_t m = m_begin;
  constexpr int rows = V == kind::u8_w7 ? 4 : max_tile_rows;  // see the top of the file
  for (; m + rows <= m_end; m += rows, next = nullptr) tile<V, rows>(o, v, e, m, n0, next);
  if (m < m_end) tail_tile<V>(o, v, e, m, static_cast<int>(m_end - m), n0, next);
}

template <kind V>
void gemm_panels(const gemm_s8s8_f32_op& o, int threads) {
  const panel_view v{static_cast<const int8_t*>(o.a.data), o.a.row_stride, static_cast<const int8_t*>(o.b.data),
                     o.b.cols};
  const int64_t panels = (o.b.rows + panel_channels - 1) / panel_channels;
  const int64_t m_blocks = (o.a.rows + block_rows - 1) / block_rows;
  const int64_t jobs = panels * m_blocks;
  // Consecutive jobs share an activation block and walk the panels.
#pragma omp parallel for num_threads(threads) schedule(static) if (threads > 1 && jobs > 1)
  for (int64_t job = 0; job < jobs; ++job) {
    const int64_t mb = job / panels;
    block<V>(o, v, mb * block_rows, std::min(o.a.rows, (mb + 1) * block_rows), job % panels);
  }
}

}  // namespace

void gemm_s8s8_f32_panels_avx2(const gemm_s8s8_f32_op& o, int threads) { gemm_panels<kind::s8>(o, threads); }
void gemm_u8s8_f32_panels_avx2(const gemm_s8s8_f32_op& o, int threads) {
  if (o.b_layout == weight_layout::panels16x4_w7) return gemm_panels<kind::u8_w7>(o, threads);
  gemm_panels<kind::u8>(o, threads);
}
#else
void gemm_s8s8_f32_panels_avx2(const gemm_s8s8_f32_op&, int) {}
void gemm_u8s8_f32_panels_avx2(const gemm_s8s8_f32_op&, int) {}
#endif

}  // namespace winnow::kernels::cpu
