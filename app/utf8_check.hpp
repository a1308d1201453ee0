#pragma once
// Strict UTF-8 validation (RFC 3629: no overlongs, no surrogates, <= U+10FFFF),
// used to reject a corpus line before any of it is parsed or stored.

#include <cstddef>
#include <optional>
#include <string_view>

namespace winnow::app {

// Returns the 0-based byte offset of the first byte that does not start or
// continue a valid UTF-8 sequence, or nullopt when `bytes` is valid.
std::optional<size_t> first_invalid_utf8(std::string_view bytes);

}  // namespace winnow::app
