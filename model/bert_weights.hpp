#pragma once
// The weights of a BERT encoder, read from safetensors, validated against the
// config and uploaded to a backend. Linear layers are stored in PyTorch's
// [out_features, in_features] layout; Q, K and V are fused into one
// [3H, H] matrix so that a layer makes one QKV matmul. For int8 each linear
// weight is quantized once, symmetric per output channel.

#include <string>
#include <vector>

#include "common/status_or.hpp"
#include "kernels/backend.hpp"
#include "model/model_config.hpp"
#include "model/safetensors.hpp"

namespace winnow::model {

// A tensor living in a backend buffer.
struct device_tensor {
  kernels::buffer_ptr buf;
  kernels::tensor view;  // points into buf
};

struct linear_weights {
  device_tensor w_f32;     // f32 [N, K]; empty once fp32 is dropped
  device_tensor w_s8;      // s8 [N, K] in w_s8_layout; empty unless int8 was prepared
  kernels::weight_layout w_s8_layout = kernels::weight_layout::rows;
  device_tensor w_scales;  // f32 [N, 1]
  device_tensor w_sums;    // s32 [1, N]: sum_k of the s8 weights, for u8 activations (int8 only)
  device_tensor bias;      // f32 [1, N]
  // f32 [1, K] when the int8 weights are smoothed (smooth_linear): the input
  // must be quantized as x[m, k] * in_scales[k] (quantize col_scales).
  device_tensor in_scales;
};

struct layer_weights {
  linear_weights qkv, attn_out, ffn_in, ffn_out;
  device_tensor ln1_gamma, ln1_beta, ln2_gamma, ln2_beta;
};

struct bert_weights {
  device_tensor word, position, token_type, emb_gamma, emb_beta;
  std::vector<layer_weights> layers;
  // After gather_int8_weights: the one buffer every linear's w_s8 views
  // (their own `buf` is then empty).
  kernels::buffer_ptr int8_arena;
};

// Reads every tensor the config implies (a "bert." prefix is accepted);
// errors name the file and tensor. With `int8`, also quantizes the linear
// weights, packed in the backend's preferred layout (panels16x4_w7 with 7-bit
// weights, else panels16x4, where the backend supports it, else rows). REQUIRES: backend outlives the result.
status_or<bert_weights> load_bert_weights(const safetensors_file& file, const model_config& config,
                                          bool int8, kernels::backend& backend);

// SmoothQuant-style smoothing of an int8 linear (Xiao et al., 2023): a few
// input channels with large activations (`act_amax[k]`, max |x[:, k]| seen on
// calibration texts) set every row's quantization scale and leave the other
// channels few levels. With s[k] = sqrt(act_amax[k] / max_n |w[n, k]|),
// rounded to a power of 2^(1/4) (so that calibrations a few ulps apart
// agree), the s8 weights become the per-channel quantization of
// w[n, k] * s[k] and in_scales[k] = 1 / s[k], so (x / s) . (w * s) is the
// same product with flatter activations. Channels without activation or
// weight keep s = 1.
// REQUIRES: l still holds its fp32 copy and its int8 weights (any layout).
status smooth_linear(linear_weights& l, const std::vector<float>& act_amax, kernels::backend& backend);

// Frees the fp32 (keep_int8) or the int8 (!keep_int8) copies of linear weights.
void drop_linear_copies(bert_weights& w, bool keep_int8);

// Moves every linear's int8 weights into one buffer, in layer order. Why: a
// query streams all of them (~10 MB for MiniLM); one large allocation lets
// the CPU backend back it with huge pages (kernels/cpu/cpu_backend.cpp), so
// the stream does not miss the TLB on every 4 KiB page.
status gather_int8_weights(bert_weights& w, kernels::backend& backend);

}  // namespace winnow::model
