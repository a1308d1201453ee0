// attention_f16 on the CPU: qkv widened to f32 (exact), then attention_op.
// The oracle for the tensor-core kernel (kernels/cuda/attention_f16.cu),
// whose only extra error is rounding P to f16 before P.V.
#include <cstdint>
#include <vector>

#include "kernels/cpu/cpu_ops.hpp"
#include "kernels/f16.hpp"

namespace winnow::kernels::cpu {
namespace {

template <class Attention>
void widened(const attention_f16_op& o, Attention run) {
  const int64_t rows = o.qkv.rows, cols = o.qkv.cols;
  std::vector<float> qkv(static_cast<size_t>(rows * cols));
  for (int64_t r = 0; r < rows; ++r) {
    const auto* src = static_cast<const uint16_t*>(o.qkv.data) + r * o.qkv.row_stride;
    for (int64_t c = 0; c < cols; ++c) qkv[static_cast<size_t>(r * cols + c)] = f16_to_f32(src[c]);
  }
  attention_op a;
  a.qkv = tensor::make(qkv.data(), dtype::f32, rows, cols);
  a.lengths = o.lengths;
  a.batch = o.batch;
  a.seq_len = o.seq_len;
  a.heads = o.heads;
  a.head_dim = o.head_dim;
  a.scale = o.scale;
  a.out = o.out;
  run(a);
}

}  // namespace

void attention_f16_ref(const attention_f16_op& o) {
  widened(o, [](const attention_op& a) { attention_ref(a); });
}

void attention_f16_fast(const attention_f16_op& o, int threads) {
  widened(o, [threads](const attention_op& a) { attention_fast(a, threads); });
}

}  // namespace winnow::kernels::cpu
