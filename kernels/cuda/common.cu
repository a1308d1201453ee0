#include "kernels/cuda/common.cuh"

#include "common/status_or.hpp"

namespace winnow::kernels::cuda {

status to_status(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return status::ok_status();
  return status::device_error(std::string(what) + ": " + cudaGetErrorName(e) + " (" +
                              cudaGetErrorString(e) + ")");
}

// Only what says the device or its context is unusable is device_error (the
// pool then takes the device down and rebuilds it). cuBLASLt refusing the
// operands is `unsupported` (the caller runs its own kernel); its running out
// of memory is resource_exhausted (the batch fails, the device stays up).
status to_status(cublasStatus_t e, const char* what) {
  const std::string m = std::string(what) + ": " + cublas_status_name(e);
  switch (e) {
    case CUBLAS_STATUS_SUCCESS: return status::ok_status();
    case CUBLAS_STATUS_NOT_SUPPORTED:
    case CUBLAS_STATUS_INVALID_VALUE:
    case CUBLAS_STATUS_ARCH_MISMATCH: return status::unsupported(m);
    case CUBLAS_STATUS_ALLOC_FAILED: return status::resource_exhausted(m);
    default: return status::device_error(m);  // NOT_INITIALIZED, EXECUTION_FAILED, INTERNAL_ERROR, MAPPING_ERROR, ...
  }
}

const char* cublas_status_name(cublasStatus_t e) {
  switch (e) {
    case CUBLAS_STATUS_SUCCESS: return "CUBLAS_STATUS_SUCCESS";
    case CUBLAS_STATUS_NOT_INITIALIZED: return "CUBLAS_STATUS_NOT_INITIALIZED";
    case CUBLAS_STATUS_ALLOC_FAILED: return "CUBLAS_STATUS_ALLOC_FAILED";
    case CUBLAS_STATUS_INVALID_VALUE: return "CUBLAS_STATUS_INVALID_VALUE";
    case CUBLAS_STATUS_ARCH_MISMATCH: return "CUBLAS_STATUS_ARCH_MISMATCH";
    case CUBLAS_STATUS_MAPPING_ERROR: return "CUBLAS_STATUS_MAPPING_ERROR";
    case CUBLAS_STATUS_EXECUTION_FAILED: return "CUBLAS_STATUS_EXECUTION_FAILED";
    case CUBLAS_STATUS_INTERNAL_ERROR: return "CUBLAS_STATUS_INTERNAL_ERROR";
    case CUBLAS_STATUS_NOT_SUPPORTED: return "CUBLAS_STATUS_NOT_SUPPORTED";
    case CUBLAS_STATUS_LICENSE_ERROR: return "CUBLAS_STATUS_LICENSE_ERROR";
    default: return "CUBLAS_STATUS_(unknown)";
  }
}

status check_launch(const char* kernel_name) {
  return to_status(cudaGetLastError(), kernel_name);
}

status_or<void*> context::scratch(size_t bytes) {
  if (bytes <= scratch_bytes_) return scratch_;
  if (capturing) {
    return status::unsupported("scratch of " + std::to_string(bytes) + " bytes (have " +
                               std::to_string(scratch_bytes_) + ") cannot be allocated inside a CUDA graph capture");
  }
  ++scratch_epoch_;
  if (scratch_ != nullptr) {
    WINNOW_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(stream));
    WINNOW_CUDA_RETURN_IF_ERROR(cudaFree(scratch_));
    scratch_ = nullptr;
    scratch_bytes_ = 0;
  }
  // Grow geometrically so a sequence of growing batches allocates O(log) times.
  size_t want = bytes < (1u << 20) ? (1u << 20) : bytes + bytes / 4;
  void* p = nullptr;
  WINNOW_CUDA_RETURN_IF_ERROR(cudaMalloc(&p, want));
  scratch_ = p;
  scratch_bytes_ = want;
  return scratch_;
}

void context::release_scratch() {
  ++scratch_epoch_;
  if (scratch_ != nullptr) cudaFree(scratch_);
  scratch_ = nullptr;
  scratch_bytes_ = 0;
}

}  // namespace winnow::kernels::cuda
