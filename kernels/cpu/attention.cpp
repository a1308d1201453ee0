// attention: masked multi-head self-attention over a padded batch.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
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

#if defined(__x86_64__)
// Sequences up to this long skip oneDNN: for a ~20-token query its two sgemm
// calls per head cost more in dispatch than the 13k multiply-adds they do
// (~6% of a query's time in 144 calls).
constexpr int64_t small_seq = 64;

__attribute__((target("avx2,fma"))) inline float hsum8(__m256 v) {
  const __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  const __m128 t = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(t, _mm_movehdup_ps(t)));
}

// attend_one's arithmetic with AVX2 dot products. REQUIRES d % 8 == 0.
__attribute__((target("avx2,fma"))) void attend_small_avx2(const float* q, const float* k, const float* val,
                                                           int64_t stride, float* out, int64_t out_stride,
                                                           int64_t len, int64_t d, float scale, float* scores) {
  for (int64_t i = 0; i < len; ++i) {
    const float* qi = q + i * stride;
    for (int64_t j = 0; j < len; ++j) {
      const float* kj = k + j * stride;
      __m256 acc = _mm256_mul_ps(_mm256_loadu_ps(qi), _mm256_loadu_ps(kj));
      for (int64_t c = 8; c < d; c += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(qi + c), _mm256_loadu_ps(kj + c), acc);
      scores[i * len + j] = hsum8(acc) * scale;
    }
    softmax_row_avx2(scores + i * len, len);
    // ctx_i = sum_j p_ij v_j, 32 columns per pass held in registers.
    float* o_row = out + i * out_stride;
    for (int64_t c0 = 0; c0 < d; c0 += 32) {
      const int64_t chunks = std::min<int64_t>(4, (d - c0) / 8);
      __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
      for (int64_t j = 0; j < len; ++j) {
        const __m256 p = _mm256_set1_ps(scores[i * len + j]);
        const float* vj = val + j * stride + c0;
        a0 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj), a0);
        if (chunks > 1) a1 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 8), a1);
        if (chunks > 2) a2 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 16), a2);
        if (chunks > 3) a3 = _mm256_fmadd_ps(p, _mm256_loadu_ps(vj + 24), a3);
      }
      _mm256_storeu_ps(o_row + c0, a0);
      if (chunks > 1) _mm256_storeu_ps(o_row + c0 + 8, a1);
      if (chunks > 2) _mm256_storeu_ps(o_row + c0 + 16, a2);
      if (chunks > 3) _mm256_storeu_ps(o_row + c0 + 24, a3);
    }
  }
}
#endif

// One (sequence, head): scores[i, j] = q_i . k_j * scale over j < len, softmax,
// then ctx_i = sum_j p_ij v_j. `scores` holds len * len floats.
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
    std::vector<float> scores(static_cast<size_t>(o.seq_len) * o.seq_len);
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
