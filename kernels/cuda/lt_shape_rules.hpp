#pragma once
// Which int8 GEMMs go to cuBLASLt, as a plain function (no CUDA type) so the
// rule is tested on any machine.
//
// cuBLASLt's int8 IMMA kernels are known to mishandle or reject some shapes
// on sm_90 (N = 3 or 16, M = 130 in our op cases). PyTorch only calls int8
// cuBLASLt for M > 16 with N and K multiples of 8 (torch._int_mm's checks);
// we use the same rule, plus the 16-byte alignment the plan cache asks the
// heuristic for. Anything else runs on our own kernels, which take any shape.

#include <cstdint>

namespace winnow::kernels::cuda {

struct s8_gemm_shape {
  int64_t m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0;  // row strides of a [M, K] and b [N, K], in elements
  bool a_aligned16 = false, b_aligned16 = false;
};

inline bool cublaslt_s8_shape_ok(const s8_gemm_shape& s) {
  return s.m > 16 && s.n % 8 == 0 && s.k % 8 == 0 && s.lda % 16 == 0 && s.ldb % 16 == 0 && s.a_aligned16 &&
         s.b_aligned16;
}

}  // namespace winnow::kernels::cuda
