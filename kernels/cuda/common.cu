#include "kernels/cuda/common.cuh"

#include "common/status_or.hpp"

namespace winnow::kernels::cuda {

status to_status(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return status::ok_status();
  return status::device_error(std::string(what) + ": " + cudaGetErrorName(e) + " (" +
                              cudaGetErrorString(e) + ")");
}

status to_status(cublasStatus_t e, const char* what) {
  if (e == CUBLAS_STATUS_SUCCESS) return status::ok_status();
  if (e == CUBLAS_STATUS_NOT_SUPPORTED)
    return status::unsupported(std::string(what) + ": CUBLAS_STATUS_NOT_SUPPORTED");
  return status::device_error(std::string(what) + ": cublas status " + std::to_string(static_cast<int>(e)));
}

status check_launch(const char* kernel_name) {
  return to_status(cudaGetLastError(), kernel_name);
}

status_or<void*> context::scratch(size_t bytes) {
  if (bytes <= scratch_bytes_) return scratch_;
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
  if (scratch_ != nullptr) cudaFree(scratch_);
  scratch_ = nullptr;
  scratch_bytes_ = 0;
}

}  // namespace winnow::kernels::cuda
