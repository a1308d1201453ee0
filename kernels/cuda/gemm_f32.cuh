#pragma once
// gemm_f32: out[m, n] = sum_k a[m, k] * b[n, k] + bias[n] in strict fp32
// (CUBLAS_COMPUTE_32F, no TF32: this is the reference-precision path).
// cuBLASLt with its bias epilogue when the operands are 16-byte aligned,
// otherwise a plain shared-memory tiled kernel.

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status cuda_op_gemm_f32(context& ctx, const gemm_f32_op& o);

// The fallback kernel on its own (tests force it).
status gemm_f32_own_tiled(context& ctx, const gemm_f32_op& o);

}  // namespace winnow::kernels::cuda
