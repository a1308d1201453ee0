#pragma once
// The postings of one term [POSTINGS_LAYOUT]:
//
//   skip table   one 13-byte entry per block (little endian):
//                  u32 last_doc   the block's last doc id
//                  u32 end        offset of the byte after the block, from `data`
//                  u32 max_tf     the block's largest term frequency
//                  u8  min_norm   the block's smallest field-norm code
//   data         full blocks of 128 postings:
//                  u8 doc_width, u8 tf_width,
//                  128 (doc gap − 1) bitpacked, 128 (tf − 1) bitpacked
//                a last, partial block (df % 128 postings) as vint pairs
//                  (doc gap − 1, tf − 1)
//
// The first gap of a block is taken from the previous block's last doc (or
// from −1). (max_tf, min_norm) bounds any BM25 score in the block for every
// k1, b and avgdl — BM25 grows with tf and shrinks with length — which is what
// block-max pruning needs.

#include <cstdint>
#include <string>

namespace winnow::index {

inline constexpr uint32_t skip_entry_bytes = 13;

struct skip_entry {
  uint32_t last_doc;
  uint32_t end;
  uint32_t max_tf;
  uint8_t min_norm;
};

inline uint32_t block_count(uint32_t df) { return (df + 127) / 128; }

// Appends the encoding of n postings to *out. `norms` maps a doc id to its
// field-norm code. REQUIRES: n > 0, docs strictly increasing, every tf >= 1.
void encode_postings(const uint32_t* docs, const uint32_t* tfs, uint32_t n, const uint8_t* norms,
                     std::string* out);

skip_entry read_skip_entry(const uint8_t* skip_table, uint32_t block);

}  // namespace winnow::index
