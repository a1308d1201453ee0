#pragma once
// Walks one term's postings in a segment [POSTINGS_LAYOUT], decoding one block
// at a time (term frequencies only when asked for). Doc ids are local to the
// segment. After the last posting, doc() is `terminated`.
//
// The bytes belong to the segment: the iterator is valid while the segment is.

#include <cstdint>

#include "index/postings/bitpacking.hpp"
#include "index/postings/postings_codec.hpp"

namespace winnow::index {

inline constexpr uint32_t terminated = UINT32_MAX;

class postings_iterator {
 public:
  postings_iterator() = default;
  // REQUIRES: `term_data` points at a term's skip table with df postings.
  postings_iterator(const uint8_t* term_data, uint32_t df);

  uint32_t doc() const { return doc_; }
  uint32_t doc_freq() const { return df_; }
  // REQUIRES: doc() != terminated.
  uint32_t tf() {
    if (!tfs_ready_) decode_tfs();
    return tfs_[pos_];
  }
  // Moves to the next posting.
  void advance() {
    if (++pos_ < count_) {
      doc_ = docs_[pos_];
      return;
    }
    load_block(block_ + 1);
  }
  // Moves to the first posting with doc >= target (no move if already there).
  void seek(uint32_t target);

  // Block-max support: the block that would hold `target` (the first block
  // whose last doc >= target), without decoding it. Returns false when no
  // block is left. REQUIRES: targets do not decrease from call to call.
  bool shallow_seek(uint32_t target);
  // The shallow block's last doc / bound inputs. REQUIRES: shallow_seek() true.
  uint32_t shallow_last_doc() const { return shallow_.last_doc; }
  uint32_t shallow_max_tf() const { return shallow_.max_tf; }
  uint8_t shallow_min_norm() const { return shallow_.min_norm; }

  uint32_t blocks() const { return n_blocks_; }
  skip_entry block_entry(uint32_t b) const { return read_skip_entry(skips_, b); }

 private:
  void load_block(uint32_t b);
  void decode_tfs();

  const uint8_t* skips_ = nullptr;
  const uint8_t* data_ = nullptr;
  uint32_t df_ = 0;
  uint32_t n_blocks_ = 0;
  uint32_t block_ = 0;
  uint32_t shallow_block_ = 0;
  skip_entry shallow_{};
  uint32_t cur_last_doc_ = 0;  // last doc of the decoded block
  uint32_t pos_ = 0, count_ = 0;
  uint32_t doc_ = terminated;
  bool tfs_ready_ = true;
  const uint8_t* tf_packed_ = nullptr;
  uint32_t tf_width_ = 0;
  uint32_t docs_[block_size];
  uint32_t tfs_[block_size];
};

}  // namespace winnow::index
