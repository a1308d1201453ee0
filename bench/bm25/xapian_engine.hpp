#pragma once
// The peer engine of bm25_vs_xapian: a Xapian (glass) database scored with
// Xapian::BM25Weight. It is fed the very terms winnow's analyzer produced
// (each occurrence added with Document::add_term, so wdf = tf and the
// document length = token count), so both engines index the same postings
// and the comparison measures storage, matching and scoring — not two
// different tokenizers. No Xapian type appears in this header.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status_or.hpp"
#include "index/search_index.hpp"

namespace winnow::bench {

class xapian_engine {
 public:
  xapian_engine(const xapian_engine&) = delete;
  xapian_engine& operator=(const xapian_engine&) = delete;
  ~xapian_engine();

  // Creates (overwriting) a database in `dir`, scored with BM25Weight(k1, k2 = 0,
  // k3 = 1, b, min_normlen = 0), i.e. plain BM25 with winnow's k1 and b.
  static status_or<std::unique_ptr<xapian_engine>> create(const std::string& dir, double k1,
                                                          double b);

  // Adds one document. `data` is stored with it (as winnow stores documents).
  status add(const std::string& id, const std::vector<std::string>& terms, const std::string& data);
  // Makes everything added durable and searchable (Xapian's commit).
  status commit();

  // Top k for an OR of `terms` (a repeated term counts once per occurrence).
  // REQUIRES: commit() since the last add().
  status_or<std::vector<index::hit>> search(const std::vector<std::string>& terms, size_t k) const;

  // (term, document) pairs: the sum of every term's document frequency.
  status_or<uint64_t> postings() const;
  // Bytes of the posting-list table, and of the whole database directory.
  uint64_t postlist_bytes() const;
  uint64_t total_bytes() const;

  struct impl;

 private:
  explicit xapian_engine(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace winnow::bench
