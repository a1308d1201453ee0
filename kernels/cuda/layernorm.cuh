#pragma once
// add_residual_layernorm: out = LayerNorm(x + residual) * gamma + beta per row
// (one warp per row, Welford statistics); `out` may alias `x`.

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status add_residual_layernorm_f32_cuda(const float* x, int64_t x_stride, const float* residual,
                                       int64_t residual_stride, const float* gamma, const float* beta,
                                       float eps, float* out, int64_t out_stride, int64_t rows,
                                       int64_t cols, cudaStream_t stream);

status cuda_op_add_residual_layernorm(context& ctx, const add_residual_layernorm_op& o);

}  // namespace winnow::kernels::cuda
