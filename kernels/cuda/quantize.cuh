#pragma once
// quantize_rows_f32_s8: symmetric per-row int8 quantization (one warp per row).

#include "kernels/cuda/common.cuh"

namespace winnow::kernels::cuda {

status quantize_rows_f32_s8_cuda(const float* in, int64_t in_stride, int8_t* out, int64_t out_stride,
                                 float* scales, int64_t rows, int64_t cols, cudaStream_t stream);

status cuda_op_quantize_rows_f32_s8(context& ctx, const quantize_rows_f32_s8_op& o);

}  // namespace winnow::kernels::cuda
