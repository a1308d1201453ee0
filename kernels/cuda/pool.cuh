#pragma once
// pool: per sequence, mean over its first lengths[b] rows (or its first row
// for cls), then optionally divided by the L2 norm. One block per sequence.

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status cuda_op_pool(context& ctx, const pool_op& o);

}  // namespace winnow::kernels::cuda
