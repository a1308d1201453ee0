// residual_layernorm_quantize on the CPU: add_residual_layernorm, then the
// symmetric per-row quantization of its output (the op's definition in
// kernels/backend.hpp; the oracle for the fused CUDA kernel).
#include "kernels/cpu/cpu_ops.hpp"

namespace winnow::kernels::cpu {

void residual_layernorm_quantize_ref(const residual_layernorm_quantize_op& o) {
  add_residual_layernorm_ref(add_residual_layernorm_op{o.x, o.residual, o.gamma, o.beta, o.eps, o.out});
  quantize_rows_f32_s8_ref(quantize_rows_f32_s8_op{o.out, o.q, o.q_scales, tensor{}, tensor{}});
}

void residual_layernorm_quantize_fast(const residual_layernorm_quantize_op& o, int threads) {
  add_residual_layernorm_fast(add_residual_layernorm_op{o.x, o.residual, o.gamma, o.beta, o.eps, o.out}, threads);
  quantize_rows_f32_s8_fast(quantize_rows_f32_s8_op{o.out, o.q, o.q_scales, tensor{}, tensor{}}, threads);
}

}  // namespace winnow::kernels::cpu
