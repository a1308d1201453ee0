#pragma once
// The serialized form of one immutable segment [SEGMENT_LAYOUT], all
// integers little endian:
//
//   header (80 bytes)
//     u32 magic "WNSG", u32 version, u32 doc_count, u32 term_count,
//     u64 total_tokens, u64 total_postings,
//     u64 ids_offset, u64 lengths_offset, u64 dict_offset, u64 postings_offset,
//     u64 end_offset, u64 checksum (of bytes [80, end_offset))
//   ids        per doc, in local doc id order: vint length, bytes
//   lengths    per doc: u32 token count
//   dict       per term, in ascending byte order: vint length, bytes, vint df,
//              vint offset of its postings from postings_offset
//   postings   per term, [POSTINGS_LAYOUT] (postings_codec.hpp)
//   8 zero bytes (bit unpacking reads up to 8 bytes past a block)

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace winnow::index {

inline constexpr uint32_t segment_magic = 0x47534E57;  // "WNSG"
inline constexpr uint32_t segment_version = 1;
inline constexpr size_t segment_header_bytes = 80;
inline constexpr size_t segment_padding_bytes = 8;

uint64_t segment_checksum(std::string_view bytes);

}  // namespace winnow::index
