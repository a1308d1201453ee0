#include "kernels/cuda/gelu.cuh"

#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

// Grid-stride over rows (y) and columns (x): strided views stay correct and
// contiguous rows still coalesce. No __restrict__: out may alias x.
__global__ void gelu_f32_kernel(const float* x, int64_t x_stride, float* out, int64_t out_stride,
                                int64_t rows, int64_t cols) {
  for (int64_t r = blockIdx.y; r < rows; r += gridDim.y) {
    for (int64_t c = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; c < cols;
         c += static_cast<int64_t>(gridDim.x) * blockDim.x) {
      out[r * out_stride + c] = hd::gelu_erf(x[r * x_stride + c]);
    }
  }
}

}  // namespace

status gelu_f32_cuda(const float* x, int64_t x_stride, float* out, int64_t out_stride, int64_t rows,
                     int64_t cols, cudaStream_t stream) {
  if (rows == 0 || cols == 0) return status::ok_status();
  constexpr int threads = 256;
  const dim3 grid(static_cast<unsigned>(hd::div_up(cols, threads)),
                  static_cast<unsigned>(rows < 65535 ? rows : 65535));
  gelu_f32_kernel<<<grid, threads, 0, stream>>>(x, x_stride, out, out_stride, rows, cols);
  return check_launch("gelu_f32_kernel");
}

status cuda_op_gelu(context& ctx, const gelu_op& o) {
  WINNOW_RETURN_IF_ERROR(expect_tensor("gelu.x", o.x, dtype::f32, -1, -1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gelu.out", o.out, dtype::f32, o.x.rows, o.x.cols));
  return gelu_f32_cuda(data_of<const float>(o.x), o.x.row_stride, data_of<float>(o.out), o.out.row_stride,
                       o.x.rows, o.x.cols, ctx.stream);
}

}  // namespace winnow::kernels::cuda
