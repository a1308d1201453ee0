// embed: word + position + token-type embeddings, then LayerNorm.
#include <cstdint>
#include <vector>

#include "kernels/cpu/cpu_ops.hpp"

namespace winnow::kernels::cpu {

namespace {

// word + position + token-type embedding of one row into `sum`.
void sum_row(const embed_op& o, int64_t row, float* sum) {
  const int64_t h = o.word_table.cols;
  const auto* ids = static_cast<const int32_t*>(o.ids.data);
  const auto* types = static_cast<const int32_t*>(o.type_ids.data);
  const float* w =
      static_cast<const float*>(o.word_table.data) + ids[row * o.ids.row_stride] * o.word_table.row_stride;
  const float* p =
      static_cast<const float*>(o.position_table.data) + (row % o.seq_len) * o.position_table.row_stride;
  const float* t =
      static_cast<const float*>(o.type_table.data) + types[row * o.type_ids.row_stride] * o.type_table.row_stride;
  for (int64_t i = 0; i < h; ++i) sum[i] = w[i] + p[i] + t[i];
}

add_residual_layernorm_op layernorm_of(const embed_op& o, const tensor& x) {
  add_residual_layernorm_op ln;
  ln.x = x;
  ln.gamma = o.gamma;
  ln.beta = o.beta;
  ln.eps = o.eps;
  ln.out = tensor{o.out.data, dtype::f32, x.rows, x.cols, o.out.row_stride};
  return ln;
}

}  // namespace

void embed_ref(const embed_op& o) {
  const int64_t h = o.word_table.cols;
  std::vector<float> sum(static_cast<size_t>(h));
  const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
  for (int64_t row = 0; row < rows; ++row) {
    sum_row(o, row, sum.data());
    add_residual_layernorm_op ln = layernorm_of(o, tensor::make(sum.data(), dtype::f32, 1, h));
    ln.out.data = static_cast<float*>(o.out.data) + row * o.out.row_stride;
    add_residual_layernorm_ref(ln);
  }
}

// The sums of all rows first, written where the output goes, then one fast
// LayerNorm over them in place (the scalar reference LayerNorm was ~2% of a
// query's time).
void embed_fast(const embed_op& o, int threads) {
  const int64_t h = o.word_table.cols;
  const int64_t rows = static_cast<int64_t>(o.batch) * o.seq_len;
  auto* out = static_cast<float*>(o.out.data);
  for (int64_t row = 0; row < rows; ++row) sum_row(o, row, out + row * o.out.row_stride);
  add_residual_layernorm_fast(layernorm_of(o, tensor{out, dtype::f32, rows, h, o.out.row_stride}), threads);
}

}  // namespace winnow::kernels::cpu
