#include "bench/cuda/lt_reference.hpp"

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <vector>

#include "bench/cuda/base_clock.hpp"

namespace winnow::bench {
namespace {

status cuda_check(cudaError_t e, const char* what) {
  if (e == cudaSuccess) return status::ok_status();
  return status::device_error(std::string(what) + ": " + cudaGetErrorString(e));
}
status lt_check(cublasStatus_t e, const char* what) {
  if (e == CUBLAS_STATUS_SUCCESS) return status::ok_status();
  return status::device_error(std::string(what) + ": cublas status " + std::to_string(static_cast<int>(e)));
}

__global__ void fill_s8_kernel(int8_t* p, size_t n, uint32_t seed) {
  for (size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<size_t>(gridDim.x) * blockDim.x) {
    uint32_t x = static_cast<uint32_t>(i) * 2654435761u ^ seed;
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    p[i] = static_cast<int8_t>(static_cast<int>(x % 255u) - 127);
  }
}

// RAII for the handful of handles one measurement needs.
struct lt_session {
  cublasLtHandle_t lt = nullptr;
  cublasLtMatmulDesc_t desc = nullptr;
  cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
  cublasLtMatmulPreference_t pref = nullptr;
  void *a = nullptr, *b = nullptr, *c = nullptr, *ws = nullptr;
  cudaStream_t stream = nullptr;
  cudaEvent_t start = nullptr, stop = nullptr;
  ~lt_session() {
    if (pref) cublasLtMatmulPreferenceDestroy(pref);
    if (la) cublasLtMatrixLayoutDestroy(la);
    if (lb) cublasLtMatrixLayoutDestroy(lb);
    if (lc) cublasLtMatrixLayoutDestroy(lc);
    if (desc) cublasLtMatmulDescDestroy(desc);
    if (lt) cublasLtDestroy(lt);
    for (void* p : {a, b, c, ws})
      if (p) cudaFree(p);
    if (start) cudaEventDestroy(start);
    if (stop) cudaEventDestroy(stop);
    if (stream) cudaStreamDestroy(stream);
  }
};

}  // namespace

status_or<lt_best_result> cublaslt_best_s8(int ordinal, int64_t m, int64_t n, int64_t k, int reps) {
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaSetDevice(ordinal), "cudaSetDevice"));
  lt_session s;
  const size_t ws_bytes = size_t{32} << 20;
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaStreamCreate(&s.stream), "cudaStreamCreate"));
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaEventCreate(&s.start), "cudaEventCreate"));
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaEventCreate(&s.stop), "cudaEventCreate"));
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaMalloc(&s.a, m * k), "cudaMalloc a"));
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaMalloc(&s.b, n * k), "cudaMalloc b"));
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaMalloc(&s.c, m * n * 4), "cudaMalloc c"));
  WINNOW_RETURN_IF_ERROR(cuda_check(cudaMalloc(&s.ws, ws_bytes), "cudaMalloc workspace"));
  fill_s8_kernel<<<1024, 256, 0, s.stream>>>(static_cast<int8_t*>(s.a), m * k, 1);
  fill_s8_kernel<<<1024, 256, 0, s.stream>>>(static_cast<int8_t*>(s.b), n * k, 2);
  WINNOW_RETURN_IF_ERROR(lt_check(cublasLtCreate(&s.lt), "cublasLtCreate"));
  WINNOW_RETURN_IF_ERROR(lt_check(cublasLtMatmulDescCreate(&s.desc, CUBLAS_COMPUTE_32I, CUDA_R_32I), "desc"));
  const cublasOperation_t t = CUBLAS_OP_T;
  WINNOW_RETURN_IF_ERROR(
      lt_check(cublasLtMatmulDescSetAttribute(s.desc, CUBLASLT_MATMUL_DESC_TRANSA, &t, sizeof(t)), "transa"));
  // The same row-major -> column-major mapping as kernels/cuda/cublaslt_plans.cuh [LT_ROW_MAJOR].
  WINNOW_RETURN_IF_ERROR(lt_check(cublasLtMatrixLayoutCreate(&s.la, CUDA_R_8I, k, n, k), "layout a"));
  WINNOW_RETURN_IF_ERROR(lt_check(cublasLtMatrixLayoutCreate(&s.lb, CUDA_R_8I, k, m, k), "layout b"));
  WINNOW_RETURN_IF_ERROR(lt_check(cublasLtMatrixLayoutCreate(&s.lc, CUDA_R_32I, n, m, n), "layout c"));
  WINNOW_RETURN_IF_ERROR(lt_check(cublasLtMatmulPreferenceCreate(&s.pref), "pref"));
  WINNOW_RETURN_IF_ERROR(lt_check(
      cublasLtMatmulPreferenceSetAttribute(s.pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws_bytes, sizeof(ws_bytes)),
      "pref workspace"));
  std::vector<cublasLtMatmulHeuristicResult_t> results(16);
  int found = 0;
  WINNOW_RETURN_IF_ERROR(lt_check(cublasLtMatmulAlgoGetHeuristic(s.lt, s.desc, s.la, s.lb, s.lc, s.lc, s.pref,
                                                                 static_cast<int>(results.size()), results.data(),
                                                                 &found),
                                  "heuristic"));
  if (found == 0) return status::unsupported("cuBLASLt offers no int8 algorithm for this shape");
  lt_best_result best;
  best.seconds = 1e30;
  const int32_t alpha = 1, beta = 0;
  for (int i = 0; i < found; ++i) {
    if (results[i].state != CUBLAS_STATUS_SUCCESS || results[i].workspaceSize > ws_bytes) continue;
    auto launch = [&] {
      return cublasLtMatmul(s.lt, s.desc, &alpha, s.b, s.la, s.a, s.lb, &beta, s.c, s.lc, s.c, s.lc,
                            &results[i].algo, s.ws, ws_bytes, s.stream);
    };
    if (launch() != CUBLAS_STATUS_SUCCESS) continue;  // warm-up; an algorithm that fails is skipped
    WINNOW_RETURN_IF_ERROR(cuda_check(cudaEventRecord(s.start, s.stream), "record"));
    for (int r = 0; r < reps; ++r) launch();
    WINNOW_RETURN_IF_ERROR(cuda_check(cudaEventRecord(s.stop, s.stream), "record"));
    WINNOW_RETURN_IF_ERROR(cuda_check(cudaEventSynchronize(s.stop), "sync"));
    float ms = 0.f;
    WINNOW_RETURN_IF_ERROR(cuda_check(cudaEventElapsedTime(&ms, s.start, s.stop), "elapsed"));
    best.seconds = std::min(best.seconds, ms / 1e3 / reps);
    ++best.algorithms_tried;
  }
  if (best.algorithms_tried == 0) return status::unsupported("no cuBLASLt int8 algorithm ran");
  return best;
}

device_peak int8_peak(int ordinal) {
  device_peak p;
  int sms = 0, boost_khz = 0, major = 0, minor = 0;
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, ordinal);
  cudaDeviceGetAttribute(&boost_khz, cudaDevAttrClockRate, ordinal);
  cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, ordinal);
  cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, ordinal);
  const int cc = major * 10 + minor;
  // Dense int8 tensor-core ops per clock per SM, from the vendors' datasheets
  // (A100: 624 TOPS, RTX 4090: 661 TOPS, H100 SXM: 1979 TOPS at boost clock).
  int ops_per_clk = 0;
  if (cc == 80) ops_per_clk = 4096;
  if (cc == 86 || cc == 87 || cc == 89) ops_per_clk = 2048;
  if (cc == 90) ops_per_clk = 8192;
  // The base clock (base_clock.hpp: the boost clock overstates the peak);
  // the boost clock only when NVML cannot say, and the basis then says so.
  char bus[32] = {};
  int mhz = boost_khz / 1000;
  std::string clock_kind = "MHz boost clock (base clock unknown: ";
  if (cudaDeviceGetPCIBusId(bus, sizeof bus, ordinal) != cudaSuccess) {
    cudaGetLastError();
    clock_kind += "no PCI bus id";
  } else if (auto base = nvml_base_clock_mhz(bus); base.ok()) {
    mhz = *base;
    clock_kind = "MHz base clock (NVML default applications clock";
  } else {
    clock_kind += base.get_status().message();
  }
  clock_kind += ")";
  p.int8_dense_tops = static_cast<double>(sms) * mhz * 1e6 * ops_per_clk / 1e12;
  p.clock_mhz = mhz;
  p.boost_clock_mhz = boost_khz / 1000;
  p.basis = std::to_string(sms) + " SMs x " + std::to_string(mhz) + " " + clock_kind + " x " +
            std::to_string(ops_per_clk) + " int8 ops/clk/SM (sm_" + std::to_string(cc) + ")";
  return p;
}

}  // namespace winnow::bench
