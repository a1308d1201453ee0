#include "kernels/backend.hpp"

namespace winnow::kernels {

const char* to_string(dtype t) {
  switch (t) {
    case dtype::f32: return "f32";
    case dtype::s8: return "s8";
    case dtype::s32: return "s32";
    case dtype::u8: return "u8";
    case dtype::f16: return "f16";
  }
  return "?";
}

namespace {
struct op_name_visitor {
  const char* operator()(const quantize_rows_f32_s8_op&) const { return "quantize_rows_f32_s8"; }
  const char* operator()(const gemm_s8s8_f32_op&) const { return "gemm_s8s8_f32"; }
  const char* operator()(const gemm_f32_op&) const { return "gemm_f32"; }
  const char* operator()(const add_residual_layernorm_op&) const { return "add_residual_layernorm"; }
  const char* operator()(const gelu_op&) const { return "gelu"; }
  const char* operator()(const attention_op&) const { return "attention"; }
  const char* operator()(const embed_op&) const { return "embed"; }
  const char* operator()(const pool_op&) const { return "pool"; }
  const char* operator()(const gemm_s8s8_fused_op&) const { return "gemm_s8s8_fused"; }
  const char* operator()(const residual_layernorm_quantize_op&) const { return "residual_layernorm_quantize"; }
  const char* operator()(const attention_f16_op&) const { return "attention_f16"; }
};
}  // namespace

const char* op_name(const op& o) { return std::visit(op_name_visitor{}, o); }

}  // namespace winnow::kernels
