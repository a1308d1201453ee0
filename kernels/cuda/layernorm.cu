#include "kernels/cuda/layernorm.cuh"

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

constexpr int rows_per_block = 8;  // one warp per row

// Two passes over the row: statistics, then normalize. The sum x + residual
// is recomputed in pass two rather than stored, because `out` may alias `x`
// and each lane reads its elements before writing them (same lane, same c).
__global__ void add_residual_layernorm_f32_kernel(const float* x, int64_t x_stride, const float* residual,
                                                  int64_t residual_stride, const float* __restrict__ gamma,
                                                  const float* __restrict__ beta, float eps, float* out,
                                                  int64_t out_stride, int64_t rows, int64_t cols) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * rows_per_block + threadIdx.y;
  if (row >= rows) return;
  const float* xr = x + row * x_stride;
  const float* rr = residual != nullptr ? residual + row * residual_stride : nullptr;
  const hd::welford w = warp_row_welford(xr, rr, cols);
  const float rstd = hd::layernorm_rstd(w, eps);
  float* yr = out + row * out_stride;
  for (int64_t c = threadIdx.x; c < cols; c += 32) {
    const float v = xr[c] + (rr ? rr[c] : 0.0f);
    yr[c] = hd::layernorm_apply(v, w.mean, rstd, gamma[c], beta[c]);
  }
}

}  // namespace

status add_residual_layernorm_f32_cuda(const float* x, int64_t x_stride, const float* residual,
                                       int64_t residual_stride, const float* gamma, const float* beta,
                                       float eps, float* out, int64_t out_stride, int64_t rows,
                                       int64_t cols, cudaStream_t stream) {
  if (rows == 0) return status::ok_status();
  const dim3 block(32, rows_per_block);
  const dim3 grid(static_cast<unsigned>(hd::div_up(rows, rows_per_block)));
  add_residual_layernorm_f32_kernel<<<grid, block, 0, stream>>>(x, x_stride, residual, residual_stride, gamma,
                                                                beta, eps, out, out_stride, rows, cols);
  return check_launch("add_residual_layernorm_f32_kernel");
}

status cuda_op_add_residual_layernorm(context& ctx, const add_residual_layernorm_op& o) {
  WINNOW_RETURN_IF_ERROR(expect_tensor("layernorm.x", o.x, dtype::f32, -1, -1));
  WINNOW_RETURN_IF_ERROR(expect_optional("layernorm.residual", o.residual, dtype::f32, o.x.rows, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("layernorm.gamma", o.gamma, dtype::f32, 1, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("layernorm.beta", o.beta, dtype::f32, 1, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("layernorm.out", o.out, dtype::f32, o.x.rows, o.x.cols));
  return add_residual_layernorm_f32_cuda(
      data_of<const float>(o.x), o.x.row_stride, o.residual.empty() ? nullptr : data_of<const float>(o.residual),
      o.residual.row_stride, data_of<const float>(o.gamma), data_of<const float>(o.beta), o.eps,
      data_of<float>(o.out), o.out.row_stride, o.x.rows, o.x.cols, ctx.stream);
}

}  // namespace winnow::kernels::cuda
