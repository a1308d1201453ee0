#include "kernels/cuda/gemm_s8.cuh"

#include <algorithm>

#include "kernels/cuda/cublaslt_plans.cuh"
#include "kernels/cuda/lt_shape_rules.hpp"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

struct s8_epilogue {
  const float* a_scales;
  int64_t a_scales_stride;
  const float* b_scales;
  int64_t b_scales_stride;
  const float* bias;  // nullptr: none
};

__device__ __forceinline__ float epilogue_at(const s8_epilogue& e, int32_t acc, int64_t m, int64_t n) {
  return hd::dequant_s32(acc, e.a_scales[m * e.a_scales_stride], e.b_scales[n * e.b_scales_stride],
                         e.bias != nullptr ? e.bias[n] : 0.0f);
}

// ---- own_tiled -------------------------------------------------------------
constexpr int tile = 64;          // output tile is tile x tile
constexpr int tile_k_bytes = 32;  // K step staged in shared memory
constexpr int tile_k_words = tile_k_bytes / 4;
constexpr int tiled_threads = 256;  // 16 x 16, each thread 4 x 4 outputs

// Four consecutive int8 of row `row` starting at column k, packed little-endian
// as dp4a expects; zeros past the matrix (so the K tail and edge tiles add 0).
template <bool Aligned4>
__device__ __forceinline__ int32_t load_s8x4(const int8_t* p, int64_t ld, int64_t row, int64_t rows, int64_t k,
                                             int64_t cols) {
  if (row >= rows || k >= cols) return 0;
  const int8_t* q = p + row * ld + k;
  if (Aligned4) return *reinterpret_cast<const int32_t*>(q);
  uint32_t w = 0;
  for (int t = 0; t < 4; ++t)
    if (k + t < cols) w |= static_cast<uint32_t>(static_cast<uint8_t>(q[t])) << (8 * t);
  return static_cast<int32_t>(w);
}

template <bool Aligned4>
__global__ void __launch_bounds__(tiled_threads)
gemm_s8s8_f32_tiled_kernel(const int8_t* __restrict__ a, int64_t lda, const int8_t* __restrict__ b, int64_t ldb,
                           s8_epilogue e, float* __restrict__ out, int64_t ldo, int64_t m_rows, int64_t n_cols,
                           int64_t k_len) {
  // +1 word of padding: thread tx reads row tx + 16 j, and a pitch of 9 words
  // puts those 16 rows in 16 different banks.
  __shared__ int32_t sa[tile][tile_k_words + 1];
  __shared__ int32_t sb[tile][tile_k_words + 1];
  const int tx = threadIdx.x % 16;
  const int ty = threadIdx.x / 16;
  const int64_t m0 = static_cast<int64_t>(blockIdx.y) * tile;
  const int64_t n0 = static_cast<int64_t>(blockIdx.x) * tile;
  int32_t acc[4][4] = {};
  for (int64_t k0 = 0; k0 < k_len; k0 += tile_k_bytes) {
    for (int i = threadIdx.x; i < tile * tile_k_words; i += tiled_threads) {
      const int r = i / tile_k_words;
      const int w = i % tile_k_words;
      sa[r][w] = load_s8x4<Aligned4>(a, lda, m0 + r, m_rows, k0 + 4 * w, k_len);
      sb[r][w] = load_s8x4<Aligned4>(b, ldb, n0 + r, n_cols, k0 + 4 * w, k_len);
    }
    __syncthreads();
#pragma unroll
    for (int w = 0; w < tile_k_words; ++w) {
      int32_t av[4], bv[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) av[i] = sa[ty + 16 * i][w];
#pragma unroll
      for (int j = 0; j < 4; ++j) bv[j] = sb[tx + 16 * j][w];
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] = hd::dot4_s8(av[i], bv[j], acc[i][j]);
    }
    __syncthreads();
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int64_t m = m0 + ty + 16 * i;
    if (m >= m_rows) continue;
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int64_t n = n0 + tx + 16 * j;
      if (n < n_cols) out[m * ldo + n] = epilogue_at(e, acc[i][j], m, n);
    }
  }
}

// ---- own_rowwarp -----------------------------------------------------------
constexpr int rowwarp_rows = 8;   // rows of a per pass (accumulators per lane)
constexpr int rowwarp_warps = 8;  // output columns per block

__device__ __forceinline__ int32_t dot16_s8(const int4& x, const int4& y, int32_t acc) {
  acc = hd::dot4_s8(x.x, y.x, acc);
  acc = hd::dot4_s8(x.y, y.y, acc);
  acc = hd::dot4_s8(x.z, y.z, acc);
  return hd::dot4_s8(x.w, y.w, acc);
}

__device__ __forceinline__ int32_t warp_sum_s32(int32_t v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__global__ void __launch_bounds__(rowwarp_warps * 32)
gemm_s8s8_f32_rowwarp_kernel(const int8_t* __restrict__ a, int64_t lda, const int8_t* __restrict__ b, int64_t ldb,
                             s8_epilogue e, float* __restrict__ out, int64_t ldo, int64_t m_rows, int64_t n_cols,
                             int64_t k_len) {
  const int lane = threadIdx.x & 31;
  const int64_t n = static_cast<int64_t>(blockIdx.x) * rowwarp_warps + (threadIdx.x >> 5);
  if (n >= n_cols) return;  // warp-uniform
  const int64_t m0 = static_cast<int64_t>(blockIdx.y) * rowwarp_rows;
  const int8_t* brow = b + n * ldb;
  int32_t acc[rowwarp_rows] = {};
  for (int64_t k = 16 * lane; k < k_len; k += 16 * 32) {
    const int4 bw = *reinterpret_cast<const int4*>(brow + k);
#pragma unroll
    for (int r = 0; r < rowwarp_rows; ++r) {
      if (m0 + r < m_rows) {
        const int4 aw = *reinterpret_cast<const int4*>(a + (m0 + r) * lda + k);
        acc[r] = dot16_s8(aw, bw, acc[r]);
      }
    }
  }
#pragma unroll
  for (int r = 0; r < rowwarp_rows; ++r) {
    const int32_t total = warp_sum_s32(acc[r]);  // every lane gets the total
    if (lane == r && m0 + r < m_rows) out[(m0 + r) * ldo + n] = epilogue_at(e, total, m0 + r, n);
  }
}

// ---- cublaslt epilogue -----------------------------------------------------
__global__ void dequant_s32_f32_kernel(const int32_t* __restrict__ c, int64_t ldc, s8_epilogue e,
                                       float* __restrict__ out, int64_t ldo, int64_t m_rows, int64_t n_cols) {
  for (int64_t m = blockIdx.y; m < m_rows; m += gridDim.y) {
    for (int64_t n = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; n < n_cols;
         n += static_cast<int64_t>(gridDim.x) * blockDim.x) {
      out[m * ldo + n] = epilogue_at(e, c[m * ldc + n], m, n);
    }
  }
}

s8_epilogue epilogue_of(const gemm_s8s8_f32_op& o) {
  return s8_epilogue{data_of<const float>(o.a_scales), o.a_scales.row_stride, data_of<const float>(o.b_scales),
                     o.b_scales.row_stride, o.bias.empty() ? nullptr : data_of<const float>(o.bias)};
}

bool rowwarp_eligible(const gemm_s8s8_f32_op& o) {
  return o.a.cols % 16 == 0 && o.a.row_stride % 16 == 0 && o.b.row_stride % 16 == 0 && aligned_to(o.a.data, 16) &&
         aligned_to(o.b.data, 16);
}

// lt_shape_rules.hpp: M > 16, N and K multiples of 8, 16-byte aligned
// operands and strides; everything else runs on our own kernels.
bool cublaslt_eligible(const gemm_s8s8_f32_op& o) {
  return cublaslt_s8_shape_ok(s8_gemm_shape{o.a.rows, o.b.rows, o.a.cols, o.a.row_stride, o.b.row_stride,
                                            aligned_to(o.a.data, 16), aligned_to(o.b.data, 16)});
}

status validate(const gemm_s8s8_f32_op& o) {
  if (o.b_layout != weight_layout::rows) {
    return status::unsupported(std::string("gemm_s8s8_f32: weight layout ") + to_string(o.b_layout) +
                               " is not implemented on CUDA; use rows");
  }
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_f32.a", o.a, dtype::s8, -1, -1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_f32.a_scales", o.a_scales, dtype::f32, o.a.rows, 1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_f32.b", o.b, dtype::s8, -1, o.a.cols));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_f32.b_scales", o.b_scales, dtype::f32, o.b.rows, 1));
  WINNOW_RETURN_IF_ERROR(expect_optional("gemm_s8s8_f32.bias", o.bias, dtype::f32, 1, o.b.rows));
  WINNOW_RETURN_IF_ERROR(expect_tensor("gemm_s8s8_f32.out", o.out, dtype::f32, o.a.rows, o.b.rows));
  return status::ok_status();
}

}  // namespace

gemm_s8_kernel choose_gemm_s8_kernel(gemm_s8_path path, const gemm_s8s8_f32_op& o) {
  const bool small = o.a.rows <= gemm_s8_small_m && rowwarp_eligible(o);
  switch (path) {
    case gemm_s8_path::own: return small ? gemm_s8_kernel::own_rowwarp : gemm_s8_kernel::own_tiled;
    case gemm_s8_path::cublaslt:
      return cublaslt_eligible(o) ? gemm_s8_kernel::cublaslt : gemm_s8_kernel::own_tiled;
    case gemm_s8_path::automatic: break;
  }
  if (small) return gemm_s8_kernel::own_rowwarp;
  return cublaslt_eligible(o) ? gemm_s8_kernel::cublaslt : gemm_s8_kernel::own_tiled;
}

status gemm_s8s8_f32_own_tiled(context& ctx, const gemm_s8s8_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(validate(o));
  const int64_t m = o.a.rows, n = o.b.rows, k = o.a.cols;
  if (m == 0 || n == 0) return status::ok_status();
  const dim3 grid(static_cast<unsigned>(hd::div_up(n, tile)), static_cast<unsigned>(hd::div_up(m, tile)));
  const bool aligned4 = k % 4 == 0 && o.a.row_stride % 4 == 0 && o.b.row_stride % 4 == 0 && aligned_to(o.a.data, 4) &&
                        aligned_to(o.b.data, 4);
  if (aligned4) {
    gemm_s8s8_f32_tiled_kernel<true><<<grid, tiled_threads, 0, ctx.stream>>>(
        data_of<const int8_t>(o.a), o.a.row_stride, data_of<const int8_t>(o.b), o.b.row_stride, epilogue_of(o),
        data_of<float>(o.out), o.out.row_stride, m, n, k);
  } else {
    gemm_s8s8_f32_tiled_kernel<false><<<grid, tiled_threads, 0, ctx.stream>>>(
        data_of<const int8_t>(o.a), o.a.row_stride, data_of<const int8_t>(o.b), o.b.row_stride, epilogue_of(o),
        data_of<float>(o.out), o.out.row_stride, m, n, k);
  }
  return check_launch("gemm_s8s8_f32_tiled_kernel");
}

status gemm_s8s8_f32_own_rowwarp(context& ctx, const gemm_s8s8_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(validate(o));
  if (!rowwarp_eligible(o))
    return status::unsupported("gemm_s8s8_f32 own_rowwarp: needs K % 16 == 0 and 16-byte aligned rows");
  const int64_t m = o.a.rows, n = o.b.rows, k = o.a.cols;
  if (m == 0 || n == 0) return status::ok_status();
  const dim3 grid(static_cast<unsigned>(hd::div_up(n, rowwarp_warps)),
                  static_cast<unsigned>(hd::div_up(m, rowwarp_rows)));
  gemm_s8s8_f32_rowwarp_kernel<<<grid, rowwarp_warps * 32, 0, ctx.stream>>>(
      data_of<const int8_t>(o.a), o.a.row_stride, data_of<const int8_t>(o.b), o.b.row_stride, epilogue_of(o),
      data_of<float>(o.out), o.out.row_stride, m, n, k);
  return check_launch("gemm_s8s8_f32_rowwarp_kernel");
}

status gemm_s8s8_f32_cublaslt(context& ctx, const gemm_s8s8_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(validate(o));
  if (!cublaslt_eligible(o))
    return status::unsupported("gemm_s8s8_f32 cublaslt: needs M > 16, N and K multiples of 8, 16-byte aligned "
                               "operands and strides");
  const int64_t m = o.a.rows, n = o.b.rows, k = o.a.cols;
  if (m == 0 || n == 0) return status::ok_status();
  // The int32 product goes through scratch; chunking M bounds that scratch
  // (32768 rows x 1536 x 4 B = 192 MiB) at a negligible cost in GEMM efficiency.
  const int64_t chunk = std::min<int64_t>(m, 32768);
  WINNOW_ASSIGN_OR_RETURN(void* scratch, ctx.scratch(static_cast<size_t>(chunk * n) * sizeof(int32_t)));
  auto* c = static_cast<int32_t*>(scratch);
  const s8_epilogue e = epilogue_of(o);
  for (int64_t m0 = 0; m0 < m; m0 += chunk) {
    const int64_t rows = std::min(chunk, m - m0);
    const lt_problem p{lt_kind::s8s8_s32, rows, n, k, o.a.row_stride, o.b.row_stride, n, false};
    WINNOW_RETURN_IF_ERROR(
        ctx.plans->matmul(ctx, p, data_of<const int8_t>(o.a) + m0 * o.a.row_stride, o.b.data, nullptr, c));
    s8_epilogue ec = e;
    ec.a_scales += m0 * e.a_scales_stride;
    const dim3 grid(static_cast<unsigned>(hd::div_up(n, 256)), static_cast<unsigned>(std::min<int64_t>(rows, 65535)));
    dequant_s32_f32_kernel<<<grid, 256, 0, ctx.stream>>>(c, n, ec, data_of<float>(o.out) + m0 * o.out.row_stride,
                                                         o.out.row_stride, rows, n);
    WINNOW_RETURN_IF_ERROR(check_launch("dequant_s32_f32_kernel"));
  }
  return status::ok_status();
}

status cuda_op_gemm_s8s8_f32(context& ctx, const gemm_s8s8_f32_op& o) {
  WINNOW_RETURN_IF_ERROR(validate(o));
  switch (choose_gemm_s8_kernel(ctx.s8_path, o)) {
    case gemm_s8_kernel::own_rowwarp: return gemm_s8s8_f32_own_rowwarp(ctx, o);
    case gemm_s8_kernel::own_tiled: return gemm_s8s8_f32_own_tiled(ctx, o);
    case gemm_s8_kernel::cublaslt: {
      status s = gemm_s8s8_f32_cublaslt(ctx, o);
      // No cuBLASLt algorithm for this shape: our tiled kernel takes any shape.
      if (s.code() == status_code::unsupported) return gemm_s8s8_f32_own_tiled(ctx, o);
      return s;
    }
  }
  return status::internal("gemm_s8s8_f32: unknown kernel");
}

}  // namespace winnow::kernels::cuda
