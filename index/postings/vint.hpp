#pragma once
// LEB128-style variable-length unsigned integers: 7 bits a byte, low first.

#include <cstdint>
#include <string>

namespace winnow::index {

inline void put_vint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads one vint at *p, advancing it. Returns false (leaving *v undefined) if
// it would read at or past `end` or is longer than 10 bytes.
inline bool get_vint(const uint8_t** p, const uint8_t* end, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift < 70; shift += 7) {
    if (*p >= end) return false;
    const uint8_t b = *(*p)++;
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if (b < 0x80) { *v = r; return true; }
  }
  return false;
}

// Unchecked variant for data validated when its segment was loaded.
inline uint32_t get_vint32_unchecked(const uint8_t** p) {
  uint32_t r = 0;
  int shift = 0;
  for (;;) {
    const uint8_t b = *(*p)++;
    r |= static_cast<uint32_t>(b & 0x7F) << shift;
    if (b < 0x80) return r;
    shift += 7;
  }
}

}  // namespace winnow::index
