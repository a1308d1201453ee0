#include "model/encoder.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <atomic>
#include <deque>

#include "kernels/cpu/cpu_backend.hpp"
#include "model/bert_weights.hpp"
#include "model/safetensors.hpp"

namespace winnow::model {
namespace {

using kernels::dtype;
using kernels::tensor;

// A chunk of one encode call runs as one padded batch; these bound its size so
// the activations (rows x intermediate floats: 6 MiB at 1024 rows) stay near
// the caches: on the CPU, 8192-row chunks measured ~25% slower than 1024.
constexpr int64_t max_chunk_rows = 1024;  // B * L token rows
constexpr int64_t max_chunk_texts = 64;
// A GPU is the opposite: a 1,024-row chunk leaves most of an H100's 132 SMs
// idle in every GEMM (a 1024 x 384 output is 24 tiles of 128 x 128) and pays
// ~60 launches per chunk. 16k token rows (issue 18: >= 16k tokens for bulk)
// give each GEMM hundreds of tiles; the workspace is then ~0.4 GB (the f32
// FFN activations and the int32 GEMM scratch, 100 MB each), small next to a
// GPU's memory. Not yet measured on a GPU (docs/gpu.md).
constexpr int64_t gpu_chunk_rows = 16384;
constexpr int64_t gpu_chunk_texts = 1024;

// A query (one text) on a backend that replays recorded sequences (CUDA
// graphs) is padded to the next of these lengths, so a handful of shapes, each
// captured once, serve every query; padded keys are masked as in any batch,
// so the vector does not change. Longer texts run the ordinary launches.
constexpr int64_t query_buckets[] = {16, 32, 64, 128};

uint64_t next_encoder_uid() {
  static std::atomic<uint64_t> n{0};
  return ++n;
}

// The four matmuls of a layer, by what feeds them.
enum class linear_role { qkv, attn_out, ffn_in, ffn_out };

// int8 matmul inputs are quantized as 7-bit asymmetric u8 (kernels/
// backend.hpp) instead of symmetric s8 wherever the backend takes them, and
// smoothed_role() says whose weights are smoothed (smooth_linear in
// bert_weights.hpp). u8 lets the CPU's AVX2 kernel drop a sign step (1.2-1.3x
// end to end; 1.3-1.4x with 7-bit weights) but has 128 levels over
// [min, max] against s8's 255 over [-max|x|, max|x|]: as fine for rows of one
// sign (after GELU), coarser for symmetric ones (LayerNorm outputs feeding
// QKV and FFN-in), whose rows also carry a few outlier channels (max |x| ~ 8
// at rms ~ 0.4 on [CLS]). Smoothing those two takes the outliers out. On the
// parity set (mean / min cosine int8 vs reference):
//   8-bit weights, s8 inputs, no smoothing        0.99709 / 0.98572
//   8-bit weights, u8 inputs, no smoothing        0.99640 / 0.97247 (< 0.98 gate)
//   8-bit weights, u8, QKV + FFN-in smoothed      0.99852 / 0.99122
//   8-bit weights, u8, all four smoothed          0.99828 / 0.98943
//   7-bit weights, u8, QKV + FFN-in smoothed      0.99739 / 0.98828
//   the same, factors on a 2^(1/4) grid           0.99738 / 0.99081 (the CPU's choice)
//   8-bit weights, 6-bit u8, QKV + FFN-in smoothed 0.99532 / 0.97187
// (7-bit weights: bert_weights.cpp, where the backend has panels16x4_w7.)
bool smoothed_role(linear_role r) { return r == linear_role::qkv || r == linear_role::ffn_in; }

// Whether `backend` runs an int8 matmul with u8 activations on weights of
// this shape and layout (asked with a never-run op, as preferred_s8_layout).
bool takes_u8_activations(const kernels::backend& backend, const linear_weights& w) {
  static int32_t dummy;
  kernels::gemm_s8s8_f32_op probe{tensor::make(&dummy, dtype::u8, 1, w.w_s8.view.cols),
                                  tensor::make(&dummy, dtype::f32, 1, 1),
                                  w.w_s8.view,
                                  w.w_scales.view,
                                  tensor{},
                                  tensor::make(&dummy, dtype::f32, 1, w.w_s8.view.rows),
                                  w.w_s8_layout};
  probe.a_zero_points = tensor::make(&dummy, dtype::s32, 1, 1);
  probe.b_sums = w.w_sums.view;
  return !w.w_s8.view.empty() && !w.w_sums.view.empty() && backend.supports(probe);
}

// A one-row fused GEMM over linear `w` (inputs of width h) for a supports()
// probe; the caller sets the output.
kernels::gemm_s8s8_fused_op probe_fused_gemm(const linear_weights& w, int64_t h) {
  static int32_t dummy;
  kernels::gemm_s8s8_fused_op g;
  g.a = tensor::make(&dummy, dtype::s8, 1, h);
  g.a_scales = tensor::make(&dummy, dtype::f32, 1, 1);
  g.b = w.w_s8.view;
  g.b_scales = w.w_scales.view;
  g.bias = w.bias.view;
  g.b_layout = w.w_s8_layout;
  return g;
}

// Whether `backend` runs the fused graph's linear and LayerNorm ops on these
// weights (never-run ops again; the FFN-in linear stands for all four, which
// share dtypes and layout).
bool takes_fused_ops(const kernels::backend& backend, const layer_weights& l) {
  static int32_t dummy;
  const linear_weights& w = l.ffn_in;
  if (w.w_s8.view.empty()) return false;
  const int64_t h = w.w_s8.view.cols;
  kernels::gemm_s8s8_fused_op g = probe_fused_gemm(w, h);
  g.out = tensor::make(&dummy, dtype::s8, 1, w.w_s8.view.rows);
  g.out_scales = tensor::make(&dummy, dtype::f32, 1, 1);
  g.gelu = true;
  kernels::residual_layernorm_quantize_op r;
  r.x = tensor::make(&dummy, dtype::f32, 1, h);
  r.residual = r.x;
  r.gamma = l.ln1_gamma.view;
  r.beta = l.ln1_beta.view;
  r.out = r.x;
  r.q = tensor::make(&dummy, dtype::s8, 1, h);
  r.q_scales = tensor::make(&dummy, dtype::f32, 1, 1);
  return backend.supports(g) && backend.supports(r);
}

// Whether the fused graph's QKV linear can write f16 and attention read it.
bool takes_f16_attention(const kernels::backend& backend, const layer_weights& l, const model_config& c) {
  static int32_t dummy;
  const int64_t h = c.hidden_size;
  kernels::gemm_s8s8_fused_op g = probe_fused_gemm(l.qkv, h);
  g.out = tensor::make(&dummy, dtype::f16, 1, 3 * h);
  kernels::attention_f16_op a;
  a.qkv = tensor::make(&dummy, dtype::f16, 1, 3 * h);
  a.lengths = tensor::make(&dummy, dtype::s32, 1, 1);
  a.batch = 1;
  a.seq_len = 1;
  a.heads = c.num_heads;
  a.head_dim = c.hidden_size / c.num_heads;
  a.scale = 1.f;
  a.out = tensor::make(&dummy, dtype::f32, 1, h);
  return backend.supports(g) && backend.supports(a);
}

double cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += static_cast<double>(a[i]) * b[i];
    na += static_cast<double>(a[i]) * a[i];
    nb += static_cast<double>(b[i]) * b[i];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : (na == nb ? 1.0 : 0.0);
}

}  // namespace

const char* to_string(precision p) { return p == precision::int8 ? "int8" : "fp32"; }

status_or<precision> parse_precision(const std::string& s) {
  if (s == "int8") return precision::int8;
  if (s == "fp32") return precision::fp32;
  return status::invalid_argument("precision '" + s + "': expected int8 or fp32");
}

struct encoder::impl {
  std::unique_ptr<kernels::backend> owned_backend;
  kernels::backend* backend = nullptr;
  model_config config;
  tokenizer tok;
  bert_weights weights;
  int max_tokens = 0;
  precision active = precision::fp32;
  std::string note;
  float probe_min = 0.f;

  // Which int8 matmul inputs are quantized as 7-bit asymmetric u8 rather
  // than symmetric s8 (see smoothed_role), indexed by linear_role.
  bool u8_input[4] = {false, false, false, false};
  // The int8 graph (int8_graph in encoder.hpp): fused ops, and f16 attention.
  bool fused = false;
  bool f16_attention = false;
  int64_t chunk_rows = max_chunk_rows;
  int64_t chunk_texts = max_chunk_texts;

  // While set (at load, over the probe texts in fp32), linear() records each
  // input column's max |x| here, indexed [layer * 4 + role][k].
  std::vector<std::vector<float>>* calibration = nullptr;
  int current_layer = 0;

  // Workspace, grown on demand (rows = B * L).
  int64_t capacity_rows = 0;
  int64_t capacity_batch = 0;
  kernels::buffer_ptr hidden, qkv, ctx, tmp, ffn, s8, scales, zero_points, ids, type_ids, lengths, pooled;
  // The fused graph's s8 copy of `hidden` (and its row scales): the input of
  // QKV and FFN-in, made by the LayerNorm that makes `hidden`.
  kernels::buffer_ptr hidden_q, hidden_scales;

  status reserve(int64_t batch, int64_t rows);
  // Recorded sequences (backend::run_sequence, CUDA graphs) bake in buffer
  // addresses: a key names this encoder, its workspace generation (bumped
  // whenever reserve() moves a buffer), the precision and the padded length.
  const uint64_t uid = next_encoder_uid();
  uint64_t workspace_generation = 0;
  uint64_t sequence_key(int64_t len, precision p) const {
    // Bit fields: uid 24 bits, generation 24 (a workspace grows a few
    // times: it never wraps), precision 1, length 15 (<= 128 here).
    return (uid << 40) | ((workspace_generation & 0xffffff) << 16) | (p == precision::int8 ? 0x8000u : 0u) |
           static_cast<uint64_t>(len);
  }
  // Embed .. pool for b sequences of len rows, on the uploaded ids and lengths.
  status forward(int64_t b, int64_t len, precision p);
  status record_input_range(const tensor& x, linear_role role);
  status smooth_weights();
  // gather_int8_weights, which only speeds queries up: if it fails (e.g. no
  // room for the second copy it makes), the weights stay where they were and
  // the precision note says so.
  void gather_int8() {
    if (status s = gather_int8_weights(weights, *backend); !s.ok()) {
      note += "; int8 weights left in separate buffers: " + s.message();
    }
  }
  status linear(const tensor& x, const linear_weights& w, linear_role role, const tensor& out, precision p);
  // A chunk whose vectors are on their way down (backend::begin_download).
  struct in_flight {
    kernels::pending_download download;
    int64_t texts = 0;
  };
  // Uploads a chunk, enqueues its forward pass and begins the download of
  // its vectors; appends it to `pending`. Collects every pending chunk into
  // `out` first if the workspace has to grow (a buffer in use must not move).
  status enqueue_chunk(const std::vector<const token_ids*>& chunk, precision p, std::deque<in_flight>& pending,
                       std::vector<std::vector<float>>& out);
  // Waits for the oldest pending chunk and appends its vectors to `out`.
  status collect(std::deque<in_flight>& pending, std::vector<std::vector<float>>& out);
  // One encoder layer of the fused int8 graph (int8_graph::fused).
  status fused_layer(const layer_weights& l, const kernels::attention_op& shape, int64_t rows);
  status_or<std::vector<std::vector<float>>> run(const std::vector<token_ids>& batch, precision p);
};

status encoder::impl::reserve(int64_t batch, int64_t rows) {
  auto grow = [&](kernels::buffer_ptr& b, size_t bytes) -> status {
    if (b.bytes() >= bytes) return {};
    ++workspace_generation;  // recorded sequences name the old buffer
    b.reset();
    WINNOW_ASSIGN_OR_RETURN(kernels::buffer nb, backend->alloc(bytes));
    b = kernels::buffer_ptr(backend, nb);
    return {};
  };
  if (rows > capacity_rows) {
    const size_t h = config.hidden_size, inter = config.intermediate_size, r = static_cast<size_t>(rows);
    WINNOW_RETURN_IF_ERROR(grow(hidden, r * h * 4));
    WINNOW_RETURN_IF_ERROR(grow(qkv, r * 3 * h * 4));
    WINNOW_RETURN_IF_ERROR(grow(ctx, r * h * 4));
    WINNOW_RETURN_IF_ERROR(grow(tmp, r * h * 4));
    WINNOW_RETURN_IF_ERROR(grow(ffn, r * inter * 4));
    WINNOW_RETURN_IF_ERROR(grow(s8, r * std::max(h, inter)));
    WINNOW_RETURN_IF_ERROR(grow(scales, r * 4));
    WINNOW_RETURN_IF_ERROR(grow(zero_points, r * 4));
    WINNOW_RETURN_IF_ERROR(grow(ids, r * 4));
    WINNOW_RETURN_IF_ERROR(grow(type_ids, r * 4));
    if (fused) {
      WINNOW_RETURN_IF_ERROR(grow(hidden_q, r * h));
      WINNOW_RETURN_IF_ERROR(grow(hidden_scales, r * 4));
    }
    capacity_rows = rows;
  }
  if (batch > capacity_batch) {
    WINNOW_RETURN_IF_ERROR(grow(lengths, static_cast<size_t>(batch) * 4));
    WINNOW_RETURN_IF_ERROR(grow(pooled, static_cast<size_t>(batch) * config.hidden_size * 4));
    capacity_batch = batch;
  }
  return {};
}

status encoder::impl::linear(const tensor& x, const linear_weights& w, linear_role role, const tensor& out,
                             precision p) {
  if (calibration) WINNOW_RETURN_IF_ERROR(record_input_range(x, role));
  if (p == precision::int8) {
    const bool u8 = u8_input[static_cast<int>(role)];
    const tensor q = tensor::make(s8.data(), u8 ? dtype::u8 : dtype::s8, x.rows, x.cols);
    const tensor sc = tensor::make(scales.data(), dtype::f32, x.rows, 1);
    const tensor zp = u8 ? tensor::make(zero_points.data(), dtype::s32, x.rows, 1) : tensor{};
    WINNOW_RETURN_IF_ERROR(backend->run(kernels::quantize_rows_f32_s8_op{x, q, sc, zp, w.in_scales.view}));
    kernels::gemm_s8s8_f32_op g{q, sc, w.w_s8.view, w.w_scales.view, w.bias.view, out, w.w_s8_layout};
    if (u8) {
      g.a_zero_points = zp;
      g.b_sums = w.w_sums.view;
    }
    return backend->run(g);
  }
  return backend->run(kernels::gemm_f32_op{x, w.w_f32.view, w.bias.view, out});
}

status encoder::impl::record_input_range(const tensor& x, linear_role role) {
  std::vector<float> host(static_cast<size_t>(x.rows * x.row_stride));
  WINNOW_RETURN_IF_ERROR(backend->download(host.data(), kernels::buffer{x.data, host.size() * 4}, 0, host.size() * 4));
  std::vector<float>& amax = (*calibration)[static_cast<size_t>(current_layer * 4 + static_cast<int>(role))];
  amax.resize(static_cast<size_t>(x.cols), 0.f);
  for (int64_t m = 0; m < x.rows; ++m) {
    for (int64_t k = 0; k < x.cols; ++k) amax[k] = std::fmax(amax[k], std::fabs(host[m * x.row_stride + k]));
  }
  return {};
}

// Calibrates on the probe texts, one at a time (no padding rows), in fp32,
// then smooths the linears whose inputs smoothed_role() names, where they are
// u8: a backend that takes u8 activations also takes col_scales
// (kernels/backend.hpp); others keep plain s8.
status encoder::impl::smooth_weights() {
  bool any = false;
  for (int r = 0; r < 4; ++r) any = any || (u8_input[r] && smoothed_role(static_cast<linear_role>(r)));
  if (!any) return {};
  std::vector<std::vector<float>> amax(weights.layers.size() * 4);
  calibration = &amax;
  for (const std::string& t : probe_texts()) {
    auto r = run({tok.encode(t, max_tokens)}, precision::fp32);
    if (!r.ok()) {
      calibration = nullptr;
      return r.get_status();
    }
  }
  calibration = nullptr;
  for (size_t i = 0; i < weights.layers.size(); ++i) {
    layer_weights& l = weights.layers[i];
    linear_weights* by_role[4] = {&l.qkv, &l.attn_out, &l.ffn_in, &l.ffn_out};
    for (int r = 0; r < 4; ++r) {
      if (!u8_input[r] || !smoothed_role(static_cast<linear_role>(r))) continue;
      WINNOW_RETURN_IF_ERROR(smooth_linear(*by_role[r], amax[i * 4 + r], *backend));
    }
  }
  return {};
}

status encoder::impl::collect(std::deque<in_flight>& pending, std::vector<std::vector<float>>& out) {
  in_flight f = std::move(pending.front());
  pending.pop_front();
  const int64_t h = config.hidden_size;
  std::vector<float> host(static_cast<size_t>(f.texts * h));
  WINNOW_RETURN_IF_ERROR(backend->end_download(f.download, host.data()));
  for (int64_t i = 0; i < f.texts; ++i) out.emplace_back(host.begin() + i * h, host.begin() + (i + 1) * h);
  return {};
}

status encoder::impl::enqueue_chunk(const std::vector<const token_ids*>& chunk, precision p,
                                    std::deque<in_flight>& pending, std::vector<std::vector<float>>& out) {
  const int64_t b = static_cast<int64_t>(chunk.size());
  int64_t len = 0;
  for (const token_ids* t : chunk) len = std::max<int64_t>(len, static_cast<int64_t>(t->size()));
  // One text on a backend that records sequences: pad to its bucket and run
  // embed .. pool as one recorded sequence. Not while calibrating (that
  // downloads activations between ops). Everything else (the CPU, batches)
  // runs the ops one by one exactly as before.
  bool recorded = false;
  if (b == 1 && calibration == nullptr && backend->replays_sequences()) {
    for (int64_t bucket : query_buckets) {
      if (len <= bucket && bucket <= config.max_position_embeddings) {
        len = bucket;
        recorded = true;
        break;
      }
    }
  }
  const int64_t rows = b * len;
  // A recorded query sizes the workspace for the largest bucket at once, so a
  // longer query does not move the buffers (and orphan the shorter buckets'
  // graphs) while the buckets warm up.
  int64_t want_rows =
      recorded ? std::max(rows, std::min<int64_t>(query_buckets[3], config.max_position_embeddings)) : rows;
  int64_t want_batch = b;
  if (want_rows > capacity_rows || want_batch > capacity_batch) {
    // Growing moves buffers a pending chunk still reads: collect first. With
    // chunks in flight (a GPU), grow to at least twice the capacity (up to
    // the chunk limits) so this happens a few times per encoder, not at
    // every chunk whose texts are shorter (more of them) than the last's.
    while (!pending.empty()) WINNOW_RETURN_IF_ERROR(collect(pending, out));
    if (backend->download_slots() >= 2) {
      want_rows = std::max(want_rows, std::min(2 * capacity_rows, chunk_rows));
      want_batch = std::max(want_batch, std::min(2 * capacity_batch, chunk_texts));
    }
  }
  WINNOW_RETURN_IF_ERROR(reserve(want_batch, want_rows));
  const int64_t h = config.hidden_size;

  std::vector<int32_t> host_ids(static_cast<size_t>(rows), tok.pad_id());
  std::vector<int32_t> host_lengths(static_cast<size_t>(b));
  for (int64_t i = 0; i < b; ++i) {
    std::copy(chunk[i]->begin(), chunk[i]->end(), host_ids.begin() + i * len);
    host_lengths[i] = static_cast<int32_t>(chunk[i]->size());
  }
  const std::vector<int32_t> host_types(static_cast<size_t>(rows), 0);
  WINNOW_RETURN_IF_ERROR(backend->upload(ids.get(), 0, host_ids.data(), host_ids.size() * 4));
  WINNOW_RETURN_IF_ERROR(backend->upload(type_ids.get(), 0, host_types.data(), host_types.size() * 4));
  WINNOW_RETURN_IF_ERROR(backend->upload(lengths.get(), 0, host_lengths.data(), host_lengths.size() * 4));

  if (recorded) {
    WINNOW_RETURN_IF_ERROR(backend->run_sequence(sequence_key(len, p), [&] { return forward(b, len, p); }));
  } else {
    WINNOW_RETURN_IF_ERROR(forward(b, len, p));
  }
  in_flight f;
  f.texts = b;
  WINNOW_RETURN_IF_ERROR(backend->begin_download(pooled.get(), 0, static_cast<size_t>(b * h) * 4, f.download));
  pending.push_back(std::move(f));
  return {};
}

status encoder::impl::forward(int64_t b, int64_t len, precision p) {
  const int64_t rows = b * len;
  const int64_t h = config.hidden_size, inter = config.intermediate_size;
  const tensor t_hidden = tensor::make(hidden.data(), dtype::f32, rows, h);
  const tensor t_qkv = tensor::make(qkv.data(), dtype::f32, rows, 3 * h);
  const tensor t_ctx = tensor::make(ctx.data(), dtype::f32, rows, h);
  const tensor t_tmp = tensor::make(tmp.data(), dtype::f32, rows, h);
  const tensor t_ffn = tensor::make(ffn.data(), dtype::f32, rows, inter);
  const tensor t_lengths = tensor::make(lengths.data(), dtype::s32, b, 1);

  kernels::embed_op e;
  e.ids = tensor::make(ids.data(), dtype::s32, rows, 1);
  e.type_ids = tensor::make(type_ids.data(), dtype::s32, rows, 1);
  e.word_table = weights.word.view;
  e.position_table = weights.position.view;
  e.type_table = weights.token_type.view;
  e.gamma = weights.emb_gamma.view;
  e.beta = weights.emb_beta.view;
  e.eps = config.layer_norm_eps;
  e.batch = static_cast<int32_t>(b);
  e.seq_len = static_cast<int32_t>(len);
  e.out = t_hidden;
  WINNOW_RETURN_IF_ERROR(backend->run(e));

  const int head_dim = config.hidden_size / config.num_heads;
  if (p == precision::int8 && fused) {
    // The fused graph: hidden's s8 copy for the first layer, then each layer
    // keeps it up to date itself (residual_layernorm_quantize).
    WINNOW_RETURN_IF_ERROR(backend->run(kernels::quantize_rows_f32_s8_op{
        t_hidden, tensor::make(hidden_q.data(), dtype::s8, rows, h),
        tensor::make(hidden_scales.data(), dtype::f32, rows, 1), tensor{}, tensor{}}));
    kernels::attention_op shape;
    shape.lengths = t_lengths;
    shape.batch = static_cast<int32_t>(b);
    shape.seq_len = static_cast<int32_t>(len);
    shape.heads = config.num_heads;
    shape.head_dim = head_dim;
    shape.scale = 1.f / std::sqrt(static_cast<float>(head_dim));
    for (const layer_weights& l : weights.layers) WINNOW_RETURN_IF_ERROR(fused_layer(l, shape, rows));
  }
  for (size_t i = 0; i < weights.layers.size() && !(p == precision::int8 && fused); ++i) {
    const layer_weights& l = weights.layers[i];
    current_layer = static_cast<int>(i);
    WINNOW_RETURN_IF_ERROR(linear(t_hidden, l.qkv, linear_role::qkv, t_qkv, p));
    kernels::attention_op a;
    a.qkv = t_qkv;
    a.lengths = t_lengths;
    a.batch = static_cast<int32_t>(b);
    a.seq_len = static_cast<int32_t>(len);
    a.heads = config.num_heads;
    a.head_dim = head_dim;
    a.scale = 1.f / std::sqrt(static_cast<float>(head_dim));
    a.out = t_ctx;
    WINNOW_RETURN_IF_ERROR(backend->run(a));
    WINNOW_RETURN_IF_ERROR(linear(t_ctx, l.attn_out, linear_role::attn_out, t_tmp, p));
    WINNOW_RETURN_IF_ERROR(backend->run(kernels::add_residual_layernorm_op{
        t_tmp, t_hidden, l.ln1_gamma.view, l.ln1_beta.view, config.layer_norm_eps, t_hidden}));
    WINNOW_RETURN_IF_ERROR(linear(t_hidden, l.ffn_in, linear_role::ffn_in, t_ffn, p));
    WINNOW_RETURN_IF_ERROR(backend->run(kernels::gelu_op{t_ffn, t_ffn}));
    WINNOW_RETURN_IF_ERROR(linear(t_ffn, l.ffn_out, linear_role::ffn_out, t_tmp, p));
    WINNOW_RETURN_IF_ERROR(backend->run(kernels::add_residual_layernorm_op{
        t_tmp, t_hidden, l.ln2_gamma.view, l.ln2_beta.view, config.layer_norm_eps, t_hidden}));
  }
  kernels::pool_op po;
  po.hidden = t_hidden;
  po.lengths = t_lengths;
  po.batch = static_cast<int32_t>(b);
  po.seq_len = static_cast<int32_t>(len);
  po.mode = config.pooling;
  po.normalize = config.normalize;
  po.out = tensor::make(pooled.data(), dtype::f32, b, h);
  WINNOW_RETURN_IF_ERROR(backend->run(po));
  return {};
}

// The fused int8 layer. Between ops: s8 rows with per-row scales wherever a
// GEMM reads them, f16 q/k/v for tensor-core attention, f32 only where a
// LayerNorm or the residual needs it. 8 ops instead of the unfused graph's
// 12 per layer; the f32 GELU input and its two extra passes are gone.
status encoder::impl::fused_layer(const layer_weights& l, const kernels::attention_op& shape, int64_t rows) {
  const int64_t h = config.hidden_size, inter = config.intermediate_size;
  const tensor t_hidden = tensor::make(hidden.data(), dtype::f32, rows, h);
  const tensor t_hidden_q = tensor::make(hidden_q.data(), dtype::s8, rows, h);
  const tensor t_hidden_scales = tensor::make(hidden_scales.data(), dtype::f32, rows, 1);
  const tensor t_ctx = tensor::make(ctx.data(), dtype::f32, rows, h);
  const tensor t_tmp = tensor::make(tmp.data(), dtype::f32, rows, h);
  const tensor t_scales = tensor::make(scales.data(), dtype::f32, rows, 1);
  auto linear_op = [&](const tensor& a, const tensor& a_scales, const linear_weights& w, const tensor& out) {
    kernels::gemm_s8s8_fused_op g;
    g.a = a;
    g.a_scales = a_scales;
    g.b = w.w_s8.view;
    g.b_scales = w.w_scales.view;
    g.bias = w.bias.view;
    g.b_layout = w.w_s8_layout;
    g.out = out;
    return g;
  };
  // QKV: f16 straight into tensor-core attention, or f32 into the f32 op.
  if (f16_attention) {
    const tensor qkv16 = tensor::make(qkv.data(), dtype::f16, rows, 3 * h);
    WINNOW_RETURN_IF_ERROR(backend->run(linear_op(t_hidden_q, t_hidden_scales, l.qkv, qkv16)));
    kernels::attention_f16_op a;
    a.qkv = qkv16;
    a.lengths = shape.lengths;
    a.batch = shape.batch;
    a.seq_len = shape.seq_len;
    a.heads = shape.heads;
    a.head_dim = shape.head_dim;
    a.scale = shape.scale;
    a.out = t_ctx;
    WINNOW_RETURN_IF_ERROR(backend->run(a));
  } else {
    const tensor qkv32 = tensor::make(qkv.data(), dtype::f32, rows, 3 * h);
    WINNOW_RETURN_IF_ERROR(backend->run(linear_op(t_hidden_q, t_hidden_scales, l.qkv, qkv32)));
    kernels::attention_op a = shape;
    a.qkv = qkv32;
    a.out = t_ctx;
    WINNOW_RETURN_IF_ERROR(backend->run(a));
  }
  // Attention output: the context's per-row s8 (a row spans every head, so
  // the attention kernel, one head per block, cannot quantize it itself).
  const tensor ctx_q = tensor::make(s8.data(), dtype::s8, rows, h);
  WINNOW_RETURN_IF_ERROR(backend->run(kernels::quantize_rows_f32_s8_op{t_ctx, ctx_q, t_scales, tensor{}, tensor{}}));
  WINNOW_RETURN_IF_ERROR(backend->run(linear_op(ctx_q, t_scales, l.attn_out, t_tmp)));
  kernels::residual_layernorm_quantize_op ln1;
  ln1.x = t_tmp;
  ln1.residual = t_hidden;
  ln1.gamma = l.ln1_gamma.view;
  ln1.beta = l.ln1_beta.view;
  ln1.eps = config.layer_norm_eps;
  ln1.out = t_hidden;
  ln1.q = t_hidden_q;
  ln1.q_scales = t_hidden_scales;
  WINNOW_RETURN_IF_ERROR(backend->run(ln1));
  // FFN: GELU and the requantization in FFN-in's epilogue, so the
  // intermediate activations exist only as s8 (4x less traffic than f32).
  const tensor ffn_q = tensor::make(s8.data(), dtype::s8, rows, inter);
  kernels::gemm_s8s8_fused_op ffn_in = linear_op(t_hidden_q, t_hidden_scales, l.ffn_in, ffn_q);
  ffn_in.out_scales = t_scales;
  ffn_in.gelu = true;
  WINNOW_RETURN_IF_ERROR(backend->run(ffn_in));
  WINNOW_RETURN_IF_ERROR(backend->run(linear_op(ffn_q, t_scales, l.ffn_out, t_tmp)));
  kernels::residual_layernorm_quantize_op ln2 = ln1;
  ln2.gamma = l.ln2_gamma.view;
  ln2.beta = l.ln2_beta.view;
  return backend->run(ln2);
}

status_or<std::vector<std::vector<float>>> encoder::impl::run(const std::vector<token_ids>& batch, precision p) {
  const int64_t limit = config.max_position_embeddings;
  for (size_t i = 0; i < batch.size(); ++i) {
    const token_ids& t = batch[i];
    if (t.size() < 2 || static_cast<int64_t>(t.size()) > limit) {
      return status::invalid_argument("encode_tokens: text " + std::to_string(i) + " has " +
                                      std::to_string(t.size()) + " ids; expected 2.." + std::to_string(limit));
    }
    for (size_t j = 0; j < t.size(); ++j) {
      if (t[j] < 0 || t[j] >= config.vocab_size) {
        return status::invalid_argument("encode_tokens: text " + std::to_string(i) + " id " + std::to_string(j) +
                                        " = " + std::to_string(t[j]) + " is outside the vocabulary of " +
                                        std::to_string(config.vocab_size));
      }
    }
  }
  // Longest first, so each chunk pads to similar lengths; results go back in
  // input order. A text's vector does not depend on its chunk (masking).
  std::vector<size_t> order(batch.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return batch[a].size() > batch[b].size(); });
  std::vector<std::vector<float>> sorted_out;
  sorted_out.reserve(batch.size());
  // Chunks in flight: two where the backend has two download slots (a GPU:
  // chunk i+1 is uploaded and enqueued before the host waits for chunk i's
  // vectors, so the device never idles while the host collects one chunk and
  // prepares the next; one stream, so chunk i+1's ops still run after chunk
  // i's and may reuse its activations), one elsewhere (the CPU: enqueue,
  // then collect at once, the order the encoder always had).
  const size_t depth = backend->download_slots() >= 2 ? 2 : 1;
  std::deque<in_flight> pending;
  size_t i = 0;
  while (i < order.size()) {
    const int64_t len = static_cast<int64_t>(batch[order[i]].size());  // longest in this chunk
    const int64_t fit = std::max<int64_t>(1, std::min(chunk_texts, chunk_rows / len));
    std::vector<const token_ids*> chunk;
    for (; i < order.size() && static_cast<int64_t>(chunk.size()) < fit; ++i) chunk.push_back(&batch[order[i]]);
    WINNOW_RETURN_IF_ERROR(enqueue_chunk(chunk, p, pending, sorted_out));
    while (pending.size() >= depth) WINNOW_RETURN_IF_ERROR(collect(pending, sorted_out));
  }
  while (!pending.empty()) WINNOW_RETURN_IF_ERROR(collect(pending, sorted_out));
  std::vector<std::vector<float>> out(batch.size());
  for (size_t k = 0; k < order.size(); ++k) out[order[k]] = std::move(sorted_out[k]);
  return out;
}

encoder::encoder(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
encoder::~encoder() = default;

status_or<std::unique_ptr<encoder>> encoder::load(const std::string& model_dir, const encoder_options& options) {
  kernels::cpu_backend_options cpu;
  cpu.threads = options.threads;
  std::unique_ptr<kernels::backend> b = kernels::make_cpu_backend(cpu);
  kernels::backend& ref = *b;
  WINNOW_ASSIGN_OR_RETURN(std::unique_ptr<encoder> e, load(model_dir, options, ref));
  e->impl_->owned_backend = std::move(b);
  return e;
}

status_or<std::unique_ptr<encoder>> encoder::load(const std::string& model_dir, const encoder_options& options,
                                                  kernels::backend& backend) {
  auto p = std::make_unique<impl>();
  p->backend = &backend;
  WINNOW_ASSIGN_OR_RETURN(p->config, read_model_config(model_dir));
  tokenizer_options to;
  to.lowercase = p->config.lowercase;
  to.strip_accents = p->config.strip_accents;
  to.split_cjk = p->config.split_cjk;
  WINNOW_ASSIGN_OR_RETURN(p->tok, tokenizer::load(model_dir + "/vocab.txt", to));
  if (static_cast<int64_t>(p->tok.vocab_size()) != p->config.vocab_size) {
    return status::invalid_argument(model_dir + "/vocab.txt: " + std::to_string(p->tok.vocab_size()) +
                                    " tokens, but config.json says vocab_size " +
                                    std::to_string(p->config.vocab_size));
  }
  if (options.max_tokens < 0 || options.max_tokens == 1) {
    return status::invalid_argument("encoder_options.max_tokens must be 0 (model default) or >= 2");
  }
  p->max_tokens = options.max_tokens == 0 ? p->config.max_seq_length
                                          : std::min(options.max_tokens, p->config.max_position_embeddings);
  WINNOW_ASSIGN_OR_RETURN(auto file, safetensors_file::open(model_dir + "/model.safetensors"));
  const bool int8 = options.requested == precision::int8;
  WINNOW_ASSIGN_OR_RETURN(p->weights, load_bert_weights(*file, p->config, int8, backend));
  if (int8 && !p->weights.layers.empty()) {
    const layer_weights& l0 = p->weights.layers[0];
    const linear_weights* by_role[4] = {&l0.qkv, &l0.attn_out, &l0.ffn_in, &l0.ffn_out};
    bool any_u8 = false;
    for (int r = 0; r < 4; ++r) {
      p->u8_input[r] = takes_u8_activations(backend, *by_role[r]);
      any_u8 = any_u8 || p->u8_input[r];
    }
    const bool can_fuse = takes_fused_ops(backend, l0);
    switch (options.graph) {
      case int8_graph::automatic: p->fused = can_fuse && !any_u8; break;
      case int8_graph::unfused: p->fused = false; break;
      case int8_graph::fused:
        if (!can_fuse) {
          return status::unsupported("encoder: the fused int8 graph was asked for, but " + backend.info().name +
                                     " does not support its ops (gemm_s8s8_fused, residual_layernorm_quantize)");
        }
        p->fused = true;
        break;
    }
    if (p->fused) {
      for (bool& u : p->u8_input) u = false;  // s8 activations, so no smoothing either
      p->f16_attention = takes_f16_attention(backend, l0, p->config);
    }
    WINNOW_RETURN_IF_ERROR(p->smooth_weights());
  }
  if (backend.info().kind == kernels::device_kind::cuda) {
    p->chunk_rows = gpu_chunk_rows;
    p->chunk_texts = gpu_chunk_texts;
  }

  p->active = options.requested;
  if (!int8) {
    p->note = "fp32 requested";
  } else if (!options.run_quality_gate) {
    p->note = "int8 requested; quality gate skipped";
    drop_linear_copies(p->weights, /*keep_int8=*/true);
    p->gather_int8();
  } else {
    std::vector<token_ids> probes;
    for (const std::string& t : probe_texts()) probes.push_back(p->tok.encode(t, p->max_tokens));
    WINNOW_ASSIGN_OR_RETURN(auto ref, p->run(probes, precision::fp32));
    WINNOW_ASSIGN_OR_RETURN(auto q, p->run(probes, precision::int8));
    double worst = 1.0;
    size_t worst_i = 0;
    for (size_t i = 0; i < ref.size(); ++i) {
      const double c = cosine(ref[i], q[i]);
      if (c < worst) { worst = c; worst_i = i; }
    }
    p->probe_min = static_cast<float>(worst);
    char buf[256];
    if (worst >= options.min_int8_cosine) {
      std::snprintf(buf, sizeof buf, "int8 accepted: probe min cosine %.5f >= %.5f", worst,
                    static_cast<double>(options.min_int8_cosine));
      drop_linear_copies(p->weights, /*keep_int8=*/true);
    } else {
      std::snprintf(buf, sizeof buf,
                    "int8 refused for %s: probe min cosine %.5f < %.5f (probe %zu); running fp32",
                    model_dir.c_str(), worst, static_cast<double>(options.min_int8_cosine), worst_i);
      p->active = precision::fp32;
      drop_linear_copies(p->weights, /*keep_int8=*/false);
    }
    p->note = buf;
    if (p->active == precision::int8) p->gather_int8();
  }
  if (p->active == precision::int8 && p->fused) {
    p->note += p->f16_attention ? "; fused int8 graph, f16 attention" : "; fused int8 graph, f32 attention";
  }
  return std::unique_ptr<encoder>(new encoder(std::move(p)));
}

status_or<std::vector<std::vector<float>>> encoder::encode(const std::vector<std::string>& texts) {
  std::vector<token_ids> batch;
  batch.reserve(texts.size());
  for (const std::string& t : texts) batch.push_back(impl_->tok.encode(t, impl_->max_tokens));
  return impl_->run(batch, impl_->active);
}

status_or<std::vector<std::vector<float>>> encoder::encode_tokens(const std::vector<token_ids>& batch) {
  return impl_->run(batch, impl_->active);
}

const tokenizer& encoder::text_tokenizer() const { return impl_->tok; }
const model_config& encoder::config() const { return impl_->config; }
int encoder::dimension() const { return impl_->config.hidden_size; }
int encoder::max_tokens() const { return impl_->max_tokens; }
precision encoder::active_precision() const { return impl_->active; }
const std::string& encoder::precision_note() const { return impl_->note; }
float encoder::probe_min_cosine() const { return impl_->probe_min; }
bool encoder::fused_graph() const { return impl_->active == precision::int8 && impl_->fused; }
bool encoder::f16_attention() const { return fused_graph() && impl_->f16_attention; }

}  // namespace winnow::model
