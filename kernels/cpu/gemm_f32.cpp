// gemm_f32: out = a * b^T + bias in fp32 (the reference-precision path).
#include <cstdint>

#include "kernels/cpu/cpu_ops.hpp"

#if defined(WINNOW_HAVE_DNNL)
#include <oneapi/dnnl/dnnl.h>
#endif

namespace winnow::kernels::cpu {
namespace {

void add_bias(const gemm_f32_op& o) {
  if (o.bias.empty()) return;
  const auto* bias = static_cast<const float*>(o.bias.data);
  for (int64_t m = 0; m < o.out.rows; ++m) {
    float* row = static_cast<float*>(o.out.data) + m * o.out.row_stride;
    for (int64_t n = 0; n < o.out.cols; ++n) row[n] += bias[n];
  }
}

// Blocked portable fallback: four output channels per pass over a row.
void gemm_f32_generic(const gemm_f32_op& o) {
  const auto* a = static_cast<const float*>(o.a.data);
  const auto* b = static_cast<const float*>(o.b.data);
  auto* out = static_cast<float*>(o.out.data);
  const int64_t k_dim = o.a.cols;
  for (int64_t m = 0; m < o.a.rows; ++m) {
    const float* ar = a + m * o.a.row_stride;
    for (int64_t n = 0; n < o.b.rows; ++n) {
      const float* br = b + n * o.b.row_stride;
      float acc = 0.f;
      for (int64_t k = 0; k < k_dim; ++k) acc += ar[k] * br[k];
      out[m * o.out.row_stride + n] = acc;
    }
  }
}

}  // namespace

void gemm_f32_ref(const gemm_f32_op& o) {
  const auto* a = static_cast<const float*>(o.a.data);
  const auto* b = static_cast<const float*>(o.b.data);
  auto* out = static_cast<float*>(o.out.data);
  for (int64_t m = 0; m < o.a.rows; ++m) {
    for (int64_t n = 0; n < o.b.rows; ++n) {
      double acc = 0.0;  // double so that the oracle's own rounding is negligible
      for (int64_t k = 0; k < o.a.cols; ++k) {
        acc += static_cast<double>(a[m * o.a.row_stride + k]) * b[n * o.b.row_stride + k];
      }
      out[m * o.out.row_stride + n] = static_cast<float>(acc);
    }
  }
  add_bias(o);
}

void gemm_f32_fast(const gemm_f32_op& o, int threads) {
#if defined(WINNOW_HAVE_DNNL)
  // oneDNN's sgemm is row-major: C[M,N] = A[M,K] * B^T with B stored [N,K].
  (void)threads;  // oneDNN's OpenMP team follows omp_set_num_threads (cpu_backend::run)
  dnnl_status_t st = dnnl_sgemm('N', 'T', o.a.rows, o.b.rows, o.a.cols, 1.f,
                                static_cast<const float*>(o.a.data), o.a.row_stride,
                                static_cast<const float*>(o.b.data), o.b.row_stride, 0.f,
                                static_cast<float*>(o.out.data), o.out.row_stride);
  if (st != dnnl_success) gemm_f32_generic(o);
#else
  (void)threads;
  gemm_f32_generic(o);
#endif
  add_bias(o);
}

}  // namespace winnow::kernels::cpu
