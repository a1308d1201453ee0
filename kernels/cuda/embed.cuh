#pragma once
// embed: out[row] = LayerNorm(word[ids[row]] + position[row % L] + type[type_ids[row]])
// (one warp per row). Out-of-range ids are reported through [INPUT_FAULTS].

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status cuda_op_embed(context& ctx, const embed_op& o);

}  // namespace winnow::kernels::cuda
