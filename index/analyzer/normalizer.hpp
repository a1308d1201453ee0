#pragma once

#include <string>
#include <string_view>

#include "common/status.hpp"

namespace winnow::index {

// Unicode NFKC + case folding (utf8proc), optionally stripping combining
// marks (accents). ASCII input takes a fast path (lowercasing is then the
// whole job). REQUIRES: `in` is valid UTF-8 (utf8_validator).
// Output replaces *out.
status normalize_text(std::string_view in, bool strip_accents, std::string* out);

}  // namespace winnow::index
