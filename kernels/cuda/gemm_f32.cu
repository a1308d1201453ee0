#include "kernels/cuda/gemm_f32.cuh"

#include "kernels/cuda/cublaslt_plans.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

constexpr int f32_tile = 16;

__global__ void gemm_f32_tiled_kernel(const float* __restrict__ a, int64_t lda, const float* __restrict__ b,
                                      int64_t ldb, const float* __restrict__ bias, float* __restrict__ out,
                                      int64_t ldo, int64_t m_rows, int64_t n_cols, int64_t k_len) {
  __shared__ float sa[f32_tile][f32_tile + 1];
  __shared__ float sb[f32_tile][f32_tile + 1];
  const int tx = threadIdx.x, ty = threadIdx.y;
  const int64_t m = static_cast<int64_t>(blockIdx.y) * f32_tile + ty;
  const int64_t n = static_cast<int64_t>(blockIdx.x) * f32_tile + tx;
  const int64_t nb = static_cast<int64_t>(blockIdx.x) * f32_tile + ty;  // row of b this thread stages
  float acc = 0.0f;
  for (int64_t k0 = 0; k0 < k_len; k0 += f32_tile) {
    sa[ty][tx] = (m < m_rows && k0 + tx < k_len) ? a[m * lda + k0 + tx] : 0.0f;
    sb[ty][tx] = (nb < n_cols && k0 + tx < k_len) ? b[nb * ldb + k0 + tx] : 0.0f;
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < f32_tile; ++kk) acc += sa[ty][kk] * sb[tx][kk];
    __syncthreads();
  }
  if (m < m_rows && n < n_cols) out[m * ldo + n] = acc + (bias != nullptr ? bias[n] : 0.0f);
}

status validate(const gemm_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_f32.a", o.a, dtype::f32, -1, -1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_f32.b", o.b, dtype::f32, -1, o.a.cols));
  WINNOW_RETURN_IF_ERROR(expect_optional("gemm_f32.bias", o.bias, dtype::f32, 1, o.b.rows));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_f32.out", o.out, dtype::f32, o.a.rows, o.b.rows));
  return status::ok_status();
}

}  // namespace

status gemm_f32_own_tiled(context& ctx, const gemm_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(validate(o));
  const int64_t m = o.a.rows, n = o.b.rows, k = o.a.cols;
  if (m == 0 || n == 0) return status::ok_status();
  const dim3 block(f32_tile, f32_tile);
  const dim3 grid(static_cast<unsigned>(hd::div_up(n, f32_tile)), static_cast<unsigned>(hd::div_up(m, f32_tile)));
  gemm_f32_tiled_kernel<<<grid, block, 0, ctx.stream>>>(
      data_of<const float>(o.a), o.a.row_stride, data_of<const float>(o.b), o.b.row_stride,
      o.bias.empty() ? nullptr : data_of<const float>(o.bias), data_of<float>(o.out), o.out.row_stride, m, n, k);
  return check_launch("gemm_f32_tiled_kernel");
}

status cuda_op_gemm_f32(context& ctx, const gemm_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(validate(o));
  const int64_t m = o.a.rows, n = o.b.rows, k = o.a.cols;
  if (m == 0 || n == 0) return status::ok_status();
  const bool lt_ok = o.a.row_stride % 4 == 0 && o.b.row_stride % 4 == 0 && o.out.row_stride % 4 == 0 &&
                     aligned_to(o.a.data, 16) && aligned_to(o.b.data, 16) && aligned_to(o.out.data, 16) &&
                     (o.bias.empty() || aligned_to(o.bias.data, 16));
  if (lt_ok && k > 0) {
    const lt_problem p{lt_kind::f32_f32_f32, m, n, k, o.a.row_stride, o.b.row_stride, o.out.row_stride, !o.bias.empty()};
    status s = ctx.plans->matmul(ctx, p, o.a.data, o.b.data,
                                 o.bias.empty() ? nullptr : data_of<const float>(o.bias), o.out.data);
    if (s.code() != status_code::unsupported) return s;
  }
  return gemm_f32_own_tiled(ctx, o);
}

}  // namespace winnow::kernels::cuda
