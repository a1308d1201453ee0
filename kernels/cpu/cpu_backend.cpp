#include "kernels/cpu/cpu_backend.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#if defined(_OPENMP)
#include <omp.h>
#endif

#include "kernels/cpu/cpu_ops.hpp"
#include "kernels/cpu/op_checks.hpp"

namespace winnow::kernels {
namespace {

constexpr size_t huge_page = size_t{2} << 20;

class cpu_backend final : public backend {
 public:
  explicit cpu_backend(const cpu_backend_options& options)
      : threads_(options.threads < 1 ? 1 : options.threads), ref_(options.use_reference) {
    info_.name = std::string("cpu (") + (ref_ ? "reference" : cpu::simd_level()) + ", " +
                 std::to_string(threads_) + (threads_ == 1 ? " thread)" : " threads)");
    info_.kind = device_kind::cpu;
  }

  const device_info& info() const override { return info_; }

  bool supports(const op& o) const override { return cpu::check_op(o).ok(); }

  status_or<buffer> alloc(size_t bytes) override {
    // 64-byte alignment keeps SIMD loads within cache lines. Buffers of 2 MiB
    // and more (the gathered int8 weights, the embedding table, large batch
    // workspaces) are aligned to 2 MiB and asked for transparent huge pages:
    // a query streams ~10 MB of weights, and with 4 KiB pages that is ~2,600
    // TLB misses per query (page walks are dearer still in a virtual
    // machine). Measured: 0.93-0.95x the query time (bench/RESULTS.md). The
    // kernel may refuse; nothing depends on it.
    const bool huge = bytes >= huge_page;
    const size_t align = huge ? huge_page : 64;
    const size_t rounded = std::max<size_t>(align, (bytes + align - 1) / align * align);
    void* p = std::aligned_alloc(align, rounded);
    if (!p) return status::resource_exhausted("cpu backend: cannot allocate " + std::to_string(bytes) + " bytes");
#if defined(MADV_HUGEPAGE)
    if (huge) (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
    return buffer{p, bytes};
  }

  void free(buffer b) override { std::free(b.ptr); }

  status upload(const buffer& dst, size_t dst_offset, const void* src, size_t bytes) override {
    if (dst_offset + bytes > dst.bytes) {
      return status::invalid_argument("cpu backend upload: " + std::to_string(bytes) + " bytes at offset " +
                                      std::to_string(dst_offset) + " exceed a buffer of " +
                                      std::to_string(dst.bytes));
    }
    if (bytes) std::memcpy(static_cast<char*>(dst.ptr) + dst_offset, src, bytes);
    return {};
  }

  status download(void* dst, const buffer& src, size_t src_offset, size_t bytes) override {
    if (src_offset + bytes > src.bytes) {
      return status::invalid_argument("cpu backend download: " + std::to_string(bytes) + " bytes at offset " +
                                      std::to_string(src_offset) + " exceed a buffer of " +
                                      std::to_string(src.bytes));
    }
    if (bytes) std::memcpy(dst, static_cast<const char*>(src.ptr) + src_offset, bytes);
    return {};
  }

  status run(const op& o) override {
    WINNOW_RETURN_IF_ERROR(cpu::check_op(o));
#if defined(_OPENMP)
    // oneDNN's sgemm sizes its OpenMP team from this thread's setting.
    omp_set_num_threads(threads_);
#endif
    std::visit([this](const auto& x) { dispatch(x); }, o);
    return {};
  }

  status sync() override { return {}; }

 private:
  void dispatch(const quantize_rows_f32_s8_op& o) {
    ref_ ? cpu::quantize_rows_f32_s8_ref(o) : cpu::quantize_rows_f32_s8_fast(o, threads_);
  }
  void dispatch(const gemm_s8s8_f32_op& o) {
    ref_ ? cpu::gemm_s8s8_f32_ref(o) : cpu::gemm_s8s8_f32_fast(o, threads_);
  }
  void dispatch(const gemm_f32_op& o) { ref_ ? cpu::gemm_f32_ref(o) : cpu::gemm_f32_fast(o, threads_); }
  void dispatch(const add_residual_layernorm_op& o) {
    ref_ ? cpu::add_residual_layernorm_ref(o) : cpu::add_residual_layernorm_fast(o, threads_);
  }
  void dispatch(const gelu_op& o) { ref_ ? cpu::gelu_ref(o) : cpu::gelu_fast(o, threads_); }
  void dispatch(const attention_op& o) { ref_ ? cpu::attention_ref(o) : cpu::attention_fast(o, threads_); }
  void dispatch(const embed_op& o) { ref_ ? cpu::embed_ref(o) : cpu::embed_fast(o, threads_); }
  void dispatch(const pool_op& o) { cpu::pool_ref(o); }
  void dispatch(const gemm_s8s8_fused_op& o) {
    ref_ ? cpu::gemm_s8s8_fused_ref(o) : cpu::gemm_s8s8_fused_fast(o, threads_);
  }
  void dispatch(const residual_layernorm_quantize_op& o) {
    ref_ ? cpu::residual_layernorm_quantize_ref(o) : cpu::residual_layernorm_quantize_fast(o, threads_);
  }
  void dispatch(const attention_f16_op& o) {
    ref_ ? cpu::attention_f16_ref(o) : cpu::attention_f16_fast(o, threads_);
  }

  int threads_;
  bool ref_;
  device_info info_;
};

}  // namespace

std::unique_ptr<backend> make_cpu_backend(const cpu_backend_options& options) {
  return std::make_unique<cpu_backend>(options);
}

}  // namespace winnow::kernels
