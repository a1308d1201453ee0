#pragma once
// The CPU backend's op entry points (style.md §6.2). Each op has a scalar
// `<op>_ref` (obviously right; the oracle for every other backend) and a fast
// variant that the backend dispatches to when it is not in reference mode.
// REQUIRES for every function: operands already validated by
// cpu_backend::run (dtypes, shapes, strides); pointers are host memory.
// `threads` is the most worker threads the call may use.

#include "kernels/backend.hpp"

namespace winnow::kernels::cpu {

void quantize_rows_f32_s8_ref(const quantize_rows_f32_s8_op& o);
void quantize_rows_f32_s8_fast(const quantize_rows_f32_s8_op& o, int threads);

void gemm_s8s8_f32_ref(const gemm_s8s8_f32_op& o);
void gemm_s8s8_f32_fast(const gemm_s8s8_f32_op& o, int threads);

// The AVX2 kernel for weights in a packed layout (gemm_s8s8_panels.cpp).
// REQUIRES: has_avx2_fma() and no -128 in `a` (see holds_min_s8).
void gemm_s8s8_f32_panels_avx2(const gemm_s8s8_f32_op& o, int threads);
// The same for a u8 `a` with zero points (quantize_rows_f32_s8_op's 7-bit
// asymmetric form), weights in either packed layout. REQUIRES:
// has_avx2_fma(), b_sums set and every `a` value <= 127 (see
// holds_above_s8_max): then vpmaddubsw cannot saturate.
void gemm_u8s8_f32_panels_avx2(const gemm_s8s8_f32_op& o, int threads);
bool holds_above_s8_max(const tensor& t);
// Whether any element of an s8 tensor is -128: the sign trick of the AVX2
// int8 kernels (|b| x sign(a, b)) cannot negate it.
bool holds_min_s8(const tensor& t);

void gemm_f32_ref(const gemm_f32_op& o);
void gemm_f32_fast(const gemm_f32_op& o, int threads);

void add_residual_layernorm_ref(const add_residual_layernorm_op& o);
void add_residual_layernorm_fast(const add_residual_layernorm_op& o, int threads);

void gelu_ref(const gelu_op& o);
void gelu_fast(const gelu_op& o, int threads);

void attention_ref(const attention_op& o);
void attention_fast(const attention_op& o, int threads);

void embed_ref(const embed_op& o);
void embed_fast(const embed_op& o, int threads);

void pool_ref(const pool_op& o);

// The fused ops, each the composition of the ops above that defines it.
void gemm_s8s8_fused_ref(const gemm_s8s8_fused_op& o);
void gemm_s8s8_fused_fast(const gemm_s8s8_fused_op& o, int threads);
void residual_layernorm_quantize_ref(const residual_layernorm_quantize_op& o);
void residual_layernorm_quantize_fast(const residual_layernorm_quantize_op& o, int threads);
void attention_f16_ref(const attention_f16_op& o);
void attention_f16_fast(const attention_f16_op& o, int threads);

// Which SIMD level the fast variants use on this machine: "avx2" or "generic".
const char* simd_level();
bool has_avx2_fma();

}  // namespace winnow::kernels::cpu
