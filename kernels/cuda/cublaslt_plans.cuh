#pragma once
// Cached cuBLASLt matmul plans (descriptor, layouts, heuristic's algorithm)
// keyed by shape, so a steady stream of same-shaped batches pays the
// heuristic query once. Row-major problems are mapped onto cuBLASLt's
// column-major convention here and nowhere else ([LT_ROW_MAJOR]):
//   out[M, N] = a[M, K] * b[N, K]^T (row-major)  ==  out^T[N, M] = op_T(b^T)[N, K] * a^T[K, M]
// i.e. cuBLASLt's "A" is our weight b (transposed), its "B" our activations a:
// the TN form the int8 IMMA kernels require.

#include <cstdint>
#include <tuple>

#include "common/status_or.hpp"
#include "kernels/cuda/common.cuh"
#include "kernels/cuda/plan_cache.hpp"

namespace winnow::kernels::cuda {

enum class lt_kind : uint8_t { s8s8_s32, f32_f32_f32 };

struct lt_problem {
  lt_kind kind;
  int64_t m, n, k;
  int64_t lda, ldb, ldc;  // row strides of a, b, out in elements
  bool bias;              // f32 only: cuBLASLt's bias epilogue
  bool operator<(const lt_problem& o) const {
    return std::tie(kind, m, n, k, lda, ldb, ldc, bias) < std::tie(o.kind, o.m, o.n, o.k, o.lda, o.ldb, o.ldc, o.bias);
  }
};

class lt_plan_cache {
 public:
  lt_plan_cache() = default;
  lt_plan_cache(const lt_plan_cache&) = delete;
  lt_plan_cache& operator=(const lt_plan_cache&) = delete;

  // Runs out = a * b^T (+ bias) on ctx.stream. Returns unsupported when
  // cuBLASLt has no algorithm for the problem (alignment, strides), so the
  // caller can fall back to its own kernel; that answer is cached. A plan
  // whose build fails otherwise is not cached (plan_cache.hpp): the error is
  // returned (classified as common.cu's to_status says) and the next call
  // builds it again.
  status matmul(context& ctx, const lt_problem& p, const void* a, const void* b, const float* bias, void* out);

  size_t cached_plans() const { return plans_.size(); }

 private:
  struct plan {
    plan() = default;
    plan(const plan&) = delete;
    plan& operator=(const plan&) = delete;
    ~plan();
    cublasLtMatmulDesc_t desc = nullptr;
    cublasLtMatrixLayout_t la = nullptr, lb = nullptr, lc = nullptr;
    cublasLtMatmulAlgo_t algo{};
    size_t workspace_bytes = 0;
  };
  static status_or<std::unique_ptr<plan>> build(context& ctx, const lt_problem& p);
  plan_cache<lt_problem, plan> plans_;
};

}  // namespace winnow::kernels::cuda
