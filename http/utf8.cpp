#include "http/utf8.hpp"

#include <cstdint>

namespace winnow::http {

bool valid_utf8(std::string_view s, size_t* bad_offset) {
  size_t i = 0;
  const size_t n = s.size();
  auto fail = [&](size_t at) {
    if (bad_offset) *bad_offset = at;
    return false;
  };
  auto cont = [&](size_t at) {
    return at < n && (static_cast<uint8_t>(s[at]) & 0xC0) == 0x80;
  };
  while (i < n) {
    uint8_t c = static_cast<uint8_t>(s[i]);
    if (c < 0x80) { ++i; continue; }
    if (c >= 0xC2 && c <= 0xDF) {
      if (!cont(i + 1)) return fail(i);
      i += 2;
      continue;
    }
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(i + 1) || !cont(i + 2)) return fail(i);
      uint8_t c1 = static_cast<uint8_t>(s[i + 1]);
      if (c == 0xE0 && c1 < 0xA0) return fail(i);   // overlong
      if (c == 0xED && c1 >= 0xA0) return fail(i);  // UTF-16 surrogate
      i += 3;
      continue;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return fail(i);
      uint8_t c1 = static_cast<uint8_t>(s[i + 1]);
      if (c == 0xF0 && c1 < 0x90) return fail(i);   // overlong
      if (c == 0xF4 && c1 >= 0x90) return fail(i);  // above U+10FFFF
      i += 4;
      continue;
    }
    return fail(i);  // 0x80..0xC1 lead, or 0xF5..0xFF
  }
  return true;
}

}  // namespace winnow::http
