#pragma once

#include <cstddef>
#include <string_view>

#include "common/status.hpp"

namespace winnow::index {

// Returns the byte offset of the first byte that is not part of a well-formed
// UTF-8 sequence (overlong forms, surrogates and code points above U+10FFFF
// are ill-formed), or std::string_view::npos when `text` is valid.
size_t find_invalid_utf8(std::string_view text);

// ok, or invalid_argument "document 'ID': invalid UTF-8 in FIELD at byte offset N".
status validate_utf8(std::string_view text, std::string_view doc_id, std::string_view field);

}  // namespace winnow::index
