#pragma once
// Runs every judged query through a query_ranker and averages the metrics of
// eval_metrics.hpp over them. Queries are those of the qrels that have at
// least one relevant document (others are skipped, as trec_eval / BEIR do);
// a judged query missing from the queries file is an error naming it.

#include <cstdio>
#include <string>
#include <vector>

#include "app/beir_reader.hpp"
#include "app/eval_metrics.hpp"
#include "app/qrels.hpp"
#include "app/query_ranker.hpp"
#include "common/status_or.hpp"

namespace winnow::app {

struct eval_result {
  double ndcg_at_10 = 0;
  double recall_at_100 = 0;
  double mrr_at_10 = 0;
  latency_summary latency;  // per query, around query_ranker::rank
  size_t queries = 0;       // evaluated
  size_t skipped = 0;       // in the qrels without any relevant document
};

struct eval_options {
  size_t depth = 100;      // documents retrieved per query
  std::FILE* run_out = nullptr;  // when set, TREC run lines are written here
  std::string run_tag = "winnow";
};

status_or<eval_result> evaluate(const query_ranker& ranker, const std::vector<beir_query>& queries,
                                const qrels& judged, const eval_options& options);

// The one JSON object `winnow eval --json` prints: exactly the keys ndcg@10,
// recall@100, mrr@10, latency_ms_p50, latency_ms_p99 and queries.
std::string eval_result_json(const eval_result& r);

}  // namespace winnow::app
