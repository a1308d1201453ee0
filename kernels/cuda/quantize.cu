#include "kernels/cuda/quantize.cuh"

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

constexpr int rows_per_block = 8;  // one warp per row

__global__ void quantize_rows_f32_s8_kernel(const float* __restrict__ in, int64_t in_stride,
                                            int8_t* __restrict__ out, int64_t out_stride,
                                            float* __restrict__ scales, int64_t rows, int64_t cols) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * rows_per_block + threadIdx.y;
  if (row >= rows) return;
  const float* x = in + row * in_stride;
  float absmax = 0.0f;
  for (int64_t c = threadIdx.x; c < cols; c += 32) absmax = fmaxf(absmax, fabsf(x[c]));
  absmax = warp_max(absmax);
  const float inv = hd::s8_inv_scale_from_absmax(absmax);
  int8_t* y = out + row * out_stride;
  for (int64_t c = threadIdx.x; c < cols; c += 32) y[c] = hd::quantize_s8(x[c], inv);
  if (threadIdx.x == 0) scales[row] = hd::s8_scale_from_absmax(absmax);
}

}  // namespace

status quantize_rows_f32_s8_cuda(const float* in, int64_t in_stride, int8_t* out, int64_t out_stride,
                                 float* scales, int64_t rows, int64_t cols, cudaStream_t stream) {
  if (rows == 0) return status::ok_status();
  const dim3 block(32, rows_per_block);
  const dim3 grid(static_cast<unsigned>(hd::div_up(rows, rows_per_block)));
  quantize_rows_f32_s8_kernel<<<grid, block, 0, stream>>>(in, in_stride, out, out_stride, scales, rows, cols);
  return check_launch("quantize_rows_f32_s8_kernel");
}

status cuda_op_quantize_rows_f32_s8(context& ctx, const quantize_rows_f32_s8_op& o) {
  WINNOW_RETURN_IF_ERROR(expect_tensor("quantize.in", o.in, dtype::f32, -1, -1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("quantize.out", o.out, dtype::s8, o.in.rows, o.in.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("quantize.scales", o.scales, dtype::f32, o.in.rows, 1));
  return quantize_rows_f32_s8_cuda(data_of<const float>(o.in), o.in.row_stride, data_of<int8_t>(o.out),
                                   o.out.row_stride, data_of<float>(o.scales), o.in.rows, o.in.cols,
                                   ctx.stream);
}

}  // namespace winnow::kernels::cuda
