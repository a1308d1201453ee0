#pragma once
// Fixed-width bit packing of 128 uint32 values (one postings block):
// value i occupies bits [i·w, (i+1)·w) of a little-endian bit stream, so a
// block takes exactly 16·w bytes.

#include <cstdint>

namespace winnow::index {

inline constexpr uint32_t block_size = 128;

// Bits needed for the largest of the n values (0 when all are 0).
uint32_t bits_needed(const uint32_t* values, uint32_t n);

// REQUIRES: every value < 2^w, w <= 32. Writes 16·w bytes at `out`.
void pack128(const uint32_t* in, uint32_t w, uint8_t* out);

// REQUIRES: 8 readable bytes past the 16·w packed bytes (segments are padded).
void unpack128(const uint8_t* in, uint32_t w, uint32_t* out);

inline constexpr uint32_t packed128_bytes(uint32_t w) { return 16 * w; }

}  // namespace winnow::index
