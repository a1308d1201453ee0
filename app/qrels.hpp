#pragma once
// Relevance judgments: query id → (document id → graded relevance).
// Read from BEIR's TSV (`query-id<TAB>corpus-id<TAB>score`, optional header) or
// TREC's 4-column form (`qid 0 docid rel`). Every error names the file and line.

#include <string>
#include <unordered_map>

#include "common/status_or.hpp"

namespace winnow::app {

using judgments = std::unordered_map<std::string, int>;  // doc id → relevance
using qrels = std::unordered_map<std::string, judgments>;

status_or<qrels> read_qrels(const std::string& path);

// Number of documents judged relevant (relevance > 0) for one query.
size_t relevant_count(const judgments& j);

}  // namespace winnow::app
