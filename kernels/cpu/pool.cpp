// pool: mean over a sequence's real tokens (or its first token), then L2.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels/cpu/cpu_ops.hpp"

namespace winnow::kernels::cpu {

void pool_ref(const pool_op& o) {
  const int64_t h = o.hidden.cols;
  std::vector<double> acc(static_cast<size_t>(h));
  for (int64_t b = 0; b < o.batch; ++b) {
    const int32_t raw = static_cast<const int32_t*>(o.lengths.data)[b * o.lengths.row_stride];
    const int64_t len = std::clamp<int64_t>(raw, 0, o.seq_len);
    const int64_t take = o.mode == pooling::cls ? std::min<int64_t>(len, 1) : len;
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t p = 0; p < take; ++p) {
      const float* row = static_cast<const float*>(o.hidden.data) + (b * o.seq_len + p) * o.hidden.row_stride;
      for (int64_t i = 0; i < h; ++i) acc[i] += row[i];
    }
    // An empty sequence pools to zeros (as sentence-transformers' clamp of the
    // token count to >= 1e-9 gives); normalizing zeros stays zeros.
    const double denom = take > 0 ? static_cast<double>(take) : 1.0;
    double norm = 0.0;
    for (int64_t i = 0; i < h; ++i) { acc[i] /= denom; norm += acc[i] * acc[i]; }
    norm = std::sqrt(norm);
    const double scale = o.normalize ? 1.0 / std::max(norm, 1e-12) : 1.0;
    float* out = static_cast<float*>(o.out.data) + b * o.out.row_stride;
    for (int64_t i = 0; i < h; ++i) out[i] = static_cast<float>(acc[i] * scale);
  }
}

}  // namespace winnow::kernels::cpu
