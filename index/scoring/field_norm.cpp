#include "index/scoring/field_norm.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace winnow::index {

namespace {
const std::array<uint32_t, 256>& norm_table() {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      if (i < 64) {
        t[i] = i;
      } else {
        const auto grown = static_cast<uint32_t>(std::lround(t[i - 1] * 1.04));
        t[i] = std::max(t[i - 1] + 1, grown);
      }
    }
    return t;
  }();
  return table;
}
}  // namespace

uint8_t encode_field_norm(uint32_t length) {
  const auto& t = norm_table();
  auto it = std::upper_bound(t.begin(), t.end(), length);
  return static_cast<uint8_t>(it - t.begin() - 1);
}

uint32_t decode_field_norm(uint8_t code) { return norm_table()[code]; }

}  // namespace winnow::index
