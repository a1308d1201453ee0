#pragma once
// residual_layernorm_quantize (kernels/backend.hpp): residual add, LayerNorm
// and the per-row s8 quantization of the result in one kernel, one warp per
// row. The f32 result is still written (it is the next block's residual).

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status cuda_op_residual_layernorm_quantize(context& ctx, const residual_layernorm_quantize_op& o);

}  // namespace winnow::kernels::cuda
