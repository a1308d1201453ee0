#include "model/bert_weights.hpp"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace winnow::model {
namespace {

status_or<device_tensor> upload(kernels::backend& backend, const void* data, kernels::dtype type, int64_t rows,
                                int64_t cols) {
  const size_t bytes = static_cast<size_t>(rows * cols) * kernels::dtype_size(type);
  WINNOW_ASSIGN_OR_RETURN(kernels::buffer b, backend.alloc(bytes));
  device_tensor t;
  t.buf = kernels::buffer_ptr(&backend, b);
  t.view = kernels::tensor::make(b.ptr, type, rows, cols);
  WINNOW_RETURN_IF_ERROR(backend.upload(b, 0, data, bytes));
  return t;
}

// Copies out of the mapping (safetensors does not promise float alignment).
status_or<std::vector<float>> read_f32(const safetensors_file& f, const std::string& name,
                                       const std::vector<int64_t>& shape) {
  WINNOW_ASSIGN_OR_RETURN(const float* p, f.get_f32(name, shape));
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  std::vector<float> out(static_cast<size_t>(n));
  std::memcpy(out.data(), p, out.size() * sizeof(float));
  for (size_t i = 0; i < out.size(); ++i) {
    if (!std::isfinite(out[i])) {
      return status::corruption(f.path() + ": tensor '" + name + "' holds a non-finite value at element " +
                                std::to_string(i));
    }
  }
  return out;
}

status_or<device_tensor> load_f32(const safetensors_file& f, kernels::backend& backend, const std::string& name,
                                  int64_t rows, int64_t cols, bool is_vector) {
  std::vector<int64_t> shape = is_vector ? std::vector<int64_t>{cols} : std::vector<int64_t>{rows, cols};
  WINNOW_ASSIGN_OR_RETURN(std::vector<float> v, read_f32(f, name, shape));
  return upload(backend, v.data(), kernels::dtype::f32, rows, cols);
}

// Symmetric per-output-channel quantization: scale[n] = max|w[n,:]| / levels
// (127, or 63 for 7-bit weights).
void quantize_per_channel(const std::vector<float>& w, int64_t n_dim, int64_t k_dim, float levels,
                          std::vector<int8_t>& q, std::vector<float>& scales) {
  q.assign(static_cast<size_t>(n_dim * k_dim), 0);
  scales.assign(static_cast<size_t>(n_dim), 0.f);
  for (int64_t n = 0; n < n_dim; ++n) {
    const float* row = w.data() + n * k_dim;
    float amax = 0.f;
    for (int64_t k = 0; k < k_dim; ++k) amax = std::fmax(amax, std::fabs(row[k]));
    if (amax == 0.f) continue;
    scales[n] = amax / levels;
    const float inv = levels / amax;
    for (int64_t k = 0; k < k_dim; ++k) {
      q[n * k_dim + k] = static_cast<int8_t>(std::fmax(-levels, std::fmin(levels, std::nearbyint(row[k] * inv))));
    }
  }
}

// panels16x4_w7 (7-bit weights), else panels16x4, when the backend runs an
// int8 matmul with it (the CPU backend's packed layouts, weight_layout.hpp),
// otherwise PyTorch's rows. Asked with a never-run op: supports() checks
// shapes and dtypes, not memory. Why 7-bit weights where the kernel has them:
// its u8 path is ~20% faster with them, and with the encoder's smoothing of
// QKV/FFN-in inputs the int8 vectors still stay closer to fp32 than 8-bit
// weights without it (see model/encoder.cpp).
kernels::weight_layout preferred_s8_layout(const kernels::backend& backend, int64_t n_dim, int64_t k_dim) {
  static int8_t dummy;
  using kernels::dtype;
  using kernels::tensor;
  kernels::gemm_s8s8_f32_op probe{tensor::make(&dummy, dtype::s8, 1, k_dim), tensor::make(&dummy, dtype::f32, 1, 1),
                                  tensor::make(&dummy, dtype::s8, n_dim, k_dim),
                                  tensor::make(&dummy, dtype::f32, n_dim, 1), tensor{},
                                  tensor::make(&dummy, dtype::f32, 1, n_dim), kernels::weight_layout::panels16x4_w7};
  for (const auto layout : {kernels::weight_layout::panels16x4_w7, kernels::weight_layout::panels16x4}) {
    probe.b_layout = layout;
    if (backend.supports(probe)) return layout;
  }
  return kernels::weight_layout::rows;
}

status_or<device_tensor> upload_s8_weights(kernels::backend& backend, const std::vector<int8_t>& q,
                                           int64_t n_dim, int64_t k_dim, kernels::weight_layout layout) {
  if (layout == kernels::weight_layout::rows) return upload(backend, q.data(), kernels::dtype::s8, n_dim, k_dim);
  std::vector<int8_t> packed(static_cast<size_t>(kernels::panels_bytes(n_dim, k_dim)));
  kernels::pack_s8_panels(q.data(), n_dim, k_dim, k_dim, packed.data());
  WINNOW_ASSIGN_OR_RETURN(kernels::buffer b, backend.alloc(packed.size()));
  device_tensor t;
  t.buf = kernels::buffer_ptr(&backend, b);
  t.view = kernels::tensor::make(b.ptr, kernels::dtype::s8, n_dim, k_dim);
  WINNOW_RETURN_IF_ERROR(backend.upload(b, 0, packed.data(), packed.size()));
  return t;
}

// Quantizes `w` (f32 [n, k]) into l's int8 weights in l.w_s8_layout, with
// their per-channel scales and row sums.
status set_int8_weights(linear_weights& l, const std::vector<float>& w, int64_t n_dim, int64_t k_dim,
                        kernels::backend& backend) {
  std::vector<int8_t> q;
  std::vector<float> scales;
  const float levels = l.w_s8_layout == kernels::weight_layout::panels16x4_w7 ? 63.f : 127.f;
  quantize_per_channel(w, n_dim, k_dim, levels, q, scales);
  WINNOW_ASSIGN_OR_RETURN(l.w_s8, upload_s8_weights(backend, q, n_dim, k_dim, l.w_s8_layout));
  WINNOW_ASSIGN_OR_RETURN(l.w_scales, upload(backend, scales.data(), kernels::dtype::f32, n_dim, 1));
  std::vector<int32_t> sums(static_cast<size_t>(n_dim), 0);
  for (int64_t n = 0; n < n_dim; ++n) {
    for (int64_t k = 0; k < k_dim; ++k) sums[n] += q[n * k_dim + k];
  }
  WINNOW_ASSIGN_OR_RETURN(l.w_sums, upload(backend, sums.data(), kernels::dtype::s32, 1, n_dim));
  return {};
}

// Rows of several checkpoint tensors stacked into one [sum(N), K] linear.
status_or<linear_weights> load_linear(const safetensors_file& f, kernels::backend& backend,
                                      const std::vector<std::string>& prefixes, int64_t n_each, int64_t k_dim,
                                      bool int8) {
  std::vector<float> w, bias;
  for (const std::string& p : prefixes) {
    WINNOW_ASSIGN_OR_RETURN(std::vector<float> part, read_f32(f, p + ".weight", {n_each, k_dim}));
    w.insert(w.end(), part.begin(), part.end());
    WINNOW_ASSIGN_OR_RETURN(std::vector<float> b, read_f32(f, p + ".bias", {n_each}));
    bias.insert(bias.end(), b.begin(), b.end());
  }
  const int64_t n_dim = n_each * static_cast<int64_t>(prefixes.size());
  linear_weights l;
  WINNOW_ASSIGN_OR_RETURN(l.w_f32, upload(backend, w.data(), kernels::dtype::f32, n_dim, k_dim));
  WINNOW_ASSIGN_OR_RETURN(l.bias, upload(backend, bias.data(), kernels::dtype::f32, 1, n_dim));
  if (int8) {
    l.w_s8_layout = preferred_s8_layout(backend, n_dim, k_dim);
    WINNOW_RETURN_IF_ERROR(set_int8_weights(l, w, n_dim, k_dim, backend));
  }
  return l;
}

}  // namespace

status_or<bert_weights> load_bert_weights(const safetensors_file& f, const model_config& c, bool int8,
                                          kernels::backend& backend) {
  const std::string pre = f.contains("bert.embeddings.word_embeddings.weight") ? "bert." : "";
  const int64_t h = c.hidden_size, inter = c.intermediate_size;
  bert_weights w;
  const std::string e = pre + "embeddings.";
  WINNOW_ASSIGN_OR_RETURN(w.word, load_f32(f, backend, e + "word_embeddings.weight", c.vocab_size, h, false));
  WINNOW_ASSIGN_OR_RETURN(w.position, load_f32(f, backend, e + "position_embeddings.weight",
                                               c.max_position_embeddings, h, false));
  WINNOW_ASSIGN_OR_RETURN(w.token_type, load_f32(f, backend, e + "token_type_embeddings.weight",
                                                 c.type_vocab_size, h, false));
  WINNOW_ASSIGN_OR_RETURN(w.emb_gamma, load_f32(f, backend, e + "LayerNorm.weight", 1, h, true));
  WINNOW_ASSIGN_OR_RETURN(w.emb_beta, load_f32(f, backend, e + "LayerNorm.bias", 1, h, true));
  for (int i = 0; i < c.num_layers; ++i) {
    const std::string l = pre + "encoder.layer." + std::to_string(i) + ".";
    layer_weights lw;
    WINNOW_ASSIGN_OR_RETURN(lw.qkv, load_linear(f, backend,
                                                {l + "attention.self.query", l + "attention.self.key",
                                                 l + "attention.self.value"},
                                                h, h, int8));
    WINNOW_ASSIGN_OR_RETURN(lw.attn_out, load_linear(f, backend, {l + "attention.output.dense"}, h, h, int8));
    WINNOW_ASSIGN_OR_RETURN(lw.ffn_in, load_linear(f, backend, {l + "intermediate.dense"}, inter, h, int8));
    WINNOW_ASSIGN_OR_RETURN(lw.ffn_out, load_linear(f, backend, {l + "output.dense"}, h, inter, int8));
    WINNOW_ASSIGN_OR_RETURN(lw.ln1_gamma, load_f32(f, backend, l + "attention.output.LayerNorm.weight", 1, h, true));
    WINNOW_ASSIGN_OR_RETURN(lw.ln1_beta, load_f32(f, backend, l + "attention.output.LayerNorm.bias", 1, h, true));
    WINNOW_ASSIGN_OR_RETURN(lw.ln2_gamma, load_f32(f, backend, l + "output.LayerNorm.weight", 1, h, true));
    WINNOW_ASSIGN_OR_RETURN(lw.ln2_beta, load_f32(f, backend, l + "output.LayerNorm.bias", 1, h, true));
    w.layers.push_back(std::move(lw));
  }
  return w;
}

status smooth_linear(linear_weights& l, const std::vector<float>& act_amax, kernels::backend& backend) {
  const int64_t n_dim = l.w_f32.view.rows, k_dim = l.w_f32.view.cols;
  if (static_cast<int64_t>(act_amax.size()) != k_dim || l.w_s8.view.empty()) {
    return status::invalid_argument("smooth_linear: " + std::to_string(act_amax.size()) +
                                    " activation maxima for a linear of " + std::to_string(k_dim) +
                                    " inputs, or no int8 weights");
  }
  std::vector<float> w(static_cast<size_t>(n_dim * k_dim));
  WINNOW_RETURN_IF_ERROR(backend.download(w.data(), l.w_f32.buf.get(), 0, w.size() * sizeof(float)));
  std::vector<float> w_amax(static_cast<size_t>(k_dim), 0.f);
  for (int64_t n = 0; n < n_dim; ++n) {
    for (int64_t k = 0; k < k_dim; ++k) w_amax[k] = std::fmax(w_amax[k], std::fabs(w[n * k_dim + k]));
  }
  std::vector<float> inv(static_cast<size_t>(k_dim), 1.f);
  for (int64_t k = 0; k < k_dim; ++k) {
    if (act_amax[k] > 0.f && w_amax[k] > 0.f) {
      // On a grid of 2^(1/4): calibration on another backend (or kernel)
      // sees maxima a few ulps apart, and exact factors would then round
      // some weights the other way, so int8 vectors differed between the
      // fast and the reference backend (cosine 0.9990 instead of 1.0000).
      const float s = std::exp2(std::nearbyint(std::log2(std::sqrt(act_amax[k] / w_amax[k])) * 4.f) / 4.f);
      for (int64_t n = 0; n < n_dim; ++n) w[n * k_dim + k] *= s;
      inv[k] = 1.f / s;
    }
  }
  WINNOW_RETURN_IF_ERROR(set_int8_weights(l, w, n_dim, k_dim, backend));
  WINNOW_ASSIGN_OR_RETURN(l.in_scales, upload(backend, inv.data(), kernels::dtype::f32, 1, k_dim));
  return {};
}

void drop_linear_copies(bert_weights& w, bool keep_int8) {
  for (layer_weights& l : w.layers) {
    for (linear_weights* lin : {&l.qkv, &l.attn_out, &l.ffn_in, &l.ffn_out}) {
      if (keep_int8) {
        lin->w_f32 = device_tensor{};
      } else {
        lin->w_s8 = device_tensor{};
        lin->w_scales = device_tensor{};
        lin->w_sums = device_tensor{};
        lin->in_scales = device_tensor{};
      }
    }
  }
}

status gather_int8_weights(bert_weights& w, kernels::backend& backend) {
  // Each tensor starts where a buffer of its own would: cudaMalloc aligns to
  // 256 bytes and GPU GEMM libraries may rely on it.
  constexpr size_t align = 256;
  // A packed layout's buffer is larger than its view (the last panel is
  // padded), so the buffers' sizes are what moves.
  const auto slot = [&](const linear_weights* lin) { return (lin->w_s8.buf.bytes() + align - 1) / align * align; };
  std::vector<linear_weights*> lins;
  size_t total = 0;
  for (layer_weights& l : w.layers) {
    for (linear_weights* lin : {&l.qkv, &l.attn_out, &l.ffn_in, &l.ffn_out}) {
      if (lin->w_s8.view.empty() || !lin->w_s8.buf.data()) continue;  // none, or gathered already
      lins.push_back(lin);
      total += slot(lin);
    }
  }
  if (lins.empty() || w.int8_arena.data()) return {};
  WINNOW_ASSIGN_OR_RETURN(kernels::buffer arena, backend.alloc(total));
  kernels::buffer_ptr owner(&backend, arena);
  std::vector<uint8_t> host;
  size_t offset = 0;
  for (linear_weights* lin : lins) {
    const size_t bytes = lin->w_s8.buf.bytes();
    host.resize(bytes);
    WINNOW_RETURN_IF_ERROR(backend.download(host.data(), lin->w_s8.buf.get(), 0, bytes));
    WINNOW_RETURN_IF_ERROR(backend.upload(arena, offset, host.data(), bytes));
    offset += slot(lin);
  }
  // Only now, with every copy made, do the views move (an error above leaves
  // the weights as they were).
  offset = 0;
  for (linear_weights* lin : lins) {
    const size_t next = offset + slot(lin);
    kernels::tensor view = lin->w_s8.view;
    view.data = static_cast<char*>(arena.ptr) + offset;
    lin->w_s8 = device_tensor{kernels::buffer_ptr{}, view};
    offset = next;
  }
  w.int8_arena = std::move(owner);
  return {};
}

}  // namespace winnow::model
