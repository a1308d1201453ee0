// gemm_s8s8_fused on the CPU: literally the composition that defines it
// (kernels/backend.hpp): gemm_s8s8_f32, then GELU, then an f16 rounding or a
// per-row s8 quantization. This is the oracle for the fused CUDA kernel, and
// lets the fused encoder graph run (slowly) on the CPU for --check-on-cpu;
// the CPU's own encoder graph does not use it (it takes u8 activations).
#include <cstdint>
#include <vector>

#include "kernels/cpu/cpu_ops.hpp"
#include "kernels/f16.hpp"

namespace winnow::kernels::cpu {
namespace {

template <class Gemm, class Gelu, class Quantize>
void fused(const gemm_s8s8_fused_op& o, Gemm gemm, Gelu gelu, Quantize quantize) {
  const int64_t m = o.a.rows, n = o.b.rows;
  // f32 output: compute in place; otherwise through a contiguous temporary.
  std::vector<float> tmp;
  tensor y = o.out;
  if (o.out.type != dtype::f32) {
    tmp.resize(static_cast<size_t>(m * n));
    y = tensor::make(tmp.data(), dtype::f32, m, n);
  }
  gemm_s8s8_f32_op g{o.a, o.a_scales, o.b, o.b_scales, o.bias, y, o.b_layout};
  gemm(g);
  if (o.gelu) gelu(gelu_op{y, y});
  if (o.out.type == dtype::s8) {
    quantize(quantize_rows_f32_s8_op{y, o.out, o.out_scales, tensor{}, tensor{}});
  } else if (o.out.type == dtype::f16) {
    for (int64_t r = 0; r < m; ++r) {
      auto* dst = static_cast<uint16_t*>(o.out.data) + r * o.out.row_stride;
      for (int64_t c = 0; c < n; ++c) dst[c] = f32_to_f16(tmp[static_cast<size_t>(r * n + c)]);
    }
  }
}

}  // namespace

void gemm_s8s8_fused_ref(const gemm_s8s8_fused_op& o) {
  fused(o, [](const gemm_s8s8_f32_op& g) { gemm_s8s8_f32_ref(g); }, [](const gelu_op& g) { gelu_ref(g); },
        [](const quantize_rows_f32_s8_op& q) { quantize_rows_f32_s8_ref(q); });
}

void gemm_s8s8_fused_fast(const gemm_s8s8_fused_op& o, int threads) {
  fused(o, [threads](const gemm_s8s8_f32_op& g) { gemm_s8s8_f32_fast(g, threads); },
        [threads](const gelu_op& g) { gelu_fast(g, threads); },
        [threads](const quantize_rows_f32_s8_op& q) { quantize_rows_f32_s8_fast(q, threads); });
}

}  // namespace winnow::kernels::cpu
