#include "kernels/cuda/attention.cuh"

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

// Tiling: a block owns one (sequence, head) and `rows_per_block` query rows;
// each of its warps owns `rows_per_warp` of those rows. Keys and values go
// through shared memory in chunks of 32 (lane j scores key j), and every row
// keeps an online-softmax state ([HD_ONLINE_SOFTMAX]) plus head_dim / 32
// output accumulators per lane. Only chunks below the sequence's length are
// visited, so padding costs nothing but the zero rows written for it.
constexpr int warps_per_block = 8;
constexpr int rows_per_warp = 4;
constexpr int rows_per_block = warps_per_block * rows_per_warp;
constexpr int key_chunk = 32;

template <int DimsPerLane>
__global__ void __launch_bounds__(warps_per_block * 32)
attention_f32_kernel(const float* __restrict__ qkv, int64_t qkv_stride, const int32_t* __restrict__ lengths,
                     int64_t lengths_stride, int32_t seq_len, int32_t heads, int32_t head_dim, float scale,
                     float* __restrict__ out, int64_t out_stride, int* fault) {
  extern __shared__ float smem[];
  const int k_pitch = head_dim + 1;  // +1 float: lane j reads row j, avoid one-bank conflicts
  float* k_tile = smem;
  float* v_tile = smem + key_chunk * k_pitch;

  const int64_t b = blockIdx.x / heads;
  const int h = blockIdx.x % heads;
  const int64_t hidden = static_cast<int64_t>(heads) * head_dim;
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int row0 = blockIdx.y * rows_per_block + warp * rows_per_warp;

  int32_t len = lengths[b * lengths_stride];
  if (len < 0 || len > seq_len) {
    if (threadIdx.x == 0 && blockIdx.y == 0 && h == 0) record_input_fault(fault, fault_attention_length, b, len);
    len = 0;
  }
  const float* seq = qkv + b * seq_len * qkv_stride;

  // Query values this lane holds: dims lane, lane + 32, ... (0 past head_dim).
  float q[rows_per_warp][DimsPerLane];
  float acc[rows_per_warp][DimsPerLane];
  hd::softmax_state st[rows_per_warp];
#pragma unroll
  for (int r = 0; r < rows_per_warp; ++r) {
    const int p = row0 + r;
#pragma unroll
    for (int i = 0; i < DimsPerLane; ++i) {
      const int d = lane + 32 * i;
      q[r][i] = (p < len && d < head_dim) ? seq[p * qkv_stride + h * head_dim + d] * scale : 0.0f;
      acc[r][i] = 0.0f;
    }
  }

  const int block_first_row = blockIdx.y * rows_per_block;
  const int chunks = block_first_row < len ? static_cast<int>(hd::div_up(len, key_chunk)) : 0;
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const int key0 = chunk * key_chunk;
    __syncthreads();  // the previous chunk is fully consumed
    for (int i = threadIdx.x; i < key_chunk * head_dim; i += blockDim.x) {
      const int j = i / head_dim;
      const int d = i % head_dim;
      const int key = key0 + j;
      float kv = 0.0f, vv = 0.0f;  // masked keys: zeros, so 0 * value never meets garbage
      if (key < len) {
        const float* kr = seq + key * qkv_stride + hidden + h * head_dim;
        kv = kr[d];
        vv = kr[hidden + d];
      }
      k_tile[j * k_pitch + d] = kv;
      v_tile[j * head_dim + d] = vv;
    }
    __syncthreads();

    const bool key_valid = key0 + lane < len;
#pragma unroll
    for (int r = 0; r < rows_per_warp; ++r) {
      if (row0 + r >= len) continue;  // warp-uniform
      float s = 0.0f;
#pragma unroll
      for (int i = 0; i < DimsPerLane; ++i) {
#pragma unroll
        for (int dd = 0; dd < 32; ++dd) {
          const int d = 32 * i + dd;
          const float qd = __shfl_sync(full_warp_mask, q[r][i], dd);
          if (d < head_dim) s += qd * k_tile[lane * k_pitch + d];
        }
      }
      s = key_valid ? s : -INFINITY;
      const float rescale = hd::softmax_raise_max(st[r], warp_max(s));
      const float w = key_valid ? hd::softmax_weight(st[r], s) : 0.0f;
      st[r].sum += warp_sum(w);
#pragma unroll
      for (int i = 0; i < DimsPerLane; ++i) acc[r][i] *= rescale;
      const int valid_keys = len - key0 < key_chunk ? len - key0 : key_chunk;
#pragma unroll 4
      for (int j = 0; j < valid_keys; ++j) {
        const float wj = __shfl_sync(full_warp_mask, w, j);
#pragma unroll
        for (int i = 0; i < DimsPerLane; ++i) {
          const int d = lane + 32 * i;
          if (d < head_dim) acc[r][i] += wj * v_tile[j * head_dim + d];
        }
      }
    }
  }

#pragma unroll
  for (int r = 0; r < rows_per_warp; ++r) {
    const int p = row0 + r;
    if (p >= seq_len) break;
    const float inv = p < len ? hd::softmax_inv_sum(st[r]) : 0.0f;  // padding rows: zeros
    float* o = out + (b * seq_len + p) * out_stride + h * head_dim;
#pragma unroll
    for (int i = 0; i < DimsPerLane; ++i) {
      const int d = lane + 32 * i;
      if (d < head_dim) o[d] = acc[r][i] * inv;
    }
  }
}

template <int DimsPerLane>
status launch_attention(context& ctx, const attention_op& o) {
  const dim3 grid(static_cast<unsigned>(static_cast<int64_t>(o.batch) * o.heads),
                  static_cast<unsigned>(hd::div_up(o.seq_len, rows_per_block)));
  const size_t smem = sizeof(float) * key_chunk * (2 * o.head_dim + 1);
  attention_f32_kernel<DimsPerLane><<<grid, warps_per_block * 32, smem, ctx.stream>>>(
      data_of<const float>(o.qkv), o.qkv.row_stride, data_of<const int32_t>(o.lengths), o.lengths.row_stride,
      o.seq_len, o.heads, o.head_dim, o.scale, data_of<float>(o.out), o.out.row_stride, ctx.input_fault);
  return check_launch("attention_f32_kernel");
}

}  // namespace

status cuda_op_attention(context& ctx, const attention_op& o) {
  if (o.batch < 0 || o.seq_len <= 0 || o.heads <= 0 || o.head_dim <= 0)
    return status::invalid_argument("attention: batch, seq_len, heads and head_dim must be positive");
  if (o.head_dim > attention_max_head_dim)
    return status::unsupported("attention: head_dim " + std::to_string(o.head_dim) + " > " +
                               std::to_string(attention_max_head_dim));
  const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
  const int64_t hidden = static_cast<int64_t>(o.heads) * o.head_dim;
  WINNOW_RETURN_IF_ERROR(expect_tensor("attention.qkv", o.qkv, dtype::f32, rows, 3 * hidden));
  WINNOW_RETURN_IF_ERROR(expect_tensor("attention.lengths", o.lengths, dtype::s32, o.batch, 1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("attention.out", o.out, dtype::f32, rows, hidden));
  if (o.batch == 0) return status::ok_status();
  switch ((o.head_dim + 31) / 32) {
    case 1: return launch_attention<1>(ctx, o);
    case 2: return launch_attention<2>(ctx, o);
    case 3: return launch_attention<3>(ctx, o);
    default: return launch_attention<4>(ctx, o);
  }
}

}  // namespace winnow::kernels::cuda
