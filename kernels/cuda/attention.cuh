#pragma once
// attention: fused multi-head self-attention over a padded batch
// (scores, mask, online softmax and the value sum in one kernel; the L x L
// score matrix never reaches device memory). See attention.cu for the tiling.

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

// The fused kernel keeps head_dim / 32 values per lane in registers.
constexpr int attention_max_head_dim = 128;

status cuda_op_attention(context& ctx, const attention_op& o);

}  // namespace winnow::kernels::cuda
