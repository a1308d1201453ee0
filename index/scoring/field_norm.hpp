#pragma once
// Document lengths as one-byte codes, so BM25's length term is a 256-entry
// table lookup. Codes 0..63 are exact lengths; above, each code is about 4%
// longer than the previous one (up to ~120,000 tokens; longer saturates).
// encode() rounds down, so decode(encode(n)) <= n.

#include <cstdint>

namespace winnow::index {

uint8_t encode_field_norm(uint32_t length);
uint32_t decode_field_norm(uint8_t code);

}  // namespace winnow::index
