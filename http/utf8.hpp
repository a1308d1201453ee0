#pragma once
// UTF-8 validation for request input (query strings, ids, paths).

#include <cstddef>
#include <string_view>

namespace winnow::http {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates, nothing
// above U+10FFFF). Otherwise false, and *bad_offset (if given) is the byte
// offset of the first byte of the first ill-formed sequence.
bool valid_utf8(std::string_view s, size_t* bad_offset = nullptr);

}  // namespace winnow::http
