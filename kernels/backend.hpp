#pragma once
// The one interface behind which every device runs the encoder's ops
// (style.md §1 and §6.2). model/ builds the BERT graph out of these ops and
// never sees CPU intrinsics or CUDA types; a backend is a CPU, a CUDA device or
// (for scheduler tests) a simulated profile wrapping the CPU.
//
// Memory model: a backend owns device buffers (`buffer`). Tensors are 2-D,
// row-major views into them. For the CPU backend a buffer is host memory; for
// CUDA it is device memory, so activations stay on the device between layers
// and only token ids go up and pooled vectors come down.
//
// Errors: every call returns a winnow::status; a device failure is
// status_code::device_error so the device pool can mark the device down.
// Thread-safety: a backend instance is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "common/status.hpp"
#include "common/status_or.hpp"
#include "kernels/weight_layout.hpp"

namespace winnow::kernels {

// u8 holds asymmetrically quantized activations (see quantize_rows_f32_s8_op).
// f16 is IEEE binary16 (kernels/f16.hpp converts on the host), the GPU graph's
// attention input (tensor cores take f16; see attention_f16_op).
enum class dtype : uint8_t { f32, s8, s32, u8, f16 };

constexpr size_t dtype_size(dtype t) {
  return t == dtype::s8 || t == dtype::u8 ? 1 : t == dtype::f16 ? 2 : 4;
}
const char* to_string(dtype t);

// Memory owned by a backend. Free it with backend::free (or hold a
// buffer_ptr). `ptr` is a device address for device backends.
struct buffer {
  void* ptr = nullptr;
  size_t bytes = 0;
};

// A row-major 2-D view: element (r, c) is at data + (r * row_stride + c) * size.
// An empty view (data == nullptr) means "absent" for optional operands.
struct tensor {
  void* data = nullptr;
  dtype type = dtype::f32;
  int64_t rows = 0;
  int64_t cols = 0;
  int64_t row_stride = 0;  // in elements; == cols when contiguous

  bool empty() const { return data == nullptr; }
  int64_t elements() const { return rows * cols; }
  size_t bytes() const { return static_cast<size_t>(rows * row_stride) * dtype_size(type); }

  static tensor make(void* data, dtype type, int64_t rows, int64_t cols) {
    return tensor{data, type, rows, cols, cols};
  }
};

// A batch of B sequences is stored padded as B * L token rows (sequence b,
// position p is row b * L + p). `lengths` (s32 [B, 1]) holds each sequence's
// real token count; rows past it are padding and must not influence any
// other row. Ops below name their operand shapes with H = hidden size.

// Per-row activation quantization, in one of two forms chosen by out's dtype:
// - s8 (symmetric): out[m, :] = round(in[m, :] / scale[m]) with
//   scale[m] = max|in[m, :]| / 127; `zero_points` must be absent.
// - u8 (asymmetric, 7 bits): with lo = min(0, min in[m, :]) and
//   hi = max(0, max in[m, :]), scale[m] = (hi - lo) / 127,
//   zero_points[m] = round(-lo / scale[m]) in [0, 127] and
//   out[m, :] = clamp(round(in[m, :] / scale[m]) + zero_points[m], 0, 127),
//   so in ~= (out - zero_point) * scale. Why 7 bits: an AVX2 u8 x s8
//   multiply-add (vpmaddubsw) of values <= 127 cannot saturate, so the int8
//   matmul needs no sign juggling. It suits rows that are mostly of one sign
//   (after GELU); a symmetric row loses one bit against s8.
// Rounding is half to even; an all-zero row gets scale 0, zero point 0, zeros.
// With `col_scales`, the row quantized is in[m, k] * col_scales[k] (a float
// multiply, then the above): the input half of SmoothQuant-style smoothing,
// where a matmul's weight columns were multiplied by 1 / col_scales[k] so
// that a few large input channels do not set every row's scale.
// A backend that implements the u8 form must also implement col_scales (the
// encoder asks supports() with both set).
struct quantize_rows_f32_s8_op {
  tensor in;           // f32 [M, K]
  tensor out;          // s8 or u8 [M, K]
  tensor scales;       // f32 [M, 1]
  tensor zero_points;  // s32 [M, 1] when out is u8; absent otherwise
  tensor col_scales;   // f32 [1, K], optional
};

// out[m, n] = (sum_k (a[m, k] - zp[m]) * b[n, k]) * a_scales[m] * b_scales[n] + bias[n]
// with an exact int32 accumulator, where zp = a_zero_points for a u8 `a`
// (quantize_rows_f32_s8_op's asymmetric form) and 0 for an s8 `a`. `b` is a
// weight quantized per output channel, in PyTorch Linear layout
// [out_features, in_features] or, with b_layout = panels16x4(_w7), packed as
// weight_layout.hpp describes (the tensor still says [N, K] with row_stride
// K; its data holds panels_bytes(N, K)).
// A u8 `a` also needs `b_sums`: b_sums[n] = sum_k b[n, k], made once with the
// weights (kernels compute sum a * b - zp * b_sums). REQUIRES: b_sums is
// exactly that sum; a backend does not check it.
struct gemm_s8s8_f32_op {
  tensor a;         // s8 or u8 [M, K]
  tensor a_scales;  // f32 [M, 1]
  tensor b;         // s8  [N, K]
  tensor b_scales;  // f32 [N, 1]
  tensor bias;      // f32 [1, N], optional
  tensor out;       // f32 [M, N]
  weight_layout b_layout = weight_layout::rows;
  tensor a_zero_points;  // s32 [M, 1] when a is u8; absent otherwise
  tensor b_sums;         // s32 [1, N] when a is u8; absent otherwise
};

// out[m, n] = sum_k a[m, k] * b[n, k] + bias[n] (fp32 reference path).
struct gemm_f32_op {
  tensor a;     // f32 [M, K]
  tensor b;     // f32 [N, K]
  tensor bias;  // f32 [1, N], optional
  tensor out;   // f32 [M, N]
};

// out = LayerNorm(x + residual) * gamma + beta over each row; `out` may alias x.
struct add_residual_layernorm_op {
  tensor x;         // f32 [M, H]
  tensor residual;  // f32 [M, H], optional
  tensor gamma;     // f32 [1, H]
  tensor beta;      // f32 [1, H]
  float eps = 1e-12f;
  tensor out;       // f32 [M, H]
};

// out = x * 0.5 * (1 + erf(x / sqrt(2))) elementwise (BERT's exact GELU); may alias.
struct gelu_op {
  tensor x;    // f32 [M, N]
  tensor out;  // f32 [M, N]
};

// Multi-head self-attention over a padded batch. qkv rows are [q | k | v],
// each H = heads * head_dim wide, heads laid out contiguously. For each
// sequence b and head h: ctx = softmax(q k^T * scale, keys >= length masked) v.
// Padding rows of `out` are written as zeros.
struct attention_op {
  tensor qkv;      // f32 [B * L, 3 * H]
  tensor lengths;  // s32 [B, 1]
  int32_t batch = 0;
  int32_t seq_len = 0;
  int32_t heads = 0;
  int32_t head_dim = 0;
  float scale = 0.f;  // usually 1 / sqrt(head_dim)
  tensor out;      // f32 [B * L, H]
};

// out[row] = LayerNorm(word[ids[row]] + position[row % L] + token_type[type_ids[row]]).
struct embed_op {
  tensor ids;          // s32 [B * L, 1]
  tensor type_ids;     // s32 [B * L, 1]
  tensor word_table;   // f32 [vocab, H]
  tensor position_table;  // f32 [max_positions, H]
  tensor type_table;   // f32 [type_vocab, H]
  tensor gamma;        // f32 [1, H]
  tensor beta;         // f32 [1, H]
  float eps = 1e-12f;
  int32_t batch = 0;
  int32_t seq_len = 0;
  tensor out;          // f32 [B * L, H]
};

// ---- Fused ops (the GPU graph; docs/gpu.md "The fused graph") -------------
// Each is defined as a composition of the ops above, and the CPU backend
// implements it as exactly that composition: the oracle for the fused CUDA
// kernels. The encoder uses them where supports() says yes and the backend
// does not take u8 activations (model/encoder.cpp, int8_graph).

// The linear layer with its whole epilogue: with s8 `a` and row-layout or
// packed `b` as gemm_s8s8_f32_op,
//   y[m, n] = (sum_k a[m, k] * b[n, k]) * a_scales[m] * b_scales[n] + bias[n]
//   y = gelu ? gelu_erf(y) : y                       (gelu_op's GELU)
// then by out's dtype: f32 -> out = y; f16 -> out = y rounded to nearest even;
// s8 -> out, out_scales = quantize_rows_f32_s8_op's symmetric form of y (a
// per-row scale computed from the row itself: no calibration, and the same
// numbers the unfused graph's separate quantize makes). out_scales is absent
// unless out is s8.
struct gemm_s8s8_fused_op {
  tensor a;           // s8  [M, K]
  tensor a_scales;    // f32 [M, 1]
  tensor b;           // s8  [N, K]
  tensor b_scales;    // f32 [N, 1]
  tensor bias;        // f32 [1, N], optional
  tensor out;         // f32, f16 or s8 [M, N]
  tensor out_scales;  // f32 [M, 1] when out is s8 (written); absent otherwise
  bool gelu = false;
  weight_layout b_layout = weight_layout::rows;
};

// add_residual_layernorm_op followed by quantize_rows_f32_s8_op's symmetric
// form of its output: out = LayerNorm(x + residual) * gamma + beta (f32, kept:
// it is the next block's residual; may alias x), then q, q_scales = per-row s8
// of out. One pass over the row instead of two kernels and a reread.
struct residual_layernorm_quantize_op {
  tensor x;         // f32 [M, H]
  tensor residual;  // f32 [M, H], optional
  tensor gamma;     // f32 [1, H]
  tensor beta;      // f32 [1, H]
  float eps = 1e-12f;
  tensor out;       // f32 [M, H]
  tensor q;         // s8  [M, H]
  tensor q_scales;  // f32 [M, 1]
};

// attention_op with f16 q, k, v (what tensor cores take): the CPU reference
// widens qkv to f32 exactly and runs attention_op; a backend computes in at
// least f16 inputs with f32 accumulation and an f32 softmax. Same masking and
// zeroed padding rows as attention_op.
struct attention_f16_op {
  tensor qkv;      // f16 [B * L, 3 * H]
  tensor lengths;  // s32 [B, 1]
  int32_t batch = 0;
  int32_t seq_len = 0;
  int32_t heads = 0;
  int32_t head_dim = 0;
  float scale = 0.f;
  tensor out;      // f32 [B * L, H]
};

enum class pooling { mean, cls };

// out[b] = pool(hidden rows of sequence b, first lengths[b] rows), then
// divided by its L2 norm when `normalize` is set.
struct pool_op {
  tensor hidden;   // f32 [B * L, H]
  tensor lengths;  // s32 [B, 1]
  int32_t batch = 0;
  int32_t seq_len = 0;
  pooling mode = pooling::mean;
  bool normalize = true;
  tensor out;      // f32 [B, H]
};

using op = std::variant<quantize_rows_f32_s8_op, gemm_s8s8_f32_op, gemm_f32_op,
                        add_residual_layernorm_op, gelu_op, attention_op, embed_op, pool_op,
                        gemm_s8s8_fused_op, residual_layernorm_quantize_op, attention_f16_op>;

// "gemm_s8s8_f32" etc.: the op's name, for logs and test names.
const char* op_name(const op& o);

// A download begun with backend::begin_download and not yet ended. Opaque to
// callers: `slot`/`ticket` name the device backend's pinned slot, `host`
// holds the bytes for the default (copy-at-once) implementation.
struct pending_download {
  int slot = -1;
  uint64_t ticket = 0;
  size_t bytes = 0;
  std::vector<char> host;
};

enum class device_kind { cpu, cuda, simulated };

struct device_info {
  std::string name;              // "cpu (avx2, 2 threads)", "NVIDIA H200", "sim:a100-80gb (simulated)"
  device_kind kind = device_kind::cpu;
  int ordinal = 0;               // CUDA device index; 0 for the CPU
  int compute_capability = 0;    // 80, 89, 90 for CUDA; 0 otherwise
  size_t total_memory_bytes = 0;
  size_t free_memory_bytes = 0;
};

class backend {
 public:
  virtual ~backend() = default;

  virtual const device_info& info() const = 0;

  // Whether this backend implements `o` with the dtypes of its operands. The
  // cross-backend test reports an unsupported op as skipped, never failed.
  virtual bool supports(const op& o) const = 0;

  virtual status_or<buffer> alloc(size_t bytes) = 0;
  virtual void free(buffer b) = 0;  // no-op on an empty buffer

  // Host <-> device copies. REQUIRES: offset + bytes <= buffer size.
  virtual status upload(const buffer& dst, size_t dst_offset, const void* src, size_t bytes) = 0;
  virtual status download(void* dst, const buffer& src, size_t src_offset, size_t bytes) = 0;

  // Enqueues `o`. Device backends may return before it finishes; results are
  // visible to download() (which synchronizes) or after sync().
  virtual status run(const op& o) = 0;
  virtual status sync() = 0;

  // A download in two steps, so the host can enqueue the next chunk's work
  // before waiting for this one's result (model/encoder's chunk pipeline):
  // begin_download enqueues the copy of src (after the ops enqueued so far)
  // into host memory the backend owns; ops enqueued afterwards may overwrite
  // src. end_download waits for that copy only, writes the bytes to dst and
  // reports what download() would (device input faults included).
  // At most download_slots() may be pending at once; beginning one more
  // reuses the oldest slot, whose handle then ends with invalid_argument.
  // The default copies at once (download()) and ends with a memcpy.
  virtual status begin_download(const buffer& src, size_t src_offset, size_t bytes, pending_download& out) {
    out.slot = -1;
    out.bytes = bytes;
    out.host.resize(bytes);
    return download(out.host.data(), src, src_offset, bytes);
  }
  virtual status end_download(pending_download& p, void* dst) {
    if (p.host.size() < p.bytes) return status::invalid_argument("end_download: not a pending download");
    if (p.bytes > 0) std::memcpy(dst, p.host.data(), p.bytes);
    p.host.clear();
    p.bytes = 0;
    return status::ok_status();
  }
  // How many downloads may be pending at once (so how many chunks a caller
  // may keep in flight); 1 for the default.
  virtual int download_slots() const { return 1; }

  // A fixed op sequence that a device backend may record once and replay
  // (CUDA graphs: one launch instead of ~50 for a query). `enqueue` makes
  // the run() calls and nothing else (no upload, download, sync or alloc).
  // REQUIRES: every call with the same `key` enqueues the same ops with the
  // same shapes on the same buffers (only what the buffers hold may differ:
  // token ids, lengths); a caller makes a new key whenever a buffer moves.
  // Results as if `enqueue` had run; a backend that cannot record a sequence
  // runs it as usual. The default (the CPU) simply calls `enqueue`, so the
  // encoder keeps one code path.
  virtual status run_sequence(uint64_t key, const std::function<status()>& enqueue) {
    (void)key;
    return enqueue();
  }
  // Whether run_sequence records and replays (so fixed, padded shapes pay
  // off); false for the default.
  virtual bool replays_sequences() const { return false; }
};

// Frees a buffer on the backend that made it.
class buffer_ptr {
 public:
  buffer_ptr() = default;
  buffer_ptr(backend* owner, buffer b) : owner_(owner), buf_(b) {}
  buffer_ptr(buffer_ptr&& o) noexcept : owner_(o.owner_), buf_(o.buf_) { o.owner_ = nullptr; o.buf_ = {}; }
  buffer_ptr& operator=(buffer_ptr&& o) noexcept {
    if (this != &o) { reset(); owner_ = o.owner_; buf_ = o.buf_; o.owner_ = nullptr; o.buf_ = {}; }
    return *this;
  }
  buffer_ptr(const buffer_ptr&) = delete;
  buffer_ptr& operator=(const buffer_ptr&) = delete;
  ~buffer_ptr() { reset(); }

  void reset() { if (owner_ && buf_.ptr) owner_->free(buf_); owner_ = nullptr; buf_ = {}; }
  const buffer& get() const { return buf_; }
  void* data() const { return buf_.ptr; }
  size_t bytes() const { return buf_.bytes; }

 private:
  backend* owner_ = nullptr;
  buffer buf_;
};

}  // namespace winnow::kernels
