#include "index/postings/postings_iterator.hpp"

#include "index/postings/vint.hpp"

namespace winnow::index {

postings_iterator::postings_iterator(const uint8_t* term_data, uint32_t df)
    : skips_(term_data),
      data_(term_data + static_cast<size_t>(block_count(df)) * skip_entry_bytes),
      df_(df),
      n_blocks_(block_count(df)) {
  shallow_seek(0);
  load_block(0);
}

void postings_iterator::load_block(uint32_t b) {
  if (b >= n_blocks_) {
    block_ = n_blocks_;
    doc_ = terminated;
    pos_ = count_ = 0;
    tfs_ready_ = true;
    return;
  }
  block_ = b;
  const skip_entry e = read_skip_entry(skips_, b);
  uint32_t start = 0, prev = UINT32_MAX;
  if (b > 0) {
    const skip_entry p = read_skip_entry(skips_, b - 1);
    start = p.end;
    prev = p.last_doc;
  }
  const uint8_t* p = data_ + start;
  cur_last_doc_ = e.last_doc;
  const bool full = b + 1 < n_blocks_ || df_ % block_size == 0;
  if (full) {
    const uint32_t dw = p[0];
    tf_width_ = p[1];
    unpack128(p + 2, dw, docs_);
    tf_packed_ = p + 2 + packed128_bytes(dw);
    tfs_ready_ = false;
    uint32_t d = prev;
    for (uint32_t i = 0; i < block_size; ++i) {
      d += docs_[i] + 1;
      docs_[i] = d;
    }
    count_ = block_size;
  } else {
    count_ = df_ % block_size;
    uint32_t d = prev;
    for (uint32_t i = 0; i < count_; ++i) {
      d += get_vint32_unchecked(&p) + 1;
      docs_[i] = d;
      tfs_[i] = get_vint32_unchecked(&p) + 1;
    }
    tfs_ready_ = true;
  }
  pos_ = 0;
  doc_ = docs_[0];
}

void postings_iterator::decode_tfs() {
  unpack128(tf_packed_, tf_width_, tfs_);
  for (uint32_t i = 0; i < block_size; ++i) tfs_[i] += 1;
  tfs_ready_ = true;
}

void postings_iterator::seek(uint32_t target) {
  if (doc_ >= target) return;
  if (target > cur_last_doc_) {
    uint32_t b = block_ + 1;
    while (b < n_blocks_ && read_skip_entry(skips_, b).last_doc < target) ++b;
    load_block(b);
    if (doc_ == terminated) return;
  }
  while (docs_[pos_] < target) ++pos_;  // the block's last doc >= target stops it
  doc_ = docs_[pos_];
}

bool postings_iterator::shallow_seek(uint32_t target) {
  uint32_t b = shallow_block_;
  while (b < n_blocks_ && read_skip_entry(skips_, b).last_doc < target) ++b;
  shallow_block_ = b;
  if (b >= n_blocks_) return false;
  shallow_ = read_skip_entry(skips_, b);
  return true;
}

}  // namespace winnow::index
