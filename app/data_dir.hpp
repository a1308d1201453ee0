#pragma once
// A winnow data directory opened for the CLI: the document store plus the
// BM25 index over it (shard 0), with whatever a crash left unindexed replayed
// (search_index::catch_up) before anything else runs.

#include <memory>
#include <string>

#include "common/status_or.hpp"
#include "index/search_index.hpp"
#include "storage/db.hpp"

namespace winnow::app {

struct data_dir {
  std::unique_ptr<storage::db> db;
  std::unique_ptr<index::search_index> index;  // refers to *db: destroy it first
  uint64_t replayed = 0;                       // documents catch_up re-applied

  data_dir() = default;
  data_dir(data_dir&&) = default;
  data_dir& operator=(data_dir&&) = default;
  ~data_dir() { index.reset(); }
};

// Opens `dir`. With `create` false a missing directory is not_found with a
// hint to run `winnow ingest` first (search and eval never create one).
status_or<data_dir> open_data_dir(const std::string& dir, bool create,
                                  const index::index_options& options = {});

}  // namespace winnow::app
