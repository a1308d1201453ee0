// add_residual_layernorm: out = LayerNorm(x + residual) * gamma + beta per row.
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/cpu/cpu_ops.hpp"

namespace winnow::kernels::cpu {

void add_residual_layernorm_ref(const add_residual_layernorm_op& o) {
  const int64_t h = o.x.cols;
  const auto* gamma = static_cast<const float*>(o.gamma.data);
  const auto* beta = static_cast<const float*>(o.beta.data);
  std::vector<double> y(static_cast<size_t>(h));
  for (int64_t m = 0; m < o.x.rows; ++m) {
    const float* x = static_cast<const float*>(o.x.data) + m * o.x.row_stride;
    const float* r = o.residual.empty()
                         ? nullptr
                         : static_cast<const float*>(o.residual.data) + m * o.residual.row_stride;
    double mean = 0.0;
    for (int64_t i = 0; i < h; ++i) {
      y[i] = static_cast<double>(x[i]) + (r ? r[i] : 0.f);
      mean += y[i];
    }
    mean /= static_cast<double>(h);
    double var = 0.0;
    for (int64_t i = 0; i < h; ++i) var += (y[i] - mean) * (y[i] - mean);
    var /= static_cast<double>(h);
    const double inv = 1.0 / std::sqrt(var + o.eps);
    float* out = static_cast<float*>(o.out.data) + m * o.out.row_stride;
    for (int64_t i = 0; i < h; ++i) {
      out[i] = static_cast<float>((y[i] - mean) * inv * gamma[i] + beta[i]);
    }
  }
}

// Two passes in fp32 over the row (mean, then centred variance), which keeps
// the error near fp32 rounding; rows are split over threads.
void add_residual_layernorm_fast(const add_residual_layernorm_op& o, int threads) {
  const int64_t h = o.x.cols;
  const auto* gamma = static_cast<const float*>(o.gamma.data);
  const auto* beta = static_cast<const float*>(o.beta.data);
#pragma omp parallel num_threads(threads) if (threads > 1 && o.x.rows >= 32)
  {
    std::vector<float> y(static_cast<size_t>(h));
#pragma omp for schedule(static)
    for (int64_t m = 0; m < o.x.rows; ++m) {
      const float* x = static_cast<const float*>(o.x.data) + m * o.x.row_stride;
      const float* r = o.residual.empty()
                           ? nullptr
                           : static_cast<const float*>(o.residual.data) + m * o.residual.row_stride;
      float sum = 0.f;
      if (r) {
        for (int64_t i = 0; i < h; ++i) { y[i] = x[i] + r[i]; sum += y[i]; }
      } else {
        for (int64_t i = 0; i < h; ++i) { y[i] = x[i]; sum += y[i]; }
      }
      const float mean = sum / static_cast<float>(h);
      float var = 0.f;
      for (int64_t i = 0; i < h; ++i) { const float d = y[i] - mean; var += d * d; }
      var /= static_cast<float>(h);
      const float inv = 1.f / std::sqrt(var + o.eps);
      float* out = static_cast<float*>(o.out.data) + m * o.out.row_stride;
      for (int64_t i = 0; i < h; ++i) out[i] = (y[i] - mean) * inv * gamma[i] + beta[i];
    }
  }
}

}  // namespace winnow::kernels::cpu
