// The CUDA backend: device memory, one stream, pinned staging for copies, and
// the one op -> entry switch (run) with its matching supports() (style.md §1).
#include "kernels/cuda/cuda_backend.hpp"

#include <cstring>
#include <string>
#include <variant>

#include "kernels/cuda/attention.cuh"
#include "kernels/cuda/attention_f16.cuh"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/cublaslt_plans.cuh"
#include "kernels/cuda/embed.cuh"
#include "kernels/cuda/gelu.cuh"
#include "kernels/cuda/gemm_f32.cuh"
#include "kernels/cuda/gemm_s8.cuh"
#include "kernels/cuda/gemm_s8_fused.cuh"
#include "kernels/cuda/graph_cache.hpp"
#include "kernels/cuda/layernorm.cuh"
#include "kernels/cuda/layernorm_quantize.cuh"
#include "kernels/cuda/pool.cuh"
#include "kernels/cuda/quantize.cuh"

namespace winnow::kernels::cuda {
namespace {

// supports(): the dtypes each entry implements. The entries check shapes and
// return invalid_argument themselves; supports() answers "could this backend
// ever run it", so a test reports the rest as skipped, not failed.
struct supports_visitor {
  bool operator()(const quantize_rows_f32_s8_op& o) const {
    return o.in.type == dtype::f32 && o.out.type == dtype::s8 && o.scales.type == dtype::f32;
  }
  bool operator()(const gemm_s8s8_f32_op& o) const {
    return o.a.type == dtype::s8 && o.b.type == dtype::s8 && o.out.type == dtype::f32 &&
           o.b_layout == weight_layout::rows;  // the packed CPU layout is not for GPUs
  }
  bool operator()(const gemm_f32_op& o) const {
    return o.a.type == dtype::f32 && o.b.type == dtype::f32 && o.out.type == dtype::f32;
  }
  bool operator()(const add_residual_layernorm_op& o) const { return o.x.type == dtype::f32 && o.out.type == dtype::f32; }
  bool operator()(const gelu_op& o) const { return o.x.type == dtype::f32 && o.out.type == dtype::f32; }
  bool operator()(const attention_op& o) const {
    return o.qkv.type == dtype::f32 && o.head_dim > 0 && o.head_dim <= attention_max_head_dim;
  }
  bool operator()(const embed_op& o) const { return o.ids.type == dtype::s32 && o.out.type == dtype::f32; }
  bool operator()(const pool_op& o) const { return o.hidden.type == dtype::f32 && o.out.type == dtype::f32; }
  bool operator()(const gemm_s8s8_fused_op& o) const {
    return o.a.type == dtype::s8 && o.b.type == dtype::s8 && o.b_layout == weight_layout::rows &&
           (o.out.type == dtype::f32 || o.out.type == dtype::f16 || o.out.type == dtype::s8);
  }
  bool operator()(const residual_layernorm_quantize_op& o) const {
    return o.x.type == dtype::f32 && o.out.type == dtype::f32 && o.q.type == dtype::s8;
  }
  bool operator()(const attention_f16_op& o) const {
    return o.qkv.type == dtype::f16 && o.out.type == dtype::f32 && o.head_dim == attention_f16_head_dim;
  }
};

// run(): one case per op, each an entry function of its own file.
struct run_visitor {
  context& ctx;
  status operator()(const quantize_rows_f32_s8_op& o) const { return cuda_op_quantize_rows_f32_s8(ctx, o); }
  status operator()(const gemm_s8s8_f32_op& o) const { return cuda_op_gemm_s8s8_f32(ctx, o); }
  status operator()(const gemm_f32_op& o) const { return cuda_op_gemm_f32(ctx, o); }
  status operator()(const add_residual_layernorm_op& o) const { return cuda_op_add_residual_layernorm(ctx, o); }
  status operator()(const gelu_op& o) const { return cuda_op_gelu(ctx, o); }
  status operator()(const attention_op& o) const { return cuda_op_attention(ctx, o); }
  status operator()(const embed_op& o) const { return cuda_op_embed(ctx, o); }
  status operator()(const pool_op& o) const { return cuda_op_pool(ctx, o); }
  status operator()(const gemm_s8s8_fused_op& o) const { return cuda_op_gemm_s8s8_fused(ctx, o); }
  status operator()(const residual_layernorm_quantize_op& o) const {
    return cuda_op_residual_layernorm_quantize(ctx, o);
  }
  status operator()(const attention_f16_op& o) const { return cuda_op_attention_f16(ctx, o); }
};

std::string fault_message(const int* f) {
  const std::string row = std::to_string(f[1]), value = std::to_string(f[2]);
  switch (f[0]) {
    case fault_token_id: return "embed: token id " + value + " at row " + row + " is outside the vocabulary";
    case fault_type_id: return "embed: token type id " + value + " at row " + row + " is outside the type table";
    case fault_pool_length: return "pool: lengths[" + row + "] = " + value + " is outside [0, seq_len]";
    case fault_attention_length: return "attention: lengths[" + row + "] = " + value + " is outside [0, seq_len]";
    default: return "device input fault " + std::to_string(f[0]);
  }
}

// One instantiated CUDA graph (graph_cache's Graph).
struct cuda_graph {
  cudaGraphExec_t exec = nullptr;
  cuda_graph() = default;
  cuda_graph(const cuda_graph&) = delete;
  cuda_graph& operator=(const cuda_graph&) = delete;
  ~cuda_graph() {
    if (exec) cudaGraphExecDestroy(exec);
  }
};

class cuda_backend final : public backend {
 public:
  cuda_backend(const cuda_backend&) = delete;
  cuda_backend& operator=(const cuda_backend&) = delete;

  static status_or<std::unique_ptr<backend>> create(int ordinal, const cuda_backend_options& options) {
    std::unique_ptr<cuda_backend> b(new cuda_backend());
    WINNOW_RETURN_IF_ERROR(b->init(ordinal, options).with_context("cuda:" + std::to_string(ordinal)));
    return std::unique_ptr<backend>(std::move(b));
  }

  ~cuda_backend() override {
    if (ctx_.stream == nullptr && ctx_.lt == nullptr) return;
    cudaSetDevice(ctx_.device);
    if (ctx_.stream) cudaStreamSynchronize(ctx_.stream);
    graphs_.clear();  // before the memory they name and the stream
    ctx_.release_scratch();
    plans_.reset();  // before the handle it used
    if (ctx_.lt) cublasLtDestroy(ctx_.lt);
    if (ctx_.workspace) cudaFree(ctx_.workspace);
    if (ctx_.input_fault) cudaFree(ctx_.input_fault);
    if (fault_host_) cudaFreeHost(fault_host_);
    if (staging_) cudaFreeHost(staging_);
    if (staging_free_) cudaEventDestroy(staging_free_);
    for (download_slot& d : slots_) {
      if (d.host) cudaFreeHost(d.host);
      if (d.fault) cudaFreeHost(d.fault);
      if (d.done) cudaEventDestroy(d.done);
    }
    if (ctx_.stream) cudaStreamDestroy(ctx_.stream);
  }

  const device_info& info() const override {
    size_t free_bytes = 0, total_bytes = 0;
    if (cudaSetDevice(ctx_.device) == cudaSuccess && cudaMemGetInfo(&free_bytes, &total_bytes) == cudaSuccess) {
      info_.free_memory_bytes = free_bytes;
      info_.total_memory_bytes = total_bytes;
    }
    return info_;
  }

  bool supports(const op& o) const override { return std::visit(supports_visitor{}, o); }

  status_or<buffer> alloc(size_t bytes) override {
    WINNOW_RETURN_IF_ERROR(use_device());
    void* p = nullptr;
    const cudaError_t e = cudaMalloc(&p, bytes == 0 ? 1 : bytes);
    if (e == cudaErrorMemoryAllocation) {
      cudaGetLastError();  // not sticky: clear it
      return status::resource_exhausted(info_.name + ": cannot allocate " + std::to_string(bytes) + " bytes");
    }
    WINNOW_CUDA_RETURN_IF_ERROR(e);
    return buffer{p, bytes};
  }

  void free(buffer b) override {
    if (b.ptr == nullptr) return;
    if (use_device().ok()) cudaFree(b.ptr);  // a failed free on a lost device has nothing left to free
  }

  // Through pinned staging so the copy is truly asynchronous; the staging
  // area is reused once the previous upload out of it has completed.
  status upload(const buffer& dst, size_t dst_offset, const void* src, size_t bytes) override {
    if (dst_offset + bytes > dst.bytes)
      return status::invalid_argument("upload: " + std::to_string(bytes) + " bytes at offset " +
                                      std::to_string(dst_offset) + " exceed the buffer's " + std::to_string(dst.bytes));
    if (bytes == 0) return status::ok_status();
    WINNOW_RETURN_IF_ERROR(use_device());
    WINNOW_ASSIGN_OR_RETURN(char* stage, stage_upload(bytes));
    std::memcpy(stage, src, bytes);
    WINNOW_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(static_cast<char*>(dst.ptr) + dst_offset, stage, bytes,
                                                cudaMemcpyHostToDevice, ctx_.stream));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaEventRecord(staging_free_, ctx_.stream));
    return status::ok_status();
  }

  status download(void* dst, const buffer& src, size_t src_offset, size_t bytes) override {
    if (src_offset + bytes > src.bytes)
      return status::invalid_argument("download: " + std::to_string(bytes) + " bytes at offset " +
                                      std::to_string(src_offset) + " exceed the buffer's " + std::to_string(src.bytes));
    WINNOW_RETURN_IF_ERROR(use_device());
    if (bytes > 0) {
      WINNOW_RETURN_IF_ERROR(reserve_staging(bytes));
      WINNOW_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(staging_, static_cast<const char*>(src.ptr) + src_offset, bytes,
                                                  cudaMemcpyDeviceToHost, ctx_.stream));
      WINNOW_CUDA_RETURN_IF_ERROR(cudaEventRecord(staging_free_, ctx_.stream));
    }
    WINNOW_RETURN_IF_ERROR(finish());
    if (bytes > 0) std::memcpy(dst, staging_, bytes);
    return status::ok_status();
  }

  status run(const op& o) override {
    WINNOW_RETURN_IF_ERROR(use_device());
    return std::visit(run_visitor{ctx_}, o);
  }

  // Two pinned slots, each with its event and its copy of the [INPUT_FAULTS]
  // record: the copy of chunk i's vectors (and of the faults its ops found)
  // is enqueued behind chunk i's ops, so the host can enqueue chunk i+1 and
  // only then wait for chunk i (model/encoder's chunk pipeline).
  status begin_download(const buffer& src, size_t src_offset, size_t bytes, pending_download& out) override {
    if (src_offset + bytes > src.bytes)
      return status::invalid_argument("begin_download: " + std::to_string(bytes) + " bytes at offset " +
                                      std::to_string(src_offset) + " exceed the buffer's " + std::to_string(src.bytes));
    WINNOW_RETURN_IF_ERROR(use_device());
    const int slot = next_slot_;
    download_slot& d = slots_[slot];
    next_slot_ = (next_slot_ + 1) % download_slot_count;
    if (d.ticket != 0) WINNOW_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(d.done));  // reused: its handle is void
    d.ticket = 0;
    if (bytes > d.bytes) {
      if (d.host) WINNOW_CUDA_RETURN_IF_ERROR(cudaFreeHost(d.host));
      d.host = nullptr;
      d.bytes = 0;
      const size_t want = bytes < (size_t{1} << 20) ? (size_t{1} << 20) : bytes + bytes / 4;
      WINNOW_CUDA_RETURN_IF_ERROR(cudaMallocHost(&d.host, want));
      d.bytes = want;
    }
    if (bytes > 0)
      WINNOW_CUDA_RETURN_IF_ERROR(cudaMemcpyAsync(d.host, static_cast<const char*>(src.ptr) + src_offset, bytes,
                                                  cudaMemcpyDeviceToHost, ctx_.stream));
    WINNOW_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(d.fault, ctx_.input_fault, 4 * sizeof(int), cudaMemcpyDeviceToHost, ctx_.stream));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaEventRecord(d.done, ctx_.stream));
    d.ticket = ++next_ticket_;
    out.slot = slot;
    out.ticket = d.ticket;
    out.bytes = bytes;
    out.host.clear();
    return status::ok_status();
  }

  status end_download(pending_download& p, void* dst) override {
    if (p.slot < 0 || p.slot >= download_slot_count || p.ticket == 0 || slots_[p.slot].ticket != p.ticket)
      return status::invalid_argument("end_download: not a pending download of this backend (or its slot was reused)");
    download_slot& d = slots_[p.slot];
    p.ticket = 0;
    WINNOW_RETURN_IF_ERROR(use_device());
    WINNOW_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(d.done));
    d.ticket = 0;
    if (d.fault[0] != fault_none) {
      const std::string message = fault_message(d.fault);
      WINNOW_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(ctx_.input_fault, 0, 4 * sizeof(int), ctx_.stream));
      WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(ctx_.stream));
      return status::invalid_argument(message);
    }
    if (p.bytes > 0) std::memcpy(dst, d.host, p.bytes);
    return status::ok_status();
  }

  int download_slots() const override { return download_slot_count; }

  status sync() override {
    WINNOW_RETURN_IF_ERROR(use_device());
    return finish();
  }

  // graph_cache.hpp has the policy: warm up, capture, replay; a failed
  // capture falls back to the ordinary launches for good.
  status run_sequence(uint64_t key, const std::function<status()>& enqueue) override {
    if (!graphs_enabled_) return enqueue();
    WINNOW_RETURN_IF_ERROR(use_device());
    if (graphs_.needs_clear(key)) {
      WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(ctx_.stream));  // none of them may still run
      graphs_.clear();
    }
    switch (graphs_.next(key, graph_epoch())) {
      case graph_step::warm_up:
      case graph_step::eager:
        return enqueue();
      case graph_step::replay:
        WINNOW_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(graphs_.graph(key)->exec, ctx_.stream));
        return status::ok_status();
      case graph_step::capture:
        break;
    }
    const uint64_t epoch = graph_epoch();
    status_or<std::unique_ptr<cuda_graph>> g = capture(enqueue);
    if (!g.ok()) {
      // Remembered (not retried every query); the ops then run as usual. A
      // real device fault shows up again on that ordinary run.
      last_failure_ = g.get_status().to_string();
      graphs_.capture_failed(key, last_failure_);
      return enqueue();
    }
    const cudaGraphExec_t exec = (*g)->exec;
    graphs_.captured(key, epoch, std::move(g).value());
    WINNOW_CUDA_RETURN_IF_ERROR(cudaGraphLaunch(exec, ctx_.stream));
    return status::ok_status();
  }

  bool replays_sequences() const override { return graphs_enabled_; }

  void set_path(gemm_s8_path p) { ctx_.s8_path = p; }

  status set_graphs(bool on) {
    if (!on && graphs_.size() > 0) {
      WINNOW_RETURN_IF_ERROR(use_device());
      WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(ctx_.stream));
      graphs_.clear();
    }
    graphs_enabled_ = on;
    return status::ok_status();
  }

  cuda_graph_stats graph_stats() const {
    cuda_graph_stats st;
    st.captures = graphs_.counters().captures;
    st.replays = graphs_.counters().replays;
    st.failures = graphs_.counters().failures;
    st.eager = graphs_.counters().eager;
    st.graphs = graphs_.graphs();
    st.last_failure = last_failure_;
    return st;
  }

 private:
  cuda_backend() = default;

  // What a graph bakes in besides the caller's buffers: the scratch address
  // and the int8 GEMM path (set_gemm_s8_path picks other kernels).
  uint64_t graph_epoch() const { return ctx_.scratch_epoch() * 4 + static_cast<uint64_t>(ctx_.s8_path); }

  // Records `enqueue` on the stream (cudaStreamCaptureModeThreadLocal: only
  // this thread's unsafe calls break it, so another backend's thread may
  // allocate meanwhile) and instantiates it. Nothing runs yet.
  status_or<std::unique_ptr<cuda_graph>> capture(const std::function<status()>& enqueue) {
    WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamBeginCapture(ctx_.stream, cudaStreamCaptureModeThreadLocal));
    ctx_.capturing = true;
    const status recorded = enqueue();
    ctx_.capturing = false;
    cudaGraph_t graph = nullptr;
    const cudaError_t ended = cudaStreamEndCapture(ctx_.stream, &graph);
    if (!recorded.ok() || ended != cudaSuccess || graph == nullptr) {
      if (graph) cudaGraphDestroy(graph);
      cudaGetLastError();  // capture errors are not sticky; clear the last one
      if (!recorded.ok()) return recorded.with_context("while capturing a CUDA graph");
      return to_status(ended == cudaSuccess ? cudaErrorStreamCaptureInvalidated : ended, "cudaStreamEndCapture");
    }
    auto g = std::make_unique<cuda_graph>();
    const cudaError_t made = cudaGraphInstantiate(&g->exec, graph, 0);
    cudaGraphDestroy(graph);  // the executable graph keeps what it needs
    if (made != cudaSuccess) {
      g->exec = nullptr;
      cudaGetLastError();
      return to_status(made, "cudaGraphInstantiate");
    }
    return status_or<std::unique_ptr<cuda_graph>>(std::move(g));
  }

  // Pinned room for one upload: uploads since the last wait share the
  // staging area one after another, so a chunk's uploads (ids, type ids,
  // lengths) queue without waiting for each other; only a full area (or a
  // download) waits for the copies out of it.
  status_or<char*> stage_upload(size_t bytes) {
    const size_t padded = (bytes + 255) & ~size_t{255};
    if (staging_ != nullptr && staging_used_ + padded <= staging_bytes_) {
      char* p = static_cast<char*>(staging_) + staging_used_;
      staging_used_ += padded;
      return p;
    }
    WINNOW_RETURN_IF_ERROR(reserve_staging(padded));
    staging_used_ = padded;
    return static_cast<char*>(staging_);
  }

  status init(int ordinal, const cuda_backend_options& options) {
    const int count = cuda_device_count();
    if (ordinal < 0 || ordinal >= count)
      return status::invalid_argument("no CUDA device " + std::to_string(ordinal) + " (" + std::to_string(count) +
                                      " present)");
    ctx_.device = ordinal;
    ctx_.s8_path = options.gemm_s8;
    graphs_enabled_ = options.graphs;
    WINNOW_RETURN_IF_ERROR(use_device());
    cudaDeviceProp prop{};
    WINNOW_CUDA_RETURN_IF_ERROR(cudaGetDeviceProperties(&prop, ordinal));
    ctx_.sm_count = prop.multiProcessorCount;
    ctx_.compute_capability = prop.major * 10 + prop.minor;
    ctx_.max_smem_per_block_optin = prop.sharedMemPerBlockOptin;
    info_.name = prop.name;
    info_.kind = device_kind::cuda;
    info_.ordinal = ordinal;
    info_.compute_capability = ctx_.compute_capability;
    info_.total_memory_bytes = prop.totalGlobalMem;
    WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamCreateWithFlags(&ctx_.stream, cudaStreamNonBlocking));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaEventCreateWithFlags(&staging_free_, cudaEventDisableTiming));
    WINNOW_CUDA_RETURN_IF_ERROR(cublasLtCreate(&ctx_.lt));
    ctx_.workspace_bytes = options.cublaslt_workspace_bytes;
    if (ctx_.workspace_bytes > 0) WINNOW_CUDA_RETURN_IF_ERROR(cudaMalloc(&ctx_.workspace, ctx_.workspace_bytes));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaMalloc(&ctx_.input_fault, 4 * sizeof(int)));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(ctx_.input_fault, 0, 4 * sizeof(int), ctx_.stream));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaMallocHost(&fault_host_, 4 * sizeof(int)));
    for (download_slot& d : slots_) {
      WINNOW_CUDA_RETURN_IF_ERROR(cudaEventCreateWithFlags(&d.done, cudaEventDisableTiming));
      WINNOW_CUDA_RETURN_IF_ERROR(cudaMallocHost(reinterpret_cast<void**>(&d.fault), 4 * sizeof(int)));
      std::memset(d.fault, 0, 4 * sizeof(int));
    }
    plans_ = std::make_unique<lt_plan_cache>();
    ctx_.plans = plans_.get();
    (void)info();  // refresh the memory figures once
    return finish();
  }

  // cudaSetDevice only when another device is current: it runs before every
  // op, inside graph captures too.
  status use_device() const {
    int current = -1;
    if (cudaGetDevice(&current) == cudaSuccess && current == ctx_.device) return status::ok_status();
    return to_status(cudaSetDevice(ctx_.device), "cudaSetDevice");
  }

  status reserve_staging(size_t bytes) {
    // Whatever used the staging area last must be done with it (the event
    // follows the latest copy; the stream runs them in order).
    WINNOW_CUDA_RETURN_IF_ERROR(cudaEventSynchronize(staging_free_));
    staging_used_ = 0;
    if (bytes <= staging_bytes_) return status::ok_status();
    if (staging_) WINNOW_CUDA_RETURN_IF_ERROR(cudaFreeHost(staging_));
    staging_ = nullptr;
    staging_bytes_ = 0;
    // 4 MiB at least: a 16k-row chunk uploads ~130 KB, so ~30 chunks share
    // the area before an upload has to wait for the copies out of it.
    const size_t want = bytes < (size_t{4} << 20) ? (size_t{4} << 20) : bytes + bytes / 4;
    WINNOW_CUDA_RETURN_IF_ERROR(cudaMallocHost(&staging_, want));
    staging_bytes_ = want;
    return status::ok_status();
  }

  // Waits for the stream, then reports (and clears) an [INPUT_FAULTS] record.
  status finish() {
    WINNOW_CUDA_RETURN_IF_ERROR(
        cudaMemcpyAsync(fault_host_, ctx_.input_fault, 4 * sizeof(int), cudaMemcpyDeviceToHost, ctx_.stream));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(ctx_.stream));
    if (fault_host_[0] == fault_none) return status::ok_status();
    const std::string message = fault_message(fault_host_);
    WINNOW_CUDA_RETURN_IF_ERROR(cudaMemsetAsync(ctx_.input_fault, 0, 4 * sizeof(int), ctx_.stream));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(ctx_.stream));
    return status::invalid_argument(message);
  }

  mutable device_info info_;
  context ctx_;
  std::unique_ptr<lt_plan_cache> plans_;
  int* fault_host_ = nullptr;  // pinned
  void* staging_ = nullptr;    // pinned
  size_t staging_bytes_ = 0;
  size_t staging_used_ = 0;    // bytes handed to uploads since the last wait
  graph_cache<cuda_graph> graphs_;
  struct download_slot {
    void* host = nullptr;  // pinned
    size_t bytes = 0;
    int* fault = nullptr;  // pinned: the input-fault record as of this download
    cudaEvent_t done = nullptr;
    uint64_t ticket = 0;   // of the pending download using it; 0 = free
  };
  static constexpr int download_slot_count = 2;
  download_slot slots_[download_slot_count];
  int next_slot_ = 0;
  uint64_t next_ticket_ = 0;
  bool graphs_enabled_ = true;
  std::string last_failure_;
  cudaEvent_t staging_free_ = nullptr;
};

}  // namespace

int cuda_device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // "no driver" / "no device" is an answer, not a fault
    return 0;
  }
  return n;
}

std::string cuda_unavailable_reason() {
  int n = 0;
  const cudaError_t e = cudaGetDeviceCount(&n);
  if (e != cudaSuccess) {
    cudaGetLastError();
    return std::string("cudaGetDeviceCount: ") + cudaGetErrorName(e) + " (" + cudaGetErrorString(e) + ")";
  }
  return n > 0 ? std::string() : std::string("cudaGetDeviceCount: 0 devices");
}

status_or<std::unique_ptr<backend>> make_cuda_backend(int ordinal, const cuda_backend_options& options) {
  return cuda_backend::create(ordinal, options);
}

status set_gemm_s8_path(backend& b, gemm_s8_path path) {
  auto* c = dynamic_cast<cuda_backend*>(&b);
  if (c == nullptr) return status::invalid_argument("set_gemm_s8_path: " + b.info().name + " is not a CUDA backend");
  c->set_path(path);
  return status::ok_status();
}

status set_graphs_enabled(backend& b, bool on) {
  auto* c = dynamic_cast<cuda_backend*>(&b);
  if (c == nullptr) return status::invalid_argument("set_graphs_enabled: " + b.info().name + " is not a CUDA backend");
  return c->set_graphs(on);
}

status_or<cuda_graph_stats> graph_stats(const backend& b) {
  const auto* c = dynamic_cast<const cuda_backend*>(&b);
  if (c == nullptr) return status::invalid_argument("graph_stats: " + b.info().name + " is not a CUDA backend");
  return c->graph_stats();
}

const char* to_string(gemm_s8_path path) {
  switch (path) {
    case gemm_s8_path::automatic: return "automatic";
    case gemm_s8_path::cublaslt: return "cublaslt";
    case gemm_s8_path::own: return "own";
  }
  return "?";
}

}  // namespace winnow::kernels::cuda
