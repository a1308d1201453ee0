#include "kernels/cuda/gemm_s8_fused.cuh"

#include <cuda_fp16.h>

#include <algorithm>
#include <type_traits>

#include "kernels/cuda/cublaslt_plans.cuh"
#include "kernels/cuda/gemm_s8.cuh"
#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

constexpr int rows_per_block = 8;  // one warp per output row
// Bounds the int32 / f32 scratch (32768 rows x 1536 x 4 B = 192 MiB), as gemm_s8.cu.
constexpr int64_t max_chunk_rows = 32768;

struct fused_epilogue {
  const float* a_scales = nullptr;  // only for an int32 source
  int64_t a_scales_stride = 0;
  const float* b_scales = nullptr;
  int64_t b_scales_stride = 0;
  const float* bias = nullptr;  // nullptr: none; only for an int32 source
  bool gelu = false;
};

// Element n of row `src` as the op defines y: an int32 accumulator is
// dequantized with the same hd formula as gemm_s8s8_f32 (so an f32 output is
// that op's result); an f32 source was already dequantized by our own GEMM.
template <class Src>
__device__ __forceinline__ float value_at(const Src* src, int64_t n, const fused_epilogue& e, float a_scale) {
  float y;
  if constexpr (std::is_same_v<Src, int32_t>) {
    y = hd::dequant_s32(src[n], a_scale, e.b_scales[n * e.b_scales_stride], e.bias != nullptr ? e.bias[n] : 0.0f);
  } else {
    y = src[n];
  }
  return e.gelu ? hd::gelu_erf(y) : y;
}

// One warp per row. For s8 the row is walked twice (absmax, then quantize;
// the second walk recomputes y from the accumulator, which the first walk
// just brought into L1/L2) so any N works without a row buffer. No
// __restrict__: an f32 source may be the output itself (GELU in place).
template <class Src, class Out>
__global__ void __launch_bounds__(rows_per_block * 32)
gemm_fused_epilogue_kernel(const Src* src, int64_t ld_src, fused_epilogue e, Out* out, int64_t ldo,
                           float* out_scales, int64_t out_scales_stride, int64_t rows, int64_t cols) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * rows_per_block + threadIdx.y;
  if (row >= rows) return;
  const Src* s = src + row * ld_src;
  Out* y = out + row * ldo;
  const float a_scale = e.a_scales != nullptr ? e.a_scales[row * e.a_scales_stride] : 0.0f;
  if constexpr (std::is_same_v<Out, int8_t>) {
    float absmax = 0.0f;
    for (int64_t c = threadIdx.x; c < cols; c += 32) absmax = fmaxf(absmax, fabsf(value_at(s, c, e, a_scale)));
    absmax = warp_max(absmax);
    const float inv = hd::s8_inv_scale_from_absmax(absmax);
    for (int64_t c = threadIdx.x; c < cols; c += 32) y[c] = hd::quantize_s8(value_at(s, c, e, a_scale), inv);
    if (threadIdx.x == 0) out_scales[row * out_scales_stride] = hd::s8_scale_from_absmax(absmax);
  } else if constexpr (std::is_same_v<Out, __half>) {
    for (int64_t c = threadIdx.x; c < cols; c += 32) y[c] = __float2half_rn(value_at(s, c, e, a_scale));
  } else {
    for (int64_t c = threadIdx.x; c < cols; c += 32) y[c] = value_at(s, c, e, a_scale);
  }
}

template <class Src>
status launch_epilogue(context& ctx, const Src* src, int64_t ld_src, const fused_epilogue& e,
                       const gemm_s8s8_fused_op& o, int64_t row0, int64_t rows) {
  const dim3 block(32, rows_per_block);
  const dim3 grid(static_cast<unsigned>(hd::div_up(rows, rows_per_block)));
  const int64_t n = o.b.rows;
  switch (o.out.type) {
    case dtype::s8:
      gemm_fused_epilogue_kernel<Src, int8_t><<<grid, block, 0, ctx.stream>>>(
          src, ld_src, e, data_of<int8_t>(o.out) + row0 * o.out.row_stride, o.out.row_stride,
          data_of<float>(o.out_scales) + row0 * o.out_scales.row_stride, o.out_scales.row_stride, rows, n);
      break;
    case dtype::f16:
      gemm_fused_epilogue_kernel<Src, __half><<<grid, block, 0, ctx.stream>>>(
          src, ld_src, e, data_of<__half>(o.out) + row0 * o.out.row_stride, o.out.row_stride, nullptr, 0, rows, n);
      break;
    default:
      gemm_fused_epilogue_kernel<Src, float><<<grid, block, 0, ctx.stream>>>(
          src, ld_src, e, data_of<float>(o.out) + row0 * o.out.row_stride, o.out.row_stride, nullptr, 0, rows, n);
      break;
  }
  return check_launch("gemm_fused_epilogue_kernel");
}

status validate(const gemm_s8s8_fused_op& o) {
  if (o.b_layout != weight_layout::rows) {
    return status::unsupported(std::string("gemm_s8s8_fused: weight layout ") + to_string(o.b_layout) +
                               " is not implemented on CUDA; use rows");
  }
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_fused.a", o.a, dtype::s8, -1, -1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_fused.a_scales", o.a_scales, dtype::f32, o.a.rows, 1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_fused.b", o.b, dtype::s8, -1, o.a.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_fused.b_scales", o.b_scales, dtype::f32, o.b.rows, 1));
  WINNOW_RETURN_IF_ERROR(expect_optional("gemm_s8s8_fused.bias", o.bias, dtype::f32, 1, o.b.rows));
  if (o.out.type != dtype::f32 && o.out.type != dtype::f16 && o.out.type != dtype::s8)
    return status::invalid_argument(std::string("gemm_s8s8_fused.out: expected f32, f16 or s8, got ") +
                                    dtype_name(o.out.type));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_fused.out", o.out, o.out.type, o.a.rows, o.b.rows));
  if (o.out.type == dtype::s8) {
    WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_fused.out_scales", o.out_scales, dtype::f32, o.a.rows, 1));
  } else if (!o.out_scales.empty()) {
    return status::invalid_argument("gemm_s8s8_fused.out_scales: only for an s8 out");
  }
  return status::ok_status();
}

// The int32 product of rows [row0, row0 + rows) from cuBLASLt into scratch,
// then the epilogue. unsupported when cuBLASLt has no algorithm.
status run_cublaslt(context& ctx, const gemm_s8s8_fused_op& o) {
  const int64_t m = o.a.rows, n = o.b.rows, k = o.a.cols;
  const int64_t chunk = std::min<int64_t>(m, max_chunk_rows);
  WINNOW_ASSIGN_OR_RETURN(void* scratch, ctx.scratch(static_cast<size_t>(chunk * n) * sizeof(int32_t)));
  auto* c = static_cast<int32_t*>(scratch);
  for (int64_t m0 = 0; m0 < m; m0 += chunk) {
    const int64_t rows = std::min(chunk, m - m0);
    const lt_problem p{lt_kind::s8s8_s32, rows, n, k, o.a.row_stride, o.b.row_stride, n, false};
    WINNOW_RETURN_IF_ERROR(
        ctx.plans->matmul(ctx, p, data_of<const int8_t>(o.a) + m0 * o.a.row_stride, o.b.data, nullptr, c));
    fused_epilogue e;
    e.a_scales = data_of<const float>(o.a_scales) + m0 * o.a_scales.row_stride;
    e.a_scales_stride = o.a_scales.row_stride;
    e.b_scales = data_of<const float>(o.b_scales);
    e.b_scales_stride = o.b_scales.row_stride;
    e.bias = o.bias.empty() ? nullptr : data_of<const float>(o.bias);
    e.gelu = o.gelu;
    WINNOW_RETURN_IF_ERROR(launch_epilogue<int32_t>(ctx, c, n, e, o, m0, rows));
  }
  return status::ok_status();
}

// Our own GEMM (scales and bias in its epilogue) into f32, then GELU and the
// output conversion. An f32 output is written directly, GELU in place.
status run_own(context& ctx, const gemm_s8s8_fused_op& o, gemm_s8_kernel kernel) {
  const int64_t m = o.a.rows, n = o.b.rows;
  auto gemm = [&](const gemm_s8s8_f32_op& g) {
    return kernel == gemm_s8_kernel::own_rowwarp ? gemm_s8s8_f32_own_rowwarp(ctx, g) : gemm_s8s8_f32_own_tiled(ctx, g);
  };
  fused_epilogue e;
  e.gelu = o.gelu;
  if (o.out.type == dtype::f32) {
    WINNOW_RETURN_IF_ERROR(gemm(gemm_s8s8_f32_op{o.a, o.a_scales, o.b, o.b_scales, o.bias, o.out}));
    if (!o.gelu) return status::ok_status();
    return launch_epilogue<float>(ctx, data_of<const float>(o.out), o.out.row_stride, e, o, 0, m);
  }
  const int64_t chunk = std::min<int64_t>(m, max_chunk_rows);
  WINNOW_ASSIGN_OR_RETURN(void* scratch, ctx.scratch(static_cast<size_t>(chunk * n) * sizeof(float)));
  auto* y = static_cast<float*>(scratch);
  for (int64_t m0 = 0; m0 < m; m0 += chunk) {
    const int64_t rows = std::min(chunk, m - m0);
    const tensor a{data_of<int8_t>(o.a) + m0 * o.a.row_stride, dtype::s8, rows, o.a.cols, o.a.row_stride};
    const tensor as{data_of<float>(o.a_scales) + m0 * o.a_scales.row_stride, dtype::f32, rows, 1,
                    o.a_scales.row_stride};
    WINNOW_RETURN_IF_ERROR(gemm(gemm_s8s8_f32_op{a, as, o.b, o.b_scales, o.bias, tensor::make(y, dtype::f32, rows, n)}));
    WINNOW_RETURN_IF_ERROR(launch_epilogue<float>(ctx, y, n, e, o, m0, rows));
  }
  return status::ok_status();
}

}  // namespace

status cuda_op_gemm_s8s8_fused(context& ctx, const gemm_s8s8_fused_op& o) {
  WINNOW_RETURN_IF_ERROR(validate(o));
  if (o.a.rows == 0 || o.b.rows == 0) return status::ok_status();
  // The same choice as gemm_s8s8_f32 (small M -> rowwarp; cuBLASLt where the
  // shape rules allow; the tiled kernel for anything else).
  const tensor y{o.out.data, dtype::f32, o.out.rows, o.out.cols, o.out.cols};
  const gemm_s8s8_f32_op shape{o.a, o.a_scales, o.b, o.b_scales, o.bias, y};
  const gemm_s8_kernel kernel = choose_gemm_s8_kernel(ctx.s8_path, shape);
  if (kernel == gemm_s8_kernel::cublaslt) {
    status s = run_cublaslt(ctx, o);
    // No cuBLASLt algorithm for this shape: the tiled kernel takes any shape
    // (rows already written by cuBLASLt chunks are simply written again).
    if (s.code() != status_code::unsupported) return s;
    return run_own(ctx, o, gemm_s8_kernel::own_tiled);
  }
  return run_own(ctx, o, kernel);
}

}  // namespace winnow::kernels::cuda
