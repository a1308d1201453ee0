#pragma once
// A MiniLM-L6-shaped BERT encoder written directly as kernels/backend.hpp ops
// with synthetic int8 weights, for benchmarking a backend without model/ (and
// its JSON/Unicode dependencies) or the model files. Same op sequence as an
// int8 encoder: embed, 6 x [quantize, QKV gemm, fused attention, quantize,
// output gemm, add+LayerNorm, quantize, FFN-up gemm, GELU, quantize, FFN-down
// gemm, add+LayerNorm], mean pool + L2. Weights are seeded, so two backends
// built with the same seed compute the same function (the bench's
// cross-check). Not a model: its vectors mean nothing.
//
// With `fused`, the same function as model/encoder's fused int8 graph (the
// GPU graph): embed, quantize, 6 x [QKV gemm_s8s8_fused -> f16, attention_f16,
// quantize, output gemm_s8s8_fused, residual_layernorm_quantize, FFN-up
// gemm_s8s8_fused with GELU -> s8, FFN-down gemm_s8s8_fused,
// residual_layernorm_quantize], pool. f32 attention where the backend has no
// attention_f16 for head_dim 32.

#include <cstdint>
#include <memory>
#include <vector>

#include "common/status_or.hpp"
#include "kernels/backend.hpp"

namespace winnow::bench {

struct minilm_shape {
  int layers = 6;
  int hidden = 384;
  int heads = 12;
  int ffn = 1536;
  int vocab = 30522;
  int max_positions = 512;
};

class minilm_graph {
 public:
  // Uploads seeded weights to `be` (which must outlive the graph) and sizes
  // activations for up to max_batch x seq_len tokens.
  static status_or<std::unique_ptr<minilm_graph>> create(kernels::backend& be, const minilm_shape& shape,
                                                         int max_batch, int seq_len, uint64_t seed,
                                                         bool fused = false);
  ~minilm_graph();
  minilm_graph(const minilm_graph&) = delete;
  minilm_graph& operator=(const minilm_graph&) = delete;

  // ids: batch * seq_len token ids; lengths: batch. Writes batch * hidden
  // floats to `out` (host). Includes the id upload and the vector download.
  status encode(const std::vector<int32_t>& ids, const std::vector<int32_t>& lengths, int batch,
                std::vector<float>& out);

  // With `on`, encode() runs embed .. pool through backend::run_sequence
  // (a CUDA graph per batch size on a CUDA backend; the ops as usual elsewhere).
  void set_recorded(bool on) { recorded_ = on; }

  int seq_len() const { return seq_len_; }
  bool fused() const { return fused_; }
  const minilm_shape& shape() const { return shape_; }

 private:
  struct layer;
  minilm_graph(kernels::backend& be, const minilm_shape& shape, int max_batch, int seq_len);
  status_or<kernels::buffer> alloc(size_t bytes);
  status enqueue_forward(int batch);
  static uint64_t next_uid();
  status quantized_linear(const kernels::tensor& x, const layer& l, int which, int64_t rows,
                          const kernels::tensor& out);
  status fused_layers(kernels::tensor& x, kernels::tensor& tmp, const kernels::tensor& lens, int batch,
                      int64_t rows);

  kernels::backend& be_;
  minilm_shape shape_;
  int max_batch_;
  int seq_len_;
  bool fused_ = false;
  bool recorded_ = false;
  uint64_t uid_ = next_uid();
  std::vector<kernels::buffer_ptr> owned_;
  std::vector<layer> layers_;
  // Embedding tables, final activations.
  kernels::tensor word_, position_, type_, emb_gamma_, emb_beta_;
  kernels::tensor ids_, type_ids_, lengths_, x_, tmp_, qkv_, ctx_, ffn_, xq_, xs_, pooled_;
  kernels::tensor hq_, hs_;  // fused: the s8 copy of x and its row scales
};

}  // namespace winnow::bench
