#pragma once
// Per-element and per-row arithmetic shared by the CPU and CUDA kernels.
//
// Every function here is `WINNOW_HD` (__host__ __device__ under nvcc, plain
// inline elsewhere), so the CUDA kernels and the CPU code run the very same
// formulas and tests/kernels/hd_math_test.cpp checks them on every CI run,
// GPU or not. Nothing here allocates, loops over memory it does not own, or
// touches CUDA types; a kernel supplies the loop and the reduction, these
// functions supply the arithmetic of one element or one row statistic.
//
// [HD_ROUNDING] Quantization computes rint(x * (127 / absmax)): round half
// to even (the default rounding mode; cvt.rni on the GPU), multiplying by the
// inverse computed once per row. This is exactly what the CPU reference
// (kernels/cpu/quantize_rows.cpp) does, so int8 outputs compare bit-exactly
// across backends; it can differ from round(x / scale) by one step on ties.

#include <cmath>
#include <cstdint>

#if defined(__CUDACC__)
#define WINNOW_HD __host__ __device__ __forceinline__
#else
#define WINNOW_HD inline
#endif

namespace winnow::kernels::hd {

// Symmetric per-row int8 scale: max|x| / 127, 0 for an all-zero row.
WINNOW_HD float s8_scale_from_absmax(float absmax) { return absmax / 127.0f; }

// The per-row multiplier of quantize_s8: 127 / absmax, 0 for an all-zero row.
WINNOW_HD float s8_inv_scale_from_absmax(float absmax) { return absmax > 0.0f ? 127.0f / absmax : 0.0f; }

// One element of quantize_rows_f32_s8 (see [HD_ROUNDING]). A zero multiplier
// (all-zero row) yields 0; the clamp only guards rounding at |x| == absmax.
WINNOW_HD int8_t quantize_s8(float x, float inv_scale) {
  float q = rintf(x * inv_scale);
  q = q > 127.0f ? 127.0f : (q < -127.0f ? -127.0f : q);
  return static_cast<int8_t>(q);
}

// Dot product of four packed int8 pairs, as the dp4a instruction computes it.
WINNOW_HD int32_t dot4_s8(int32_t a, int32_t b, int32_t acc) {
#if defined(__CUDA_ARCH__)
  return __dp4a(a, b, acc);
#else
  for (int i = 0; i < 4; ++i) {
    const int32_t x = static_cast<int8_t>(static_cast<uint32_t>(a) >> (8 * i));
    const int32_t y = static_cast<int8_t>(static_cast<uint32_t>(b) >> (8 * i));
    acc += x * y;
  }
  return acc;
#endif
}

// Epilogue of gemm_s8s8_f32: exact int32 accumulator -> f32 output.
WINNOW_HD float dequant_s32(int32_t acc, float a_scale, float b_scale, float bias) {
  return static_cast<float>(acc) * (a_scale * b_scale) + bias;
}

// BERT's exact GELU: x * 0.5 * (1 + erf(x / sqrt(2))).
WINNOW_HD float gelu_erf(float x) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }

// Running mean / M2 (Welford) so a row's statistics can be built from
// per-thread partials and merged in any order with good accuracy.
struct welford {
  float mean = 0.0f;
  float m2 = 0.0f;
  float count = 0.0f;
};

WINNOW_HD welford welford_add(welford w, float x) {
  w.count += 1.0f;
  const float d = x - w.mean;
  w.mean += d / w.count;
  w.m2 += d * (x - w.mean);
  return w;
}

WINNOW_HD welford welford_merge(welford a, welford b) {
  if (b.count == 0.0f) return a;
  if (a.count == 0.0f) return b;
  welford r;
  r.count = a.count + b.count;
  const float d = b.mean - a.mean;
  const float fb = b.count / r.count;
  r.mean = a.mean + d * fb;
  r.m2 = a.m2 + b.m2 + d * d * a.count * fb;
  return r;
}

// 1 / sqrt(variance + eps) with the population variance (as LayerNorm uses).
WINNOW_HD float layernorm_rstd(welford w, float eps) {
  const float var = w.count > 0.0f ? w.m2 / w.count : 0.0f;
  return 1.0f / sqrtf((var > 0.0f ? var : 0.0f) + eps);
}

WINNOW_HD float layernorm_apply(float x, float mean, float rstd, float gamma, float beta) {
  return (x - mean) * rstd * gamma + beta;
}

// Online softmax [HD_ONLINE_SOFTMAX]: scores arrive in chunks; the state keeps
// the running max and the running sum of exp(score - max). When the max grows,
// everything accumulated so far (the sum and the weighted value sums held by
// the caller) is multiplied by `rescale`. Masked keys are simply never added.
struct softmax_state {
  float max = -INFINITY;
  float sum = 0.0f;
};

// Folds a new chunk maximum in; returns the factor the caller must apply to
// its accumulators (1 when the max did not change, 0 for the first chunk).
WINNOW_HD float softmax_raise_max(softmax_state& s, float chunk_max) {
  if (!(chunk_max > s.max)) return 1.0f;
  const float rescale = s.max == -INFINITY ? 0.0f : expf(s.max - chunk_max);
  s.sum *= rescale;
  s.max = chunk_max;
  return rescale;
}

// Weight of one score under the current max (REQUIRES: softmax_raise_max saw it).
WINNOW_HD float softmax_weight(const softmax_state& s, float score) { return expf(score - s.max); }

// 1 / sum, or 0 when no key was seen (a zero-length sequence).
WINNOW_HD float softmax_inv_sum(const softmax_state& s) { return s.sum > 0.0f ? 1.0f / s.sum : 0.0f; }

// L2 normalization factor: 1 / max(||v||, tiny) so a zero vector stays zero.
WINNOW_HD float l2_inv_norm(float sum_squares) {
  const float n = sqrtf(sum_squares);
  return n > 1e-12f ? 1.0f / n : 0.0f;
}

// Integer ceil-division for grid sizes.
WINNOW_HD int64_t div_up(int64_t a, int64_t b) { return (a + b - 1) / b; }

}  // namespace winnow::kernels::hd
