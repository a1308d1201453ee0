#pragma once
// gemm_s8s8_f32: out[m, n] = (sum_k a[m, k] * b[n, k]) * a_scales[m] * b_scales[n] + bias[n]
// with an exact int32 accumulator. Three implementations:
//  - cublaslt: cuBLASLt s8 x s8 -> s32 (IMMA tensor cores) into scratch, only
//    for the shapes lt_shape_rules.hpp allows (PyTorch's rule), then
//    dequant_s32_f32_kernel applies scales and bias (cuBLASLt's int8 path
//    has no per-row x per-column float scaling into an f32 output).
//  - own_rowwarp: one warp per output column, 16-byte dp4a over K, a few
//    rows at a time; for small M (query encoding), where the GEMM is a
//    weight-streaming GEMV and a tensor-core tile would sit mostly idle.
//    REQUIRES K % 16 == 0 and 16-byte aligned rows.
//  - own_tiled: a 64 x 64 shared-memory dp4a tile; any shape or stride (the
//    fallback when neither of the above applies).
// All three fuse or share the same epilogue (hd::dequant_s32).

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

// Rows at or below which `automatic` prefers own_rowwarp over cuBLASLt.
// TODO(cuda): tune on each tier; 64 is a guess until measured on a GPU.
constexpr int64_t gemm_s8_small_m = 64;

enum class gemm_s8_kernel : uint8_t { cublaslt, own_rowwarp, own_tiled };

// Which implementation `path` would run for this op (exposed for the bench).
gemm_s8_kernel choose_gemm_s8_kernel(gemm_s8_path path, const gemm_s8s8_f32_op& o);

status cuda_op_gemm_s8s8_f32(context& ctx, const gemm_s8s8_f32_op& o);

// The individual implementations, for the benchmark and tests.
status gemm_s8s8_f32_cublaslt(context& ctx, const gemm_s8s8_f32_op& o);
status gemm_s8s8_f32_own_rowwarp(context& ctx, const gemm_s8s8_f32_op& o);
status gemm_s8s8_f32_own_tiled(context& ctx, const gemm_s8s8_f32_op& o);

}  // namespace winnow::kernels::cuda
