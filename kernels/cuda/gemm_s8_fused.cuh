#pragma once
// gemm_s8s8_fused (kernels/backend.hpp): the linear layer with its whole
// epilogue. The int32 product comes from cuBLASLt's IMMA kernels where
// lt_shape_rules.hpp allows (M > 16, N, K multiples of 8), else from our own
// dp4a kernels (gemm_s8.cuh); one epilogue kernel then applies per-row x
// per-channel scales, bias, GELU and writes f32, f16 or s8 with per-row
// scales. Why our own epilogue rather than cuBLASLt's: its int8 IMMA path
// scales by alpha, a scalar or (CUBLASLT_POINTER_MODE_ALPHA_DEVICE_VECTOR_*)
// one vector along D's rows, i.e. our per-channel weight scale only. The
// per-row activation scale must be applied before GELU, and the s8 output's
// per-row scale is the max of each row of the result, known only once the
// row is done; neither fits an alpha vector. The int32 tile therefore makes
// one round trip through memory (scratch) before the epilogue kernel; a GEMM
// of our own with this epilogue in registers is the next step if the bench
// shows that round trip matters (docs/gpu.md "The fused graph").

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status cuda_op_gemm_s8s8_fused(context& ctx, const gemm_s8s8_fused_op& o);

}  // namespace winnow::kernels::cuda
