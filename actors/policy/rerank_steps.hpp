#pragma once
// The reranker's two steps as plain functions over storage (no CAF):
// rerank() loads the candidates' stored passage vectors and orders them with
// score_fusion; fetch_snippets() fills titles and snippets of the final hits.

#include <cstddef>
#include <string>
#include <vector>

#include "actors/engine_types.hpp"
#include "actors/policy/score_fusion.hpp"
#include "common/status_or.hpp"
#include "index/search_index.hpp"
#include "storage/db.hpp"

namespace winnow::actors::policy {

// `candidates` in BM25 order; `query_vector` empty means "no encoding" (only
// bm25 mode is meaningful then). Returns the best k, without title/snippet.
// Errors: storage failures (io_error, corruption) as storage reports them.
status_or<std::vector<result_hit>> rerank(const storage::db& db, const score_fusion& fusion,
                                          const std::vector<float>& query_vector,
                                          const std::vector<index::hit>& candidates, size_t k);

// Sets title and snippet (the text's first `snippet_chars` bytes, cut back to
// a UTF-8 boundary, "…" appended when cut). A hit whose document was deleted
// meanwhile is dropped.
status_or<std::vector<result_hit>> fetch_snippets(const storage::db& db,
                                                  std::vector<result_hit> hits,
                                                  size_t snippet_chars = 200);

// `text` cut to at most `max_bytes` without splitting a UTF-8 sequence.
std::string utf8_prefix(const std::string& text, size_t max_bytes);

}  // namespace winnow::actors::policy
