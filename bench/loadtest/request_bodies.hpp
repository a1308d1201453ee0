#pragma once
// The HTTP bodies one class sends, prepared before the run so that the send
// path only picks the next one (round robin): search bodies from a query
// file, ingest bodies (batches of documents) from a corpus file.

#include <string>
#include <vector>

#include "bench/loadtest/load_profile.hpp"
#include "common/status_or.hpp"

namespace winnow::loadtest {

// Query texts: BEIR queries.jsonl (field "text", or "query") or, for any other
// extension, one query per non-empty line. Either may be gzip (`.jsonl.gz`:
// the name without `.gz` decides the format). Errors name file and line.
status_or<std::vector<std::string>> read_queries(const std::string& path);

struct corpus_document {
  std::string id, title, text;
};
// BEIR corpus.jsonl or .jsonl.gz: "_id" (or "id"), "title" (optional),
// "text". Reads at most max_docs documents. Errors name file and line.
status_or<std::vector<corpus_document>> read_corpus(const std::string& path, int64_t max_docs);

// {"query":..., "k":..., "mode":..., "class":...}
std::string search_body(const std::string& query, const class_spec& c);
// [{"id":..., "title":..., "text":...}, ...]
std::string ingest_body(const std::vector<corpus_document>& docs, size_t begin, size_t count);

struct class_bodies {
  std::vector<std::string> bodies;
  std::vector<std::vector<std::string>> doc_ids;  // ingest: the ids each body carries; search: empty
};
// All bodies for class c (reads its file).
status_or<class_bodies> build_bodies(const class_spec& c);

}  // namespace winnow::loadtest
