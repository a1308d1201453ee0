// attention: masked multi-head self-attention over a padded batch.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <vector>

#include "kernels/cpu/cpu_ops.hpp"
#include "kernels/cpu/simd_math.hpp"

#if defined(WINNOW_HAVE_DNNL)
#include <oneapi/dnnl/dnnl.h>
#endif

namespace winnow::kernels::cpu {
namespace {

struct view {
  const float* qkv;
  int64_t qkv_stride;
  float* out;
  int64_t out_stride;
  int64_t hidden;
};

view make_view(const attention_op& o) {
  return {static_cast<const float*>(o.qkv.data), o.qkv.row_stride, static_cast<float*>(o.out.data),
          o.out.row_stride, static_cast<int64_t>(o.heads) * o.head_dim};
}

void zero_padding_rows(const attention_op& o, const view& v, int64_t b, int64_t len) {
  for (int64_t p = len; p < o.seq_len; ++p) {
    std::memset(v.out + (b * o.seq_len + p) * v.out_stride, 0, sizeof(float) * v.hidden);
  }
}

int64_t clamp_length(const attention_op& o, int64_t b) {
  const int32_t len = static_cast<const int32_t*>(o.lengths.data)[b * o.lengths.row_stride];
  return std::clamp<int64_t>(len, 0, o.seq_len);
}

#if defined(__x86_64__)
__attribute__((target("avx2,fma"))) void softmax_row_avx2(float* row, int64_t n) {
  float mx = row[0];
  for (int64_t j = 1; j < n; ++j) mx = std::max(mx, row[j]);
  const __m256 vmx = _mm256_set1_ps(mx);
  __m256 vsum = _mm256_setzero_ps();
  int64_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256 e = exp_nonpositive_avx2(_mm256_sub_ps(_mm256_loadu_ps(row + j), vmx));
    _mm256_storeu_ps(row + j, e);
    vsum = _mm256_add_ps(vsum, e);
  }
  float lanes[8];
  _mm256_storeu_ps(lanes, vsum);
  float sum = 0.f;
  for (float l : lanes) sum += l;
  for (; j < n; ++j) { row[j] = std::exp(row[j] - mx); sum += row[j]; }
  const float inv = 1.f / sum;
  for (int64_t k = 0; k < n; ++k) row[k] *= inv;
}
#endif

void softmax_row(float* row, int64_t n) {
#if defined(__x86_64__)
  if (has_avx2_fma()) {
    softmax_row_avx2(row, n);
    return;
  }
#endif
  float mx = row[0];
  for (int64_t j = 1; j < n; ++j) mx = std::max(mx, row[j]);
  float sum = 0.f;
  for (int64_t j = 0; j < n; ++j) { row[j] = std::exp(row[j] - mx); sum += row[j]; }
  const float inv = 1.f / sum;
  for (int64_t j = 0; j < n; ++j) row[j] *= inv;
}

// Sequences up to this long skip oneDNN: for a ~20-token query its two sgemm
// calls per head cost more in dispatch than the 13k multiply-adds they do
// (~6% of a query's time in 144 calls).
constexpr int64_t small_seq = 64;

#if defined(__x86_64__)

__attribute__((target("avx2,fma"))) inline float hsum8(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

// Keys [0, len) of one head transposed into kt (d rows of n8 floats, zero
// past len), so that scores come out 8 keys per vector: no horizontal sums.
void transpose_keys(const float* k, int64_t stride, int64_t len, int64_t d, int64_t n8, float* kt) {
  for (int64_t c = 0; c < d; ++c) {
    float* row = kt + c * n8;
    for (int64_t j = 0; j < len; ++j) row[j] = k[j * stride + c];
    for (int64_t j = len; j < n8; ++j) row[j] = 0.f;
  }
}

// Scores of query rows q0 and q1 (R = 2) or q0 alone (R = 1) against the NB
// blocks of 8 transposed keys, scaled, into p0 / p1; keys past len become
// -inf so that the softmax below works on whole vectors. The 2 * NB
// accumulators are independent chains, so the multiply-adds overlap.
template <int NB, int R>
__attribute__((target("avx2,fma"))) void score_rows(const float* q0, const float* q1, const float* kt, int64_t d,
                                                    int64_t len, float scale, float* p0, float* p1) {
  __m256 a[NB], b[R == 2 ? NB : 1];
  for (int i = 0; i < NB; ++i) a[i] = _mm256_setzero_ps();
  for (int i = 0; i < (R == 2 ? NB : 1); ++i) b[i] = _mm256_setzero_ps();
  for (int64_t c = 0; c < d; ++c) {
    const float* row = kt + c * NB * 8;
    const __m256 x0 = _mm256_broadcast_ss(q0 + c);
    const __m256 x1 = R == 2 ? _mm256_broadcast_ss(q1 + c) : x0;
    for (int i = 0; i < NB; ++i) {
      const __m256 kv = _mm256_loadu_ps(row + 8 * i);
      a[i] = _mm256_fmadd_ps(x0, kv, a[i]);
      if constexpr (R == 2) b[i] = _mm256_fmadd_ps(x1, kv, b[i]);
    }
  }
  const __m256 vscale = _mm256_set1_ps(scale);
  for (int i = 0; i < NB; ++i) {
    _mm256_store_ps(p0 + 8 * i, _mm256_mul_ps(a[i], vscale));
    if constexpr (R == 2) _mm256_store_ps(p1 + 8 * i, _mm256_mul_ps(b[i], vscale));
  }
  for (int64_t j = len; j < NB * 8; ++j) {
    p0[j] = -INFINITY;
    if constexpr (R == 2) p1[j] = -INFINITY;
  }
}

using score_rows_fn = void (*)(const float*, const float*, const float*, int64_t, int64_t, float, float*, float*);

// score_rows for `blocks` blocks of 8 keys: two rows at once (rows = 2) while
// their accumulators fit in registers (nullptr past that), or one row.
score_rows_fn score_rows_for(int64_t blocks, int rows) {
  static constexpr score_rows_fn two[] = {score_rows<1, 2>, score_rows<2, 2>, score_rows<3, 2>,
                                          score_rows<4, 2>, score_rows<5, 2>, score_rows<6, 2>};
  static constexpr score_rows_fn one[] = {score_rows<1, 1>, score_rows<2, 1>, score_rows<3, 1>, score_rows<4, 1>,
                                          score_rows<5, 1>, score_rows<6, 1>, score_rows<7, 1>, score_rows<8, 1>};
  if (rows == 2) return blocks <= static_cast<int64_t>(std::size(two)) ? two[blocks - 1] : nullptr;
  return one[blocks - 1];
}

// Softmax over p[0, n8) in place (n8 % 8 == 0; -inf entries become 0).
// Returns 1 / sum so that the caller can fold the normalization into its
// weighted sum of values instead of a pass over p.
__attribute__((target("avx2,fma"))) float softmax_unnormalized(float* p, int64_t n8) {
  __m256 vmx = _mm256_load_ps(p);
  for (int64_t j = 8; j < n8; j += 8) vmx = _mm256_max_ps(vmx, _mm256_load_ps(p + j));
  vmx = _mm256_max_ps(vmx, _mm256_permute2f128_ps(vmx, vmx, 1));
  vmx = _mm256_max_ps(vmx, _mm256_permute_ps(vmx, 0x4e));
  vmx = _mm256_max_ps(vmx, _mm256_permute_ps(vmx, 0xb1));
  const __m256 neg_inf = _mm256_set1_ps(-INFINITY);
  __m256 vsum = _mm256_setzero_ps();
  for (int64_t j = 0; j < n8; j += 8) {
    const __m256 s = _mm256_load_ps(p + j);
    // exp_nonpositive clamps at -87 (~1e-38), so padding is masked to an exact 0.
    const __m256 e = _mm256_andnot_ps(_mm256_cmp_ps(s, neg_inf, _CMP_EQ_OQ),
                                      exp_nonpositive_avx2(_mm256_sub_ps(s, vmx)));
    _mm256_store_ps(p + j, e);
    vsum = _mm256_add_ps(vsum, e);
  }
  return 1.f / hsum8(vsum);
}

// ctx rows i0 and i1 = sum_j p_ij v_j * inv_i over columns [c0, c0 + 8 * C).
// Two rows at once give 2 * C independent chains of multiply-adds, enough to
// hide their latency at C = 4; the accumulators are named values so that they
// stay in registers.
template <int C>
__attribute__((target("avx2,fma"), always_inline)) inline void weighted_columns(
    const float* p0, const float* p1, float inv0, float inv1, const float* val, int64_t stride, int64_t len,
    int64_t c0, float* o0, float* o1) {
  static_assert(C >= 1 && C <= 4, "columns per pass");
  const __m256 z = _mm256_setzero_ps();
  __m256 a0 = z, a1 = z, a2 = z, a3 = z, b0 = z, b1 = z, b2 = z, b3 = z;
  for (int64_t j = 0; j < len; ++j) {
    const __m256 x0 = _mm256_broadcast_ss(p0 + j), x1 = _mm256_broadcast_ss(p1 + j);
    const float* vj = val + j * stride + c0;
    __m256 v = _mm256_loadu_ps(vj);
    a0 = _mm256_fmadd_ps(x0, v, a0);
    b0 = _mm256_fmadd_ps(x1, v, b0);
    if constexpr (C > 1) {
      v = _mm256_loadu_ps(vj + 8);
      a1 = _mm256_fmadd_ps(x0, v, a1);
      b1 = _mm256_fmadd_ps(x1, v, b1);
    }
    if constexpr (C > 2) {
      v = _mm256_loadu_ps(vj + 16);
      a2 = _mm256_fmadd_ps(x0, v, a2);
      b2 = _mm256_fmadd_ps(x1, v, b2);
    }
    if constexpr (C > 3) {
      v = _mm256_loadu_ps(vj + 24);
      a3 = _mm256_fmadd_ps(x0, v, a3);
      b3 = _mm256_fmadd_ps(x1, v, b3);
    }
  }
  const __m256 s0 = _mm256_set1_ps(inv0), s1 = _mm256_set1_ps(inv1);
  _mm256_storeu_ps(o0 + c0, _mm256_mul_ps(a0, s0));
  _mm256_storeu_ps(o1 + c0, _mm256_mul_ps(b0, s1));
  if constexpr (C > 1) {
    _mm256_storeu_ps(o0 + c0 + 8, _mm256_mul_ps(a1, s0));
    _mm256_storeu_ps(o1 + c0 + 8, _mm256_mul_ps(b1, s1));
  }
  if constexpr (C > 2) {
    _mm256_storeu_ps(o0 + c0 + 16, _mm256_mul_ps(a2, s0));
    _mm256_storeu_ps(o1 + c0 + 16, _mm256_mul_ps(b2, s1));
  }
  if constexpr (C > 3) {
    _mm256_storeu_ps(o0 + c0 + 24, _mm256_mul_ps(a3, s0));
    _mm256_storeu_ps(o1 + c0 + 24, _mm256_mul_ps(b3, s1));
  }
}

// All d columns of rows i0 and i1 (i1 may equal i0: an odd last row).
__attribute__((target("avx2,fma"))) void weighted_values2(const float* p0, const float* p1, float inv0, float inv1,
                                                          const float* val, int64_t stride, int64_t len, int64_t d,
                                                          float* o0, float* o1) {
  int64_t c0 = 0;
  for (; c0 + 32 <= d; c0 += 32) weighted_columns<4>(p0, p1, inv0, inv1, val, stride, len, c0, o0, o1);
  for (; c0 < d; c0 += 8) weighted_columns<1>(p0, p1, inv0, inv1, val, stride, len, c0, o0, o1);
}

// attend_one for len <= small_seq: keys transposed once per head, scores 8
// keys per vector, the softmax on whole vectors (no scalar exp for a ragged
// tail) and its normalization folded into the weighted sum. `kt` holds
// d * round_up(len, 8) floats. REQUIRES d % 8 == 0.
__attribute__((target("avx2,fma"))) void attend_small_avx2(const float* q, const float* k, const float* val,
                                                           int64_t stride, float* out, int64_t out_stride,
                                                           int64_t len, int64_t d, float scale, float* kt) {
  alignas(32) float p[2][small_seq];
  const int64_t n8 = (len + 7) / 8 * 8, blocks = n8 / 8;
  transpose_keys(k, stride, len, d, n8, kt);
  const score_rows_fn score2 = score_rows_for(blocks, 2), score1 = score_rows_for(blocks, 1);
  for (int64_t i = 0; i < len; i += 2) {
    const int64_t i1 = std::min(i + 1, len - 1);
    if (score2 && i1 != i) {
      score2(q + i * stride, q + i1 * stride, kt, d, len, scale, p[0], p[1]);
    } else {
      score1(q + i * stride, nullptr, kt, d, len, scale, p[0], nullptr);
      if (i1 != i) score1(q + i1 * stride, nullptr, kt, d, len, scale, p[1], nullptr);
    }
    const float inv0 = softmax_unnormalized(p[0], n8);
    const float inv1 = i1 != i ? softmax_unnormalized(p[1], n8) : inv0;
    weighted_values2(p[0], i1 != i ? p[1] : p[0], inv0, inv1, val, stride, len, d, out + i * out_stride,
                     out + i1 * out_stride);
  }
}
#endif

// One (sequence, head): scores[i, j] = q_i . k_j * scale over j < len, softmax,
// then ctx_i = sum_j p_ij v_j. `scores` holds len * len floats, and at least
// d * round_up(len, 8) for the small path.
void attend_one(const attention_op& o, const view& v, int64_t b, int64_t h, int64_t len,
                float* scores) {
  const int64_t d = o.head_dim;
  const float* q = v.qkv + b * o.seq_len * v.qkv_stride + h * d;
  const float* k = q + v.hidden;
  const float* val = q + 2 * v.hidden;
  float* out = v.out + b * o.seq_len * v.out_stride + h * d;
#if defined(__x86_64__)
  if (len <= small_seq && d % 8 == 0 && has_avx2_fma()) {
    attend_small_avx2(q, k, val, v.qkv_stride, out, v.out_stride, len, d, o.scale, scores);
    return;
  }
#endif
#if defined(WINNOW_HAVE_DNNL)
  const bool via_dnnl = dnnl_sgemm('N', 'T', len, len, d, o.scale, q, v.qkv_stride, k,
                                   v.qkv_stride, 0.f, scores, len) == dnnl_success;
#else
  const bool via_dnnl = false;
#endif
  if (!via_dnnl) {
    for (int64_t i = 0; i < len; ++i) {
      for (int64_t j = 0; j < len; ++j) {
        float acc = 0.f;
        for (int64_t c = 0; c < d; ++c) acc += q[i * v.qkv_stride + c] * k[j * v.qkv_stride + c];
        scores[i * len + j] = acc * o.scale;
      }
    }
  }
  for (int64_t i = 0; i < len; ++i) softmax_row(scores + i * len, len);
#if defined(WINNOW_HAVE_DNNL)
  if (dnnl_sgemm('N', 'N', len, d, len, 1.f, scores, len, val, v.qkv_stride, 0.f, out,
                 v.out_stride) == dnnl_success) {
    return;
  }
#endif
  for (int64_t i = 0; i < len; ++i) {
    float* o_row = out + i * v.out_stride;
    for (int64_t c = 0; c < d; ++c) o_row[c] = 0.f;
    for (int64_t j = 0; j < len; ++j) {
      const float p = scores[i * len + j];
      const float* v_row = val + j * v.qkv_stride;
      for (int64_t c = 0; c < d; ++c) o_row[c] += p * v_row[c];
    }
  }
}

}  // namespace

void attention_ref(const attention_op& o) {
  const view v = make_view(o);
  const int64_t d = o.head_dim;
  std::vector<double> p(static_cast<size_t>(o.seq_len));
  for (int64_t b = 0; b < o.batch; ++b) {
    const int64_t len = clamp_length(o, b);
    for (int64_t h = 0; h < o.heads; ++h) {
      for (int64_t i = 0; i < len; ++i) {
        const float* q = v.qkv + (b * o.seq_len + i) * v.qkv_stride + h * d;
        double mx = -INFINITY;
        for (int64_t j = 0; j < len; ++j) {
          const float* k = v.qkv + (b * o.seq_len + j) * v.qkv_stride + v.hidden + h * d;
          double acc = 0.0;
          for (int64_t c = 0; c < d; ++c) acc += static_cast<double>(q[c]) * k[c];
          p[j] = acc * o.scale;
          mx = std::max(mx, p[j]);
        }
        double sum = 0.0;
        for (int64_t j = 0; j < len; ++j) { p[j] = std::exp(p[j] - mx); sum += p[j]; }
        float* out = v.out + (b * o.seq_len + i) * v.out_stride + h * d;
        for (int64_t c = 0; c < d; ++c) {
          double acc = 0.0;
          for (int64_t j = 0; j < len; ++j) {
            acc += p[j] * v.qkv[(b * o.seq_len + j) * v.qkv_stride + 2 * v.hidden + h * d + c];
          }
          out[c] = static_cast<float>(acc / sum);
        }
      }
    }
    zero_padding_rows(o, v, b, len);
  }
}

void attention_fast(const attention_op& o, int threads) {
  const view v = make_view(o);
  const int64_t jobs = static_cast<int64_t>(o.batch) * o.heads;
#pragma omp parallel num_threads(threads) if (threads > 1 && jobs > 1)
  {
    // The general path's scores matrix, or the small path's transposed keys.
    const int64_t n8 = (std::min<int64_t>(o.seq_len, small_seq) + 7) / 8 * 8;
    std::vector<float> scores(static_cast<size_t>(std::max<int64_t>(o.seq_len * o.seq_len, o.head_dim * n8)));
#pragma omp for schedule(dynamic)
    for (int64_t job = 0; job < jobs; ++job) {
      const int64_t b = job / o.heads, h = job % o.heads;
      const int64_t len = clamp_length(o, b);
      if (len > 0) attend_one(o, v, b, h, len, scores.data());
    }
  }
  for (int64_t b = 0; b < o.batch; ++b) zero_padding_rows(o, v, b, clamp_length(o, b));
}

}  // namespace winnow::kernels::cpu
