#include "kernels/cuda/layernorm_quantize.cuh"

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

constexpr int rows_per_block = 8;  // one warp per row

// Pass 1: the row's statistics (as add_residual_layernorm_f32_kernel).
// Pass 2: normalize, write f32, track max |y|. Pass 3: quantize what this
// lane itself wrote in pass 2 (same lane, same c: no other thread's write is
// read, so no barrier is needed; `out` may alias `x` for the same reason).
__global__ void __launch_bounds__(rows_per_block * 32)
residual_layernorm_quantize_kernel(const float* x, int64_t x_stride, const float* residual, int64_t residual_stride,
                                   const float* __restrict__ gamma, const float* __restrict__ beta, float eps,
                                   float* out, int64_t out_stride, int8_t* __restrict__ q, int64_t q_stride,
                                   float* __restrict__ q_scales, int64_t q_scales_stride, int64_t rows,
                                   int64_t cols) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * rows_per_block + threadIdx.y;
  if (row >= rows) return;
  const float* xr = x + row * x_stride;
  const float* rr = residual != nullptr ? residual + row * residual_stride : nullptr;
  const hd::welford w = warp_row_welford(xr, rr, cols);
  const float rstd = hd::layernorm_rstd(w, eps);
  float* yr = out + row * out_stride;
  float absmax = 0.0f;
  for (int64_t c = threadIdx.x; c < cols; c += 32) {
    const float v = xr[c] + (rr ? rr[c] : 0.0f);
    const float y = hd::layernorm_apply(v, w.mean, rstd, gamma[c], beta[c]);
    yr[c] = y;
    absmax = fmaxf(absmax, fabsf(y));
  }
  absmax = warp_max(absmax);
  const float inv = hd::s8_inv_scale_from_absmax(absmax);
  int8_t* qr = q + row * q_stride;
  for (int64_t c = threadIdx.x; c < cols; c += 32) qr[c] = hd::quantize_s8(yr[c], inv);
  if (threadIdx.x == 0) q_scales[row * q_scales_stride] = hd::s8_scale_from_absmax(absmax);
}

}  // namespace

status cuda_op_residual_layernorm_quantize(context& ctx, const residual_layernorm_quantize_op& o) {
  WINNOW_RETURN_IF_ERROR(expect_tensor("residual_layernorm_quantize.x", o.x, dtype::f32, -1, -1));
  WINNOW_RETURN_IF_ERROR(
      expect_optional("residual_layernorm_quantize.residual", o.residual, dtype::f32, o.x.rows, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("residual_layernorm_quantize.gamma", o.gamma, dtype::f32, 1, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("residual_layernorm_quantize.beta", o.beta, dtype::f32, 1, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("residual_layernorm_quantize.out", o.out, dtype::f32, o.x.rows, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("residual_layernorm_quantize.q", o.q, dtype::s8, o.x.rows, o.x.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("residual_layernorm_quantize.q_scales", o.q_scales, dtype::f32, o.x.rows, 1));
  if (o.x.rows == 0) return status::ok_status();
  const dim3 block(32, rows_per_block);
  const dim3 grid(static_cast<unsigned>(hd::div_up(o.x.rows, rows_per_block)));
  residual_layernorm_quantize_kernel<<<grid, block, 0, ctx.stream>>>(
      data_of<const float>(o.x), o.x.row_stride, o.residual.empty() ? nullptr : data_of<const float>(o.residual),
      o.residual.row_stride, data_of<const float>(o.gamma), data_of<const float>(o.beta), o.eps,
      data_of<float>(o.out), o.out.row_stride, data_of<int8_t>(o.q), o.q.row_stride, data_of<float>(o.q_scales),
      o.q_scales.row_stride, o.x.rows, o.x.cols);
  return check_launch("residual_layernorm_quantize_kernel");
}

}  // namespace winnow::kernels::cuda
