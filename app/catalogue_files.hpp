#pragma once
// The files `winnow gen-catalogue` writes: the sample corpus and, beside it,
// queries for it and their relevance judgments, all from one seed:
//   catalogue-100000-seed42.jsonl           BEIR corpus
//   catalogue-100000-seed42.queries.jsonl   BEIR queries ({"_id","text"})
//   catalogue-100000-seed42.qrels.tsv       BEIR qrels (query-id, corpus-id, score)
// so that `winnow eval` and the load-test profiles have queries for what
// `scripts/run` serves. Each file is written under a temporary name and
// renamed, the corpus last, so a complete corpus means complete companions.

#include <cstdint>
#include <string>

#include "common/status.hpp"

namespace winnow::app {

struct catalogue_paths {
  std::string corpus, queries, qrels;
};

// "dir/x.jsonl" (or "x.jsonl.gz", or any other name) → its companions
// "dir/x.queries.jsonl" and "dir/x.qrels.tsv".
catalogue_paths catalogue_paths_for(const std::string& corpus);

struct catalogue_spec {
  uint64_t count = 100000;   // items
  uint64_t seed = 42;
  uint64_t queries = 1000;   // 0: no queries or qrels file
};

// Writes the corpus and (with spec.queries > 0) the queries and qrels.
// io_error names the file that could not be written.
status write_catalogue(const catalogue_paths& paths, const catalogue_spec& spec);

}  // namespace winnow::app
