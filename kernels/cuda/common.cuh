#pragma once
// Shared by every kernels/cuda/*.cu file: cudaError_t / cublasStatus_t ->
// winnow::status conversion (style.md §6.6: CUDA errors become device_error so
// the pool can mark the device down) and the per-backend context an op entry
// receives. Internal: never included outside kernels/cuda/.

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "common/status.hpp"
#include "kernels/backend.hpp"
#include "kernels/cuda/cuda_backend.hpp"

namespace winnow::kernels::cuda {

class lt_plan_cache;

status to_status(cudaError_t e, const char* what);
status to_status(cublasStatus_t e, const char* what);  // classification: common.cu
const char* cublas_status_name(cublasStatus_t e);

// Checks the launch just made (configuration errors surface at once;
// asynchronous faults surface at the next sync or copy).
status check_launch(const char* kernel_name);

#define WINNOW_CUDA_RETURN_IF_ERROR(expr) WINNOW_RETURN_IF_ERROR(::winnow::kernels::cuda::to_status((expr), #expr))


// What an op entry needs: the stream the backend enqueues on, the cuBLASLt
// handle, and scratch device memory (the int32 accumulator of the cuBLASLt
// int8 path and cuBLASLt's workspace), grown on demand and owned by the
// backend. One context per backend instance, i.e. per stream.
struct context {
  int device = 0;
  int sm_count = 0;
  int compute_capability = 0;
  size_t max_smem_per_block_optin = 0;
  cudaStream_t stream = nullptr;
  cublasLtHandle_t lt = nullptr;
  gemm_s8_path s8_path = gemm_s8_path::automatic;

  // [INPUT_FAULTS] Kernels cannot return a status, so a kernel that meets
  // bad input living in device memory (a token id past the vocabulary, a
  // length past seq_len) records the first such fault here as
  // {kind, row, value} and writes zeros instead; sync() reports it as
  // invalid_argument and clears it. Device memory, 4 ints.
  int* input_fault = nullptr;

  lt_plan_cache* plans = nullptr;  // owned by the backend

  void* workspace = nullptr;  // cuBLASLt workspace
  size_t workspace_bytes = 0;

  // Returns scratch of at least `bytes`, valid until the next call. The
  // previous scratch may still be in use by enqueued work, so growing it
  // synchronizes the stream first.
  // While a CUDA graph is being captured on `stream` (capturing), growing
  // it is refused as unsupported instead (a sync or cudaMalloc would
  // invalidate the capture; the backend then runs the ops as usual).
  status_or<void*> scratch(size_t bytes);
  void release_scratch();
  // Changes whenever the scratch moves: a graph that baked in the old address
  // must be captured again (graph_cache's epoch).
  uint64_t scratch_epoch() const { return scratch_epoch_; }

  bool capturing = false;

 private:
  void* scratch_ = nullptr;
  size_t scratch_bytes_ = 0;
  uint64_t scratch_epoch_ = 0;
};

// Kinds recorded in context::input_fault.
enum input_fault_kind : int {
  fault_none = 0,
  fault_token_id = 1,
  fault_type_id = 2,
  fault_pool_length = 3,
  fault_attention_length = 4,
};

// Records the first fault (later ones are dropped: one clear message suffices).
__device__ __forceinline__ void record_input_fault(int* fault, int kind, int64_t row, int64_t value) {
  if (atomicCAS(fault, 0, kind) == 0) {
    fault[1] = static_cast<int>(row);
    fault[2] = static_cast<int>(value);
  }
}

// Tensor helpers shared by the launchers.
template <class T>
inline T* data_of(const tensor& t) { return static_cast<T*>(t.data); }

inline bool aligned_to(const void* p, uintptr_t n) { return (reinterpret_cast<uintptr_t>(p) % n) == 0; }

}  // namespace winnow::kernels::cuda
