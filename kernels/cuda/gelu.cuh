#pragma once
// gelu: BERT's exact (erf) GELU, elementwise; `out` may alias `x`.

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status gelu_f32_cuda(const float* x, int64_t x_stride, float* out, int64_t out_stride, int64_t rows,
                     int64_t cols, cudaStream_t stream);

status cuda_op_gelu(context& ctx, const gelu_op& o);

}  // namespace winnow::kernels::cuda
