#include "kernels/cuda/attention_f16.cuh"

#include <cuda_fp16.h>
#include <mma.h>

#include <algorithm>

#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

namespace wmma = nvcuda::wmma;

// Tiling: a block owns one (sequence, head) and 64 query rows, 16 per warp
// (one WMMA row tile). Key/value tiles of 32 rows are staged in shared
// memory for all four warps. Per warp and key tile:
//   S[16, 32] = Q[16, 32] . K_tile^T      two 16x16 outputs, two k-steps each
//   online softmax on S (lane owns half a row: row lane / 2, 16 columns)
//   O[16, 32] = O * alpha + P[16, 32] . V_tile[32, 32]
// O lives in registers, 16 floats per lane at the same (row, columns) the
// lane owns in S, because a WMMA accumulator's element layout is opaque and
// the online softmax must rescale O by row. P.V goes through shared memory
// (the S buffer) to reach them.
constexpr int dims = attention_f16_head_dim;
constexpr int warps = 4;
constexpr int q_rows = 16;              // per warp
constexpr int block_q = warps * q_rows;  // per block
constexpr int key_tile = 32;
// Row pitches: multiples of 8 halves / 4 floats as WMMA requires, padded off
// the 32-bank stride so the 16 rows of a fragment load spread over banks.
constexpr int h_pitch = dims + 8;        // halves (80 bytes)
constexpr int f_pitch = key_tile + 4;  // floats (144 bytes)

struct smem_t {
  __half q[warps][q_rows][h_pitch];
  __half p[warps][q_rows][h_pitch];
  float s[warps][q_rows][f_pitch];
  __half k[key_tile][h_pitch];
  __half v[key_tile][h_pitch];
};

// 16-byte loads: 4 per 32-half row. Rows at or past `limit` load zeros (a
// masked key's value must be 0, not garbage: 0 * NaN is NaN).
__device__ __forceinline__ void load_rows(__half (*dst)[h_pitch], int rows, const __half* src, int64_t ld,
                                          int first, int limit, int tid, int threads) {
  for (int i = tid; i < rows * 4; i += threads) {
    const int r = i / 4, part = i % 4;
    uint4 v = make_uint4(0, 0, 0, 0);
    if (first + r < limit) v = *reinterpret_cast<const uint4*>(src + static_cast<int64_t>(first + r) * ld + part * 8);
    *reinterpret_cast<uint4*>(&dst[r][part * 8]) = v;
  }
}

__global__ void __launch_bounds__(warps * 32)
attention_f16_hd32_kernel(const __half* __restrict__ qkv, int64_t ld, const int32_t* __restrict__ lengths,
                          int64_t lengths_stride, int32_t batch, int32_t seq_len, int32_t heads, float scale,
                          float* __restrict__ out, int64_t out_stride, int* fault) {
  __shared__ __align__(32) smem_t sm;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int h = blockIdx.y;
  const int64_t hidden = static_cast<int64_t>(heads) * dims;
  const int q0 = blockIdx.x * block_q;
  const int my_row = lane >> 1;          // row within the warp's 16
  const int my_col = (lane & 1) * 16;    // first of the lane's 16 columns
  for (int64_t b = blockIdx.z; b < batch; b += gridDim.z) {  // block-uniform
    int32_t len = lengths[b * lengths_stride];
    if (len < 0 || len > seq_len) {
      if (tid == 0 && blockIdx.x == 0 && h == 0) record_input_fault(fault, fault_attention_length, b, len);
      len = 0;  // the whole sequence reads as padding: zeros
    }
    const __half* base = qkv + b * seq_len * ld;
    const int row = q0 + warp * q_rows + my_row;  // this lane's query row
    float o[16];
#pragma unroll
    for (int i = 0; i < 16; ++i) o[i] = 0.0f;
    float m = -INFINITY, l = 0.0f;
    if (q0 < len) {  // block-uniform: a query tile wholly past the length only writes zeros
      const bool warp_active = q0 + warp * q_rows < len;
      load_rows(sm.q[warp], q_rows, base + h * dims, ld, q0 + warp * q_rows, len, lane, 32);
      for (int k0 = 0; k0 < len; k0 += key_tile) {
        __syncthreads();  // every warp is done with the previous K/V tile
        load_rows(sm.k, key_tile, base + hidden + h * dims, ld, k0, len, tid, warps * 32);
        load_rows(sm.v, key_tile, base + 2 * hidden + h * dims, ld, k0, len, tid, warps * 32);
        __syncthreads();
        if (!warp_active) continue;  // warp-uniform; the barriers above stay matched
        // S = Q . K^T: B[d][key] = K[key][d] is K read column-major.
#pragma unroll
        for (int j = 0; j < 2; ++j) {
          wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
          wmma::fill_fragment(acc, 0.0f);
#pragma unroll
          for (int kk = 0; kk < 2; ++kk) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::col_major> fb;
            wmma::load_matrix_sync(fa, &sm.q[warp][0][kk * 16], h_pitch);
            wmma::load_matrix_sync(fb, &sm.k[j * 16][kk * 16], h_pitch);
            wmma::mma_sync(acc, fa, fb, acc);
          }
          wmma::store_matrix_sync(&sm.s[warp][0][j * 16], acc, f_pitch, wmma::mem_row_major);
        }
        __syncwarp();
        // Online softmax over this tile's 32 keys; the two lanes of a row
        // combine their halves with one shuffle.
        float s[16];
        float tile_max = -INFINITY;
#pragma unroll
        for (int i = 0; i < 16; ++i) {
          s[i] = k0 + my_col + i < len ? sm.s[warp][my_row][my_col + i] * scale : -INFINITY;
          tile_max = fmaxf(tile_max, s[i]);
        }
        tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, 1));
        const float m_new = fmaxf(m, tile_max);  // finite: key k0 < len is in every row's tile
        const float alpha = expf(m - m_new);   // 0 on the first tile (m = -inf)
        float psum = 0.0f;
#pragma unroll
        for (int i = 0; i < 16; ++i) {
          const __half p = __float2half_rn(expf(s[i] - m_new));
          sm.p[warp][my_row][my_col + i] = p;
          psum += __half2float(p);  // sum what P.V multiplies, so the weights stay normalized
        }
        psum += __shfl_xor_sync(0xffffffffu, psum, 1);
        l = l * alpha + psum;
        m = m_new;
#pragma unroll
        for (int i = 0; i < 16; ++i) o[i] *= alpha;
        __syncwarp();
        // P . V into the S buffer (free again), then into the lanes' O.
#pragma unroll
        for (int j = 0; j < 2; ++j) {
          wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
          wmma::fill_fragment(acc, 0.0f);
#pragma unroll
          for (int kk = 0; kk < 2; ++kk) {
            wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
            wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb;
            wmma::load_matrix_sync(fa, &sm.p[warp][0][kk * 16], h_pitch);
            wmma::load_matrix_sync(fb, &sm.v[kk * 16][j * 16], h_pitch);
            wmma::mma_sync(acc, fa, fb, acc);
          }
          wmma::store_matrix_sync(&sm.s[warp][0][j * 16], acc, f_pitch, wmma::mem_row_major);
        }
        __syncwarp();
#pragma unroll
        for (int i = 0; i < 16; ++i) o[i] += sm.s[warp][my_row][my_col + i];
        __syncwarp();  // the next tile's S overwrites the buffer
      }
    }
    if (row < seq_len) {
      const float inv = row < len && l > 0.0f ? 1.0f / l : 0.0f;  // padding rows: zeros
      float* y = out + (b * seq_len + row) * out_stride + h * dims + my_col;
#pragma unroll
      for (int i = 0; i < 16; ++i) y[i] = o[i] * inv;
    }
    __syncthreads();  // before the next sequence reuses shared memory
  }
}

}  // namespace

status cuda_op_attention_f16(context& ctx, const attention_f16_op& o) {
  if (o.batch < 0 || o.seq_len < 0 || o.heads <= 0 || o.head_dim <= 0)
    return status::invalid_argument("attention_f16: batch, seq_len must be >= 0 and heads, head_dim > 0");
  if (o.head_dim != attention_f16_head_dim)
    return status::unsupported("attention_f16: the tensor-core kernel takes head_dim " +
                               std::to_string(attention_f16_head_dim) + ", not " + std::to_string(o.head_dim));
  const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
  const int64_t hidden = static_cast<int64_t>(o.heads) * o.head_dim;
  WINNOW_RETURN_IF_ERROR(expect_tensor("attention_f16.qkv", o.qkv, dtype::f16, rows, 3 * hidden));
  WINNOW_RETURN_IF_ERROR(expect_tensor("attention_f16.lengths", o.lengths, dtype::s32, o.batch, 1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("attention_f16.out", o.out, dtype::f32, rows, hidden));
  if (!aligned_to(o.qkv.data, 16) || o.qkv.row_stride % 8 != 0)
    return status::unsupported("attention_f16: qkv needs 16-byte aligned rows (row_stride % 8 == 0)");
  if (rows == 0) return status::ok_status();
  const dim3 grid(static_cast<unsigned>(hd::div_up(o.seq_len, block_q)), static_cast<unsigned>(o.heads),
                  static_cast<unsigned>(std::min<int64_t>(o.batch, 65535)));
  attention_f16_hd32_kernel<<<grid, warps * 32, 0, ctx.stream>>>(
      data_of<const __half>(o.qkv), o.qkv.row_stride, data_of<const int32_t>(o.lengths), o.lengths.row_stride,
      o.batch, o.seq_len, o.heads, o.scale, data_of<float>(o.out), o.out.row_stride, ctx.input_fault);
  return check_launch("attention_f16_hd32_kernel");
}

}  // namespace winnow::kernels::cuda
