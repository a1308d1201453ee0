#include "kernels/cuda/cublaslt_plans.cuh"

namespace winnow::kernels::cuda {

lt_plan_cache::plan::~plan() {
  if (la) cublasLtMatrixLayoutDestroy(la);
  if (lb) cublasLtMatrixLayoutDestroy(lb);
  if (lc) cublasLtMatrixLayoutDestroy(lc);
  if (desc) cublasLtMatmulDescDestroy(desc);
}

// Builds into a plan of its own: whatever fails part-way is freed with it and
// nothing is cached except by plan_cache's rule.
status_or<std::unique_ptr<lt_plan_cache::plan>> lt_plan_cache::build(context& ctx, const lt_problem& p) {
  auto owned = std::make_unique<plan>();
  plan& pl = *owned;
  const bool s8 = p.kind == lt_kind::s8s8_s32;
  const cudaDataType_t ab_type = s8 ? CUDA_R_8I : CUDA_R_32F;
  const cudaDataType_t c_type = s8 ? CUDA_R_32I : CUDA_R_32F;
  WINNOW_CUDA_RETURN_IF_ERROR(
      cublasLtMatmulDescCreate(&pl.desc, s8 ? CUBLAS_COMPUTE_32I : CUBLAS_COMPUTE_32F, s8 ? CUDA_R_32I : CUDA_R_32F));
  const cublasOperation_t trans_a = CUBLAS_OP_T, trans_b = CUBLAS_OP_N;
  WINNOW_CUDA_RETURN_IF_ERROR(
      cublasLtMatmulDescSetAttribute(pl.desc, CUBLASLT_MATMUL_DESC_TRANSA, &trans_a, sizeof(trans_a)));
  WINNOW_CUDA_RETURN_IF_ERROR(
      cublasLtMatmulDescSetAttribute(pl.desc, CUBLASLT_MATMUL_DESC_TRANSB, &trans_b, sizeof(trans_b)));
  if (p.bias) {
    const cublasLtEpilogue_t epi = CUBLASLT_EPILOGUE_BIAS;
    WINNOW_CUDA_RETURN_IF_ERROR(
        cublasLtMatmulDescSetAttribute(pl.desc, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi, sizeof(epi)));
  }
  // [LT_ROW_MAJOR]: cuBLASLt A = our b stored col-major [K, N]; B = our a as [K, M]; C = [N, M].
  WINNOW_CUDA_RETURN_IF_ERROR(cublasLtMatrixLayoutCreate(&pl.la, ab_type, p.k, p.n, p.ldb));
  WINNOW_CUDA_RETURN_IF_ERROR(cublasLtMatrixLayoutCreate(&pl.lb, ab_type, p.k, p.m, p.lda));
  WINNOW_CUDA_RETURN_IF_ERROR(cublasLtMatrixLayoutCreate(&pl.lc, c_type, p.n, p.m, p.ldc));

  cublasLtMatmulPreference_t pref = nullptr;
  WINNOW_CUDA_RETURN_IF_ERROR(cublasLtMatmulPreferenceCreate(&pref));
  size_t ws = ctx.workspace_bytes;
  cublasStatus_t st =
      cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws));
  // Callers guarantee 16-byte alignment (not cuBLASLt's assumed 256), so ask
  // only for algorithms valid under it.
  const uint32_t align = 16;
  for (auto attr : {CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_A_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_B_BYTES,
                    CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_C_BYTES, CUBLASLT_MATMUL_PREF_MIN_ALIGNMENT_D_BYTES}) {
    if (st == CUBLAS_STATUS_SUCCESS) st = cublasLtMatmulPreferenceSetAttribute(pref, attr, &align, sizeof(align));
  }
  cublasLtMatmulHeuristicResult_t result{};
  int found = 0;
  if (st == CUBLAS_STATUS_SUCCESS)
    st = cublasLtMatmulAlgoGetHeuristic(ctx.lt, pl.desc, pl.la, pl.lb, pl.lc, pl.lc, pref, 1, &result, &found);
  cublasLtMatmulPreferenceDestroy(pref);
  // NOT_SUPPORTED (and INVALID_VALUE, ARCH_MISMATCH: an odd shape or
  // stride) is cuBLASLt's "no plan", cached; ALLOC_FAILED is transient and
  // a lost context a device error, neither cached (common.cu's to_status).
  WINNOW_RETURN_IF_ERROR(to_status(st, "cublasLtMatmulAlgoGetHeuristic"));
  if (found == 0 || result.state != CUBLAS_STATUS_SUCCESS)
    return status::unsupported("cuBLASLt has no algorithm for this shape/stride");
  pl.algo = result.algo;
  pl.workspace_bytes = result.workspaceSize;
  return std::move(owned);
}

status lt_plan_cache::matmul(context& ctx, const lt_problem& p, const void* a, const void* b, const float* bias,
                             void* out) {
  WINNOW_ASSIGN_OR_RETURN(plan * pl, plans_.get(p, [&] { return build(ctx, p); }));
  if (p.bias) {
    WINNOW_CUDA_RETURN_IF_ERROR(
        cublasLtMatmulDescSetAttribute(pl->desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof(bias)));
  }
  if (p.kind == lt_kind::s8s8_s32) {
    const int32_t alpha = 1, beta = 0;
    return to_status(cublasLtMatmul(ctx.lt, pl->desc, &alpha, b, pl->la, a, pl->lb, &beta, out, pl->lc, out, pl->lc,
                                    &pl->algo, ctx.workspace, pl->workspace_bytes, ctx.stream),
                     "cublasLtMatmul(s8s8_s32)");
  }
  const float alpha = 1.0f, beta = 0.0f;
  return to_status(cublasLtMatmul(ctx.lt, pl->desc, &alpha, b, pl->la, a, pl->lb, &beta, out, pl->lc, out, pl->lc,
                                  &pl->algo, ctx.workspace, pl->workspace_bytes, ctx.stream),
                   "cublasLtMatmul(f32)");
}

}  // namespace winnow::kernels::cuda
