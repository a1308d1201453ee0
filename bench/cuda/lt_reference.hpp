#pragma once
// The peers the int8 GEMM is measured against: cuBLASLt at its best (every
// algorithm its heuristic offers, each timed, the fastest kept) and the
// device's dense int8 tensor-core peak. No CUDA types here.

#include <cstdint>
#include <string>

#include "common/status_or.hpp"

namespace winnow::bench {

struct lt_best_result {
  double seconds = 0.0;  // per GEMM, s8 x s8 -> s32, no epilogue
  int algorithms_tried = 0;
};

// out[M, N] = a[M, K] * b[N, K]^T on random data, device `ordinal`.
status_or<lt_best_result> cublaslt_best_s8(int ordinal, int64_t m, int64_t n, int64_t k, int reps);

struct device_peak {
  double int8_dense_tops = 0.0;  // at the base clock when NVML gives it (base_clock.hpp)
  int clock_mhz = 0;             // the clock used
  int boost_clock_mhz = 0;       // for reference
  std::string basis;  // how it was computed, e.g. "132 SMs x 1590 MHz base clock (...) x 8192 int8 ops/clk/SM (sm_90)"
};
device_peak int8_peak(int ordinal);

}  // namespace winnow::bench
