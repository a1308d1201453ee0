#include "kernels/cuda/pool.cuh"

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

constexpr int pool_threads = 128;

// Threads run over columns (coalesced across the row); the column sums go
// straight to `out`, then one block reduction gives the norm and each thread
// rescales the columns it wrote.
__global__ void pool_f32_kernel(const float* __restrict__ hidden, int64_t hidden_stride,
                                const int32_t* __restrict__ lengths, int64_t lengths_stride, int32_t seq_len, bool cls,
                                bool normalize, float* __restrict__ out, int64_t out_stride, int64_t cols,
                                int* fault) {
  __shared__ float warp_partials[pool_threads / 32];
  const int64_t b = blockIdx.x;
  int32_t len = lengths[b * lengths_stride];
  if (len < 0 || len > seq_len) {
    if (threadIdx.x == 0) record_input_fault(fault, fault_pool_length, b, len);
    len = 0;  // zeros out, the fault carries the message
  }
  const float* base = hidden + b * seq_len * hidden_stride;
  float* y = out + b * out_stride;
  const int32_t n = cls ? (len > 0 ? 1 : 0) : len;
  const float inv_n = n > 0 ? 1.0f / static_cast<float>(n) : 0.0f;
  float sq = 0.0f;
  for (int64_t c = threadIdx.x; c < cols; c += pool_threads) {
    float s = 0.0f;
    for (int32_t r = 0; r < n; ++r) s += base[r * hidden_stride + c];
    s *= inv_n;
    y[c] = s;
    sq += s * s;
  }
  if (!normalize) return;
  sq = warp_sum(sq);
  if ((threadIdx.x & 31) == 0) warp_partials[threadIdx.x / 32] = sq;
  __syncthreads();
  float total = 0.0f;
  for (int w = 0; w < pool_threads / 32; ++w) total += warp_partials[w];
  const float inv = hd::l2_inv_norm(total);
  for (int64_t c = threadIdx.x; c < cols; c += pool_threads) y[c] *= inv;
}

}  // namespace

status cuda_op_pool(context& ctx, const pool_op& o) {
  if (o.batch < 0 || o.seq_len <= 0) return status::invalid_argument("pool: batch/seq_len must be positive");
  const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
  WINNOW_RETURN_IF_ERROR(expect_tensor("pool.hidden", o.hidden, dtype::f32, rows, -1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("pool.lengths", o.lengths, dtype::s32, o.batch, 1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("pool.out", o.out, dtype::f32, o.batch, o.hidden.cols));
  if (o.batch == 0) return status::ok_status();
  pool_f32_kernel<<<static_cast<unsigned>(o.batch), pool_threads, 0, ctx.stream>>>(
      data_of<const float>(o.hidden), o.hidden.row_stride, data_of<const int32_t>(o.lengths), o.lengths.row_stride, o.seq_len,
      o.mode == pooling::cls, o.normalize, data_of<float>(o.out), o.out.row_stride, o.hidden.cols,
      ctx.input_fault);
  return check_launch("pool_f32_kernel");
}

}  // namespace winnow::kernels::cuda
