#pragma once
// Ingests a BEIR corpus file into a data directory.
//
// Malformed-line policy [INGEST_REJECTS_FILE]: the whole file is rejected.
// A first pass reads every line (check_corpus: JSON, required fields, UTF-8,
// repeated `_id`) without writing anything; if any line is bad, ingest fails
// with invalid_argument listing the bad lines (file and line number, up to
// max_listed_errors of them, plus the total) and the data directory is left
// untouched. Only a clean file is written, in a second pass: each batch is
// stored durably (storage::db::put_documents returns after the synced WAL
// write — the documents are acknowledged from then on), then added to the
// index; the index is flushed at the end. A crash after a batch is stored
// but before the index is flushed loses nothing: opening the directory
// replays it (see data_dir.hpp). The one gap: a file that changes between
// the two passes can fail in the second, after earlier batches were stored.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/status_or.hpp"
#include "index/search_index.hpp"
#include "storage/db.hpp"
#include "storage/document.hpp"

namespace winnow::app {

struct ingest_options {
  size_t batch_docs = 1000;
  size_t max_listed_errors = 20;
};

struct ingest_progress {
  uint64_t docs_done = 0;
  uint64_t docs_total = 0;   // known after the check pass
  double elapsed_s = 0;      // since the write pass began
};

struct ingest_summary {
  uint64_t docs = 0;
  double check_s = 0;   // the validation pass
  double write_s = 0;   // store + index + flush
};

class corpus_ingester {
 public:
  // `db` and `index` must outlive the ingester; `index` must be over `db`.
  corpus_ingester(storage::db& db, index::search_index& index, ingest_options options = {})
      : db_(db), index_(index), options_(options) {}

  // Called after every batch is acknowledged (durable), with the batch.
  using ack_callback = std::function<void(const std::vector<storage::document>&)>;
  using progress_callback = std::function<void(const ingest_progress&)>;

  status_or<ingest_summary> ingest_file(const std::string& path,
                                        const progress_callback& on_progress = nullptr,
                                        const ack_callback& on_ack = nullptr);

 private:
  storage::db& db_;
  index::search_index& index_;
  ingest_options options_;
};

// "12,000 / 100,000 docs  5,432 docs/s  ETA 16s" (for a terminal line).
std::string format_progress(const ingest_progress& p);

}  // namespace winnow::app
