#include "index/postings/postings_codec.hpp"

#include <algorithm>
#include <cstring>

#include "index/postings/bitpacking.hpp"
#include "index/postings/vint.hpp"

namespace winnow::index {

namespace {
void put_u32(std::string* out, size_t at, uint32_t v) {
  for (int i = 0; i < 4; ++i) (*out)[at + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
uint32_t get_u32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}
}  // namespace

skip_entry read_skip_entry(const uint8_t* skip_table, uint32_t block) {
  const uint8_t* p = skip_table + static_cast<size_t>(block) * skip_entry_bytes;
  return {get_u32(p), get_u32(p + 4), get_u32(p + 8), p[12]};
}

void encode_postings(const uint32_t* docs, const uint32_t* tfs, uint32_t n, const uint8_t* norms,
                     std::string* out) {
  const uint32_t blocks = block_count(n);
  const size_t skip_at = out->size();
  out->resize(skip_at + static_cast<size_t>(blocks) * skip_entry_bytes);
  const size_t data_at = out->size();
  uint32_t prev = UINT32_MAX;  // so that the first gap − 1 is the doc id itself
  uint32_t gaps[block_size], tfm1[block_size];
  for (uint32_t b = 0; b < blocks; ++b) {
    const uint32_t begin = b * block_size;
    const uint32_t count = std::min(block_size, n - begin);
    uint32_t max_tf = 0;
    uint8_t min_norm = 255;
    for (uint32_t i = 0; i < count; ++i) {
      const uint32_t d = docs[begin + i];
      gaps[i] = d - prev - 1;
      tfm1[i] = tfs[begin + i] - 1;
      prev = d;
      max_tf = std::max(max_tf, tfs[begin + i]);
      min_norm = std::min(min_norm, norms[d]);
    }
    if (count == block_size) {
      const uint32_t dw = bits_needed(gaps, block_size), tw = bits_needed(tfm1, block_size);
      out->push_back(static_cast<char>(dw));
      out->push_back(static_cast<char>(tw));
      const size_t at = out->size();
      out->resize(at + packed128_bytes(dw) + packed128_bytes(tw));
      auto* o = reinterpret_cast<uint8_t*>(&(*out)[at]);
      pack128(gaps, dw, o);
      pack128(tfm1, tw, o + packed128_bytes(dw));
    } else {
      for (uint32_t i = 0; i < count; ++i) {
        put_vint(out, gaps[i]);
        put_vint(out, tfm1[i]);
      }
    }
    const size_t e = skip_at + static_cast<size_t>(b) * skip_entry_bytes;
    put_u32(out, e, prev);
    put_u32(out, e + 4, static_cast<uint32_t>(out->size() - data_at));
    put_u32(out, e + 8, max_tf);
    (*out)[e + 12] = static_cast<char>(min_norm);
  }
}

}  // namespace winnow::index
