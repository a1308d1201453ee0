#pragma once
// winnow::index::search_index — one BM25 shard over documents of a
// storage::db: an in-memory write buffer, immutable compressed segments
// persisted in the db's segments column family, deletes and updates by
// document id, segment merging, and top-k search by MaxScore with block-max
// bounds (never by scoring every posting).
//
// Visibility: add/remove take effect for search at the next flush(), which
// also makes them durable in the index (the documents themselves are durable
// in storage as soon as storage::db::put_documents returns). add() flushes by
// itself when the write buffer is full.
//
// Thread-safety: search(), query_stats() and stats() may run concurrently with
// each other and with one writer (add/remove/flush/maybe_merge/catch_up); each
// search works on an immutable snapshot of the segments. Writer methods are
// serialized internally, so calling them from several threads is safe too.
//
// Lifetime: the storage::db passed to open() must outlive the index.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.hpp"
#include "common/status_or.hpp"
#include "index/analyzer/analyzer_options.hpp"
#include "index/scoring/bm25.hpp"
#include "storage/db.hpp"
#include "storage/document.hpp"

namespace winnow::index {

struct merge_options {
  // Segments whose live document counts fall in the same power-of-`merge_factor`
  // level are merged once `merge_factor` of them exist (a log/tiered policy).
  uint32_t merge_factor = 8;
  // Segments smaller than this count as this size (avoids many tiny levels).
  uint32_t min_segment_docs = 1000;
  // A segment with more than this fraction deleted is rewritten on its own.
  double max_deleted_fraction = 0.3;
};

struct index_options {
  // Several shards may live in one db; each keeps its own keys (prefixed by id).
  uint32_t shard_id = 0;
  bm25_params bm25;
  analyzer_options analyzer;
  // Flush the write buffer to a segment when its estimated size passes this.
  uint64_t write_buffer_bytes = 64ull << 20;
  merge_options merge;
  // Index the title (title + " " + text, one field, as BEIR/Anserini "flat").
  bool index_title = true;
};

struct hit {
  std::string id;  // the document's external id
  float score = 0;
};

inline bool operator==(const hit& a, const hit& b) { return a.id == b.id && a.score == b.score; }

struct index_stats {
  uint64_t docs = 0;           // live documents in segments
  uint64_t deleted_docs = 0;   // deleted but not yet merged away
  uint64_t buffered_docs = 0;  // in the write buffer, not yet searchable
  uint64_t segments = 0;
  uint64_t terms = 0;          // distinct terms summed over segments
  uint64_t postings = 0;       // (term, doc) pairs in segments
  uint64_t bytes = 0;          // serialized segment bytes
  uint64_t total_tokens = 0;   // indexed tokens in segments
};

// The statistics one shard contributes for a query's terms [GLOBAL_STATS]:
// sum these over shards and pass the sum to search() to score every shard
// with global statistics.
struct query_statistics {
  uint64_t total_docs = 0;
  uint64_t total_tokens = 0;
  std::vector<std::pair<std::string, uint64_t>> doc_freqs;  // analyzed term → df
};

// A bm25_stats over fixed numbers (e.g. summed query_statistics).
class fixed_bm25_stats final : public bm25_stats {
 public:
  explicit fixed_bm25_stats(query_statistics s) : s_(std::move(s)) {}
  uint64_t total_docs() const override { return s_.total_docs; }
  uint64_t total_tokens() const override { return s_.total_tokens; }
  uint64_t doc_freq(std::string_view term) const override {
    for (const auto& [t, df] : s_.doc_freqs) if (t == term) return df;
    return 0;
  }
  // Adds another shard's numbers (same query).
  void add(const query_statistics& other);

 private:
  query_statistics s_;
};

class search_index {
 public:
  search_index(const search_index&) = delete;
  search_index& operator=(const search_index&) = delete;
  ~search_index();

  // Restores the shard from its persisted manifest and segments (no
  // re-ingest); a new shard starts empty. Fails with invalid_argument for bad
  // options (unknown stemming language, k1 < 0, b outside [0, 1]) and with
  // corruption for a segment that does not decode (naming it).
  static status_or<std::unique_ptr<search_index>> open(storage::db& db, const index_options& options);

  // Inserts the documents, replacing any earlier version with the same id.
  // Text that is not valid UTF-8 fails the whole call with invalid_argument
  // naming the document id, the field and the byte offset; nothing is added.
  // REQUIRES: the documents are already stored in the db (put_documents).
  status add(const std::vector<storage::document>& docs);

  // Removes the document (absent ids are not an error).
  status remove(std::string_view id);

  // Writes the buffer as a new segment and persists pending deletes, the new
  // manifest and the documents' `indexed` markers in one atomic db commit,
  // then publishes the new snapshot to searches. A no-op when nothing changed.
  status flush();

  // Merges segments as the merge policy says (possibly several rounds);
  // commits atomically like flush(). A no-op when no merge is due.
  status maybe_merge();
  // Merges everything into at most one segment (tests, benchmarks, offline use).
  status force_merge();

  // Replays what storage knows and the persisted index does not (after a
  // crash): documents `accepted` or `encoded` that `owns(id)` are re-added,
  // `deleted` ones removed; then flushes. Returns the number replayed.
  status_or<uint64_t> catch_up(const std::function<bool(std::string_view id)>& owns);

  // The top k documents for `query` (analyzed like documents), best first;
  // equal scores are ordered by ascending document id. An empty or all-stop-
  // word query gives no hits. Invalid UTF-8 → invalid_argument with the offset.
  status_or<std::vector<hit>> search(std::string_view query, size_t k) const;
  // The same with injected statistics [GLOBAL_STATS].
  status_or<std::vector<hit>> search(std::string_view query, size_t k, const bm25_stats& stats) const;

  // This shard's statistics for the query's terms [GLOBAL_STATS].
  status_or<query_statistics> query_stats(std::string_view query) const;

  // The analyzed terms of `text` (for debugging and tests).
  status_or<std::vector<std::string>> analyze(std::string_view text) const;

  index_stats stats() const;
  const index_options& options() const;

  class impl;

 private:
  explicit search_index(std::unique_ptr<impl> i);
  std::unique_ptr<impl> impl_;
};

}  // namespace winnow::index
