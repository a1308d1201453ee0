#include "index/postings/bitpacking.hpp"

#include <array>
#include <cstring>
#include <utility>

namespace winnow::index {

uint32_t bits_needed(const uint32_t* values, uint32_t n) {
  uint32_t all = 0;
  for (uint32_t i = 0; i < n; ++i) all |= values[i];
  return all == 0 ? 0 : 32 - static_cast<uint32_t>(__builtin_clz(all));
}

void pack128(const uint32_t* in, uint32_t w, uint8_t* out) {
  if (w == 0) return;
  uint64_t acc = 0;
  uint32_t bits = 0;
  for (uint32_t i = 0; i < block_size; ++i) {
    acc |= static_cast<uint64_t>(in[i]) << bits;
    bits += w;
    while (bits >= 8) {
      *out++ = static_cast<uint8_t>(acc);
      acc >>= 8;
      bits -= 8;
    }
  }
}

namespace {

// The width is a template parameter so that every shift and mask is a
// constant and the loop unrolls.
template <uint32_t W>
void unpack_fixed(const uint8_t* in, uint32_t* out) {
  constexpr uint64_t mask = (W == 32) ? 0xFFFFFFFFull : ((1ull << W) - 1);
  for (uint32_t i = 0; i < block_size; ++i) {
    const uint32_t bit = i * W;
    uint64_t v;
    std::memcpy(&v, in + (bit >> 3), 8);
    out[i] = static_cast<uint32_t>((v >> (bit & 7)) & mask);
  }
}

template <uint32_t... W>
constexpr auto make_table(std::integer_sequence<uint32_t, W...>) {
  using fn = void (*)(const uint8_t*, uint32_t*);
  return std::array<fn, sizeof...(W)>{{&unpack_fixed<W>...}};
}

}  // namespace

void unpack128(const uint8_t* in, uint32_t w, uint32_t* out) {
  if (w == 0) {
    std::memset(out, 0, block_size * sizeof(uint32_t));
    return;
  }
  static constexpr auto table = make_table(std::make_integer_sequence<uint32_t, 33>{});
  table[w](in, out);
}

}  // namespace winnow::index
