#include "kernels/cuda/embed.cuh"

#include "kernels/cuda/reduce.cuh"
#include "kernels/cuda/validate.hpp"
#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {
namespace {

constexpr int rows_per_block = 8;  // one warp per row

struct embed_tables {
  const float* word;
  int64_t word_stride;
  int64_t vocab;
  const float* position;
  int64_t position_stride;
  const float* type;
  int64_t type_stride;
  int64_t type_vocab;
  const float* gamma;
  const float* beta;
};

__global__ void embed_f32_kernel(const int32_t* __restrict__ ids, int64_t ids_stride,
                                 const int32_t* __restrict__ type_ids, int64_t type_ids_stride,
                                 embed_tables t, float eps, int32_t seq_len, float* __restrict__ out,
                                 int64_t out_stride, int64_t rows, int64_t cols, int* fault) {
  const int64_t row = static_cast<int64_t>(blockIdx.x) * rows_per_block + threadIdx.y;
  if (row >= rows) return;
  float* y = out + row * out_stride;
  const int32_t id = ids[row * ids_stride];
  const int32_t type = type_ids != nullptr ? type_ids[row * type_ids_stride] : 0;
  const bool bad_id = id < 0 || id >= t.vocab;
  const bool bad_type = type < 0 || type >= t.type_vocab;
  if (bad_id || bad_type) {
    if (threadIdx.x == 0)
      record_input_fault(fault, bad_id ? fault_token_id : fault_type_id, row, bad_id ? id : type);
    for (int64_t c = threadIdx.x; c < cols; c += 32) y[c] = 0.0f;
    return;
  }
  const float* w = t.word + id * t.word_stride;
  const float* p = t.position + (row % seq_len) * t.position_stride;
  const float* ty = t.type + static_cast<int64_t>(type) * t.type_stride;
  hd::welford acc;
  for (int64_t c = threadIdx.x; c < cols; c += 32) acc = hd::welford_add(acc, w[c] + p[c] + ty[c]);
  acc = warp_welford(acc);
  const float rstd = hd::layernorm_rstd(acc, eps);
  for (int64_t c = threadIdx.x; c < cols; c += 32)
    y[c] = hd::layernorm_apply(w[c] + p[c] + ty[c], acc.mean, rstd, t.gamma[c], t.beta[c]);
}

}  // namespace

status cuda_op_embed(context& ctx, const embed_op& o) {
  if (o.batch < 0 || o.seq_len <= 0) return status::invalid_argument("embed: batch/seq_len must be positive");
  const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
  WINNOW_RETURN_IF_ERROR(expect_tensor("embed.word_table", o.word_table, dtype::f32, -1, -1));
  const int64_t h = o.word_table.cols;
  WINNOW_RETURN_IF_ERROR(expect_tensor("embed.ids", o.ids, dtype::s32, rows, 1));
  WINNOW_RETURN_IF_ERROR(expect_optional("embed.type_ids", o.type_ids, dtype::s32, rows, 1));
  WINNOW_RETURN_IF_ERROR(expect_tensor("embed.position_table", o.position_table, dtype::f32, -1, h));
  WINNOW_RETURN_IF_ERROR(expect_tensor("embed.type_table", o.type_table, dtype::f32, -1, h));
  WINNOW_RETURN_IF_ERROR(expect_tensor("embed.gamma", o.gamma, dtype::f32, 1, h));
  WINNOW_RETURN_IF_ERROR(expect_tensor("embed.beta", o.beta, dtype::f32, 1, h));
  WINNOW_RETURN_IF_ERROR(expect_tensor("embed.out", o.out, dtype::f32, rows, h));
  if (o.position_table.rows < o.seq_len)
    return status::invalid_argument("embed: seq_len " + std::to_string(o.seq_len) + " exceeds the " +
                                    std::to_string(o.position_table.rows) + " positions of the table");
  if (rows == 0) return status::ok_status();
  const embed_tables t{data_of<const float>(o.word_table), o.word_table.row_stride, o.word_table.rows,
                       data_of<const float>(o.position_table), o.position_table.row_stride,
                       data_of<const float>(o.type_table), o.type_table.row_stride, o.type_table.rows,
                       data_of<const float>(o.gamma), data_of<const float>(o.beta)};
  const dim3 block(32, rows_per_block);
  const dim3 grid(static_cast<unsigned>(hd::div_up(rows, rows_per_block)));
  embed_f32_kernel<<<grid, block, 0, ctx.stream>>>(
      data_of<const int32_t>(o.ids), o.ids.row_stride,
      o.type_ids.empty() ? nullptr : data_of<const int32_t>(o.type_ids), o.type_ids.row_stride, t,
      o.eps, o.seq_len, data_of<float>(o.out), o.out.row_stride, rows, h, ctx.input_fault);
  return check_launch("embed_f32_kernel");
}

}  // namespace winnow::kernels::cuda
