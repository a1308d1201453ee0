#pragma once
// The CUDA backend's public face (style.md §1: no CUDA type leaks out).
// Available only when the build has WINNOW_HAVE_CUDA (CMake option
// WINNOW_CUDA); kernels/registry.hpp is the way to get a backend without
// caring whether CUDA was compiled in.
//
// Device memory and streams: each backend instance owns one CUDA stream, its
// pinned staging for copies and its cache of CUDA graphs (run_sequence)
// (so one instance per in-flight batch gives one stream per batch) and its
// own scratch. All instances on one ordinal share the device's memory: a
// buffer alloc()ed by one may be an operand of another's ops, which is how
// the int8 weights live on a device once and serve every stream. REQUIRES
// for such sharing: the allocating instance's sync() returned after the
// upload and before another instance's run() reads the buffer; a buffer is
// freed by the instance that allocated it, after every user synchronized.
//
// Errors: every CUDA/cuBLASLt failure is status_code::device_error (the pool
// marks the device down); operands that are malformed are invalid_argument;
// device-resident bad input (a token id past the vocabulary, a length past
// seq_len) is reported as invalid_argument by the next sync()/download().

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status_or.hpp"
#include "kernels/backend.hpp"

namespace winnow::kernels::cuda {

// How gemm_s8s8_f32 runs: `automatic` takes our row-warp kernel for small M
// (query encoding) and cuBLASLt IMMA otherwise; the others force one side
// (for benchmarks and cross-checks). Unaligned operands always fall back to
// our general tiled kernel.
enum class gemm_s8_path : uint8_t { automatic, cublaslt, own };

struct cuda_backend_options {
  gemm_s8_path gemm_s8 = gemm_s8_path::automatic;
  size_t cublaslt_workspace_bytes = size_t{32} << 20;
  // run_sequence records CUDA graphs (graph_cache.hpp has the policy); false
  // runs every sequence as ordinary launches.
  bool graphs = true;
};

// What run_sequence did on one backend (graph_cache.hpp's counters).
struct cuda_graph_stats {
  uint64_t captures = 0;
  uint64_t replays = 0;
  uint64_t failures = 0;
  uint64_t eager = 0;
  size_t graphs = 0;      // graphs held now
  std::string last_failure;  // why the latest capture failed; empty if none did
};

// Number of usable CUDA devices; 0 when the driver or a device is missing
// (never an error: a machine without a GPU is normal).
int cuda_device_count();

// Why cuda_device_count() is 0, in the runtime's words ("cudaGetDeviceCount:
// cudaErrorNoDevice (no CUDA-capable device is detected)"); empty when a
// device is present. For the start-up error and the device check's preflight.
std::string cuda_unavailable_reason();

// A backend on device `ordinal`. invalid_argument for an ordinal out of
// range; device_error when the device cannot be initialized.
status_or<std::unique_ptr<backend>> make_cuda_backend(int ordinal, const cuda_backend_options& options = {});

// Switches the int8 GEMM path of a backend made by make_cuda_backend
// (benchmarks compare paths on one instance). invalid_argument otherwise.
status set_gemm_s8_path(backend& b, gemm_s8_path path);

const char* to_string(gemm_s8_path path);

// Turns graph recording on or off on a backend made by make_cuda_backend (the
// benchmark's query latency with and without graphs); off also drops the
// graphs held. invalid_argument for any other backend.
status set_graphs_enabled(backend& b, bool on);
status_or<cuda_graph_stats> graph_stats(const backend& b);

}  // namespace winnow::kernels::cuda
