#pragma once
// Warp-level reductions shared by the row kernels (internal to kernels/cuda/).

#include <cuda_runtime.h>

#include "kernels/hd_math.hpp"

namespace winnow::kernels::cuda {

constexpr unsigned full_warp_mask = 0xffffffffu;

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(full_warp_mask, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(full_warp_mask, v, o));
  return v;
}

__device__ __forceinline__ hd::welford warp_welford(hd::welford w) {
  for (int o = 16; o > 0; o >>= 1) {
    hd::welford other;
    other.mean = __shfl_xor_sync(full_warp_mask, w.mean, o);
    other.m2 = __shfl_xor_sync(full_warp_mask, w.m2, o);
    other.count = __shfl_xor_sync(full_warp_mask, w.count, o);
    w = hd::welford_merge(w, other);
  }
  return w;
}

// Welford statistics of one row of x (+ residual, when not null), its lanes
// striding by 32: pass one of every LayerNorm row kernel, the result in every lane.
__device__ __forceinline__ hd::welford warp_row_welford(const float* xr, const float* rr, int64_t cols) {
  hd::welford w;
  for (int64_t c = threadIdx.x; c < cols; c += 32) w = hd::welford_add(w, xr[c] + (rr ? rr[c] : 0.0f));
  return warp_welford(w);
}

}  // namespace winnow::kernels::cuda
