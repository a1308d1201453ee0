#include "kernels/weight_layout.hpp"

#include <cstring>

namespace winnow::kernels {

void pack_s8_panels(const int8_t* b, int64_t n, int64_t k, int64_t row_stride, int8_t* out) {
  std::memset(out, 0, static_cast<size_t>(panels_bytes(n, k)));
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t c = 0; c < k; ++c) out[panels_offset(r, c, k)] = b[r * row_stride + c];
  }
}

}  // namespace winnow::kernels
