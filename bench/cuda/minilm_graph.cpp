#include "bench/cuda/minilm_graph.hpp"

#include <atomic>
#include <cmath>
#include <random>
#include <utility>

namespace winnow::bench {

using namespace winnow::kernels;

// One transformer layer's weights: four int8 linears (qkv, out, up, down),
// each with per-output-channel scales and a bias, and two LayerNorms.
struct minilm_graph::layer {
  tensor w[4], w_scales[4], bias[4];
  tensor ln1_gamma, ln1_beta, ln2_gamma, ln2_beta;
};

minilm_graph::minilm_graph(backend& be, const minilm_shape& shape, int max_batch, int seq_len)
    : be_(be), shape_(shape), max_batch_(max_batch), seq_len_(seq_len) {}

minilm_graph::~minilm_graph() = default;

status_or<buffer> minilm_graph::alloc(size_t bytes) {
  WINNOW_ASSIGN_OR_RETURN(buffer b, be_.alloc(bytes));
  owned_.emplace_back(&be_, b);
  return b;
}

status_or<std::unique_ptr<minilm_graph>> minilm_graph::create(backend& be, const minilm_shape& s, int max_batch,
                                                              int seq_len, uint64_t seed, bool fused) {
  if (seq_len > s.max_positions || seq_len <= 0 || max_batch <= 0)
    return status::invalid_argument("minilm_graph: bad batch/seq_len");
  std::unique_ptr<minilm_graph> g(new minilm_graph(be, s, max_batch, seq_len));
  g->fused_ = fused;
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::uniform_int_distribution<int> s8(-127, 127);

  auto make = [&](dtype t, int64_t rows, int64_t cols) -> status_or<tensor> {
    WINNOW_ASSIGN_OR_RETURN(buffer b, g->alloc(static_cast<size_t>(rows * cols) * dtype_size(t)));
    return tensor::make(b.ptr, t, rows, cols);
  };
  auto f32 = [&](int64_t rows, int64_t cols, float scale, float offset) -> status_or<tensor> {
    WINNOW_ASSIGN_OR_RETURN(tensor t, make(dtype::f32, rows, cols));
    std::vector<float> v(static_cast<size_t>(rows * cols));
    for (auto& x : v) x = offset + scale * normal(rng);
    WINNOW_RETURN_IF_ERROR(be.upload(buffer{t.data, v.size() * 4}, 0, v.data(), v.size() * 4));
    return t;
  };
  auto i8 = [&](int64_t rows, int64_t cols) -> status_or<tensor> {
    WINNOW_ASSIGN_OR_RETURN(tensor t, make(dtype::s8, rows, cols));
    std::vector<int8_t> v(static_cast<size_t>(rows * cols));
    for (auto& x : v) x = static_cast<int8_t>(s8(rng));
    WINNOW_RETURN_IF_ERROR(be.upload(buffer{t.data, v.size()}, 0, v.data(), v.size()));
    return t;
  };

  const int64_t h = s.hidden;
  WINNOW_ASSIGN_OR_RETURN(g->word_, f32(s.vocab, h, 0.05f, 0.f));
  WINNOW_ASSIGN_OR_RETURN(g->position_, f32(s.max_positions, h, 0.02f, 0.f));
  WINNOW_ASSIGN_OR_RETURN(g->type_, f32(2, h, 0.02f, 0.f));
  WINNOW_ASSIGN_OR_RETURN(g->emb_gamma_, f32(1, h, 0.02f, 1.f));
  WINNOW_ASSIGN_OR_RETURN(g->emb_beta_, f32(1, h, 0.02f, 0.f));
  const int64_t out_features[4] = {3 * h, h, s.ffn, h};
  const int64_t in_features[4] = {h, h, h, s.ffn};
  for (int l = 0; l < s.layers; ++l) {
    layer ly;
    for (int k = 0; k < 4; ++k) {
      WINNOW_ASSIGN_OR_RETURN(ly.w[k], i8(out_features[k], in_features[k]));
      // Scale so each output has unit-ish variance: 1 / (127 * sqrt(K)).
      const float sc = 1.0f / (127.0f * std::sqrt(static_cast<float>(in_features[k])));
      WINNOW_ASSIGN_OR_RETURN(ly.w_scales[k], f32(out_features[k], 1, 0.1f * sc, sc));
      WINNOW_ASSIGN_OR_RETURN(ly.bias[k], f32(1, out_features[k], 0.02f, 0.f));
    }
    WINNOW_ASSIGN_OR_RETURN(ly.ln1_gamma, f32(1, h, 0.02f, 1.f));
    WINNOW_ASSIGN_OR_RETURN(ly.ln1_beta, f32(1, h, 0.02f, 0.f));
    WINNOW_ASSIGN_OR_RETURN(ly.ln2_gamma, f32(1, h, 0.02f, 1.f));
    WINNOW_ASSIGN_OR_RETURN(ly.ln2_beta, f32(1, h, 0.02f, 0.f));
    g->layers_.push_back(ly);
  }
  const int64_t rows = static_cast<int64_t>(max_batch) * seq_len;
  WINNOW_ASSIGN_OR_RETURN(g->ids_, make(dtype::s32, rows, 1));
  WINNOW_ASSIGN_OR_RETURN(g->type_ids_, make(dtype::s32, rows, 1));
  {
    const std::vector<int32_t> zeros(static_cast<size_t>(rows), 0);  // single-segment input: type 0
    WINNOW_RETURN_IF_ERROR(be.upload(buffer{g->type_ids_.data, zeros.size() * 4}, 0, zeros.data(), zeros.size() * 4));
  }
  WINNOW_ASSIGN_OR_RETURN(g->lengths_, make(dtype::s32, max_batch, 1));
  WINNOW_ASSIGN_OR_RETURN(g->x_, make(dtype::f32, rows, h));
  WINNOW_ASSIGN_OR_RETURN(g->tmp_, make(dtype::f32, rows, h));
  WINNOW_ASSIGN_OR_RETURN(g->qkv_, make(dtype::f32, rows, 3 * h));
  WINNOW_ASSIGN_OR_RETURN(g->ctx_, make(dtype::f32, rows, h));
  WINNOW_ASSIGN_OR_RETURN(g->ffn_, make(dtype::f32, rows, s.ffn));
  WINNOW_ASSIGN_OR_RETURN(g->xq_, make(dtype::s8, rows, s.ffn));
  WINNOW_ASSIGN_OR_RETURN(g->xs_, make(dtype::f32, rows, 1));
  WINNOW_ASSIGN_OR_RETURN(g->pooled_, make(dtype::f32, max_batch, h));
  if (fused) {
    WINNOW_ASSIGN_OR_RETURN(g->hq_, make(dtype::s8, rows, h));
    WINNOW_ASSIGN_OR_RETURN(g->hs_, make(dtype::f32, rows, 1));
  }
  WINNOW_RETURN_IF_ERROR(be.sync());
  return g;
}

namespace {
tensor rows_of(tensor t, int64_t rows) {
  t.rows = rows;
  return t;
}
tensor cols_of(tensor t, int64_t cols) {  // a contiguous [rows, cols] view of a wider scratch buffer
  t.cols = cols;
  t.row_stride = cols;
  return t;
}
}  // namespace

// out = dequant(quantize(x) * W^T) + bias, the int8 linear of every layer.
status minilm_graph::quantized_linear(const tensor& x, const layer& l, int which, int64_t rows, const tensor& out) {
  const tensor xq = rows_of(cols_of(xq_, x.cols), rows);
  const tensor xs = rows_of(xs_, rows);
  WINNOW_RETURN_IF_ERROR(be_.run(quantize_rows_f32_s8_op{x, xq, xs}));
  return be_.run(gemm_s8s8_f32_op{xq, xs, l.w[which], l.w_scales[which], l.bias[which], out});
}

// The fused graph's layers (model/encoder.cpp fused_layer, on seeded weights).
status minilm_graph::fused_layers(tensor& x, tensor& tmp, const tensor& lens, int batch, int64_t rows) {
  const int64_t h = shape_.hidden;
  const tensor hq = rows_of(hq_, rows), hs = rows_of(hs_, rows), xs = rows_of(xs_, rows);
  const tensor ctx = rows_of(ctx_, rows);
  tensor qkv16 = rows_of(qkv_, rows);  // the f32 buffer holds the f16 q/k/v with room to spare
  qkv16.type = dtype::f16;
  WINNOW_RETURN_IF_ERROR(be_.run(quantize_rows_f32_s8_op{x, hq, hs}));
  auto linear = [&](const tensor& a, const tensor& as, const layer& l, int which, const tensor& out) {
    gemm_s8s8_fused_op g;
    g.a = a;
    g.a_scales = as;
    g.b = l.w[which];
    g.b_scales = l.w_scales[which];
    g.bias = l.bias[which];
    g.out = out;
    return g;
  };
  attention_f16_op a16;
  a16.qkv = qkv16;
  a16.lengths = lens;
  a16.batch = batch;
  a16.seq_len = seq_len_;
  a16.heads = shape_.heads;
  a16.head_dim = static_cast<int32_t>(h / shape_.heads);
  a16.scale = 1.0f / std::sqrt(static_cast<float>(a16.head_dim));
  a16.out = ctx;
  const bool f16_attention = be_.supports(a16);
  for (const layer& l : layers_) {
    if (f16_attention) {
      WINNOW_RETURN_IF_ERROR(be_.run(linear(hq, hs, l, 0, qkv16)));
      WINNOW_RETURN_IF_ERROR(be_.run(a16));
    } else {
      const tensor qkv = rows_of(qkv_, rows);
      WINNOW_RETURN_IF_ERROR(be_.run(linear(hq, hs, l, 0, qkv)));
      attention_op a;
      a.qkv = qkv;
      a.lengths = lens;
      a.batch = batch;
      a.seq_len = seq_len_;
      a.heads = a16.heads;
      a.head_dim = a16.head_dim;
      a.scale = a16.scale;
      a.out = ctx;
      WINNOW_RETURN_IF_ERROR(be_.run(a));
    }
    const tensor ctx_q = rows_of(cols_of(xq_, h), rows);
    WINNOW_RETURN_IF_ERROR(be_.run(quantize_rows_f32_s8_op{ctx, ctx_q, xs}));
    WINNOW_RETURN_IF_ERROR(be_.run(linear(ctx_q, xs, l, 1, tmp)));
    residual_layernorm_quantize_op ln;
    ln.x = tmp;
    ln.residual = x;
    ln.gamma = l.ln1_gamma;
    ln.beta = l.ln1_beta;
    ln.out = tmp;  // aliases x operand `tmp` (allowed), then the roles swap
    ln.q = hq;
    ln.q_scales = hs;
    WINNOW_RETURN_IF_ERROR(be_.run(ln));
    std::swap(x, tmp);
    const tensor ffn_q = rows_of(cols_of(xq_, shape_.ffn), rows);
    gemm_s8s8_fused_op up = linear(hq, hs, l, 2, ffn_q);
    up.out_scales = xs;
    up.gelu = true;
    WINNOW_RETURN_IF_ERROR(be_.run(up));
    WINNOW_RETURN_IF_ERROR(be_.run(linear(ffn_q, xs, l, 3, tmp)));
    ln.x = tmp;
    ln.residual = x;
    ln.gamma = l.ln2_gamma;
    ln.beta = l.ln2_beta;
    ln.out = tmp;
    WINNOW_RETURN_IF_ERROR(be_.run(ln));
    std::swap(x, tmp);
  }
  return status::ok_status();
}

status minilm_graph::encode(const std::vector<int32_t>& ids, const std::vector<int32_t>& lengths, int batch,
                            std::vector<float>& out) {
  if (batch <= 0 || batch > max_batch_ || ids.size() != static_cast<size_t>(batch) * seq_len_ ||
      lengths.size() != static_cast<size_t>(batch))
    return status::invalid_argument("minilm_graph::encode: ids/lengths do not match batch x seq_len");
  const int64_t rows = static_cast<int64_t>(batch) * seq_len_;
  const int64_t h = shape_.hidden;
  WINNOW_RETURN_IF_ERROR(be_.upload(buffer{ids_.data, ids_.bytes()}, 0, ids.data(), ids.size() * 4));
  WINNOW_RETURN_IF_ERROR(be_.upload(buffer{lengths_.data, lengths_.bytes()}, 0, lengths.data(), lengths.size() * 4));
  // Embed .. pool: one recorded sequence (a CUDA graph) per batch size when
  // set_recorded(true), the same ops on the same buffers every time.
  auto forward = [&]() -> status { return enqueue_forward(batch); };
  if (recorded_) {
    WINNOW_RETURN_IF_ERROR(be_.run_sequence((uid_ << 16) | static_cast<uint64_t>(batch), forward));
  } else {
    WINNOW_RETURN_IF_ERROR(forward());
  }
  out.resize(static_cast<size_t>(batch) * shape_.hidden);
  return be_.download(out.data(), buffer{pooled_.data, pooled_.bytes()}, 0, out.size() * 4);
}

status minilm_graph::enqueue_forward(int batch) {
  const int64_t rows = static_cast<int64_t>(batch) * seq_len_;
  const int64_t h = shape_.hidden;
  const tensor ids_view = rows_of(ids_, rows), lens = rows_of(lengths_, batch);
  tensor x = rows_of(x_, rows), tmp = rows_of(tmp_, rows);
  const tensor qkv = rows_of(qkv_, rows), ctx = rows_of(ctx_, rows), ffn = rows_of(ffn_, rows);

  embed_op e;
  e.ids = ids_view;
  e.type_ids = rows_of(type_ids_, rows);
  e.word_table = word_;
  e.position_table = position_;
  e.type_table = type_;
  e.gamma = emb_gamma_;
  e.beta = emb_beta_;
  e.batch = batch;
  e.seq_len = seq_len_;
  e.out = x;
  WINNOW_RETURN_IF_ERROR(be_.run(e));
  if (fused_) WINNOW_RETURN_IF_ERROR(fused_layers(x, tmp, lens, batch, rows));
  for (size_t i = 0; !fused_ && i < layers_.size(); ++i) {
    const layer& l = layers_[i];
    WINNOW_RETURN_IF_ERROR(quantized_linear(x, l, 0, rows, qkv));
    attention_op a;
    a.qkv = qkv;
    a.lengths = lens;
    a.batch = batch;
    a.seq_len = seq_len_;
    a.heads = shape_.heads;
    a.head_dim = static_cast<int32_t>(h / shape_.heads);
    a.scale = 1.0f / std::sqrt(static_cast<float>(a.head_dim));
    a.out = ctx;
    WINNOW_RETURN_IF_ERROR(be_.run(a));
    WINNOW_RETURN_IF_ERROR(quantized_linear(ctx, l, 1, rows, tmp));
    // tmp = LN(tmp + x): the output aliases `x` operand (allowed), then swap roles.
    WINNOW_RETURN_IF_ERROR(be_.run(add_residual_layernorm_op{tmp, x, l.ln1_gamma, l.ln1_beta, 1e-12f, tmp}));
    std::swap(x, tmp);
    WINNOW_RETURN_IF_ERROR(quantized_linear(x, l, 2, rows, ffn));
    WINNOW_RETURN_IF_ERROR(be_.run(gelu_op{ffn, ffn}));
    WINNOW_RETURN_IF_ERROR(quantized_linear(ffn, l, 3, rows, tmp));
    WINNOW_RETURN_IF_ERROR(be_.run(add_residual_layernorm_op{tmp, x, l.ln2_gamma, l.ln2_beta, 1e-12f, tmp}));
    std::swap(x, tmp);
  }
  pool_op p;
  p.hidden = x;
  p.lengths = lens;
  p.batch = batch;
  p.seq_len = seq_len_;
  p.mode = pooling::mean;
  p.normalize = true;
  p.out = rows_of(pooled_, batch);
  return be_.run(p);
}

uint64_t minilm_graph::next_uid() {
  static std::atomic<uint64_t> n{0};
  return ++n;
}

}  // namespace winnow::bench
