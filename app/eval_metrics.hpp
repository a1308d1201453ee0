#pragma once
// Retrieval metrics with trec_eval's definitions, so that figures compare with
// published BEIR / Anserini numbers:
//  - A run is re-ordered the way trec_eval does it: by score descending, ties by
//    document id descending (strcmp order, as trec_eval's comp_sim_docno);
//    repeated document ids keep only their first occurrence.
//  - Relevant means relevance > 0 (trec_eval's default relevance_level 1).
//  - nDCG@k (ndcg_cut_k): gain = the graded relevance itself (not 2^rel - 1),
//    discount log2(rank + 1) for 1-based rank; the ideal ranking sorts all
//    judged-relevant documents by relevance and cuts at k.
//  - recall@k: relevant documents in the top k / all relevant documents.
//  - MRR@k: 1 / rank of the first relevant document within the top k, else 0.
// A query with no relevant documents has no defined nDCG or recall; callers
// skip it (as trec_eval and BEIR do) — the functions return 0 for it.

#include <string>
#include <vector>

#include "app/qrels.hpp"

namespace winnow::app {

struct scored_doc {
  std::string id;
  double score = 0;
};

// The run in trec_eval order (see above).
std::vector<scored_doc> trec_order(std::vector<scored_doc> run);

// REQUIRES: `ranked` is in trec_order.
double ndcg_at(const std::vector<scored_doc>& ranked, const judgments& j, size_t k);
double recall_at(const std::vector<scored_doc>& ranked, const judgments& j, size_t k);
double reciprocal_rank_at(const std::vector<scored_doc>& ranked, const judgments& j, size_t k);

struct latency_summary {
  double mean_ms = 0;
  double p50_ms = 0;
  double p99_ms = 0;
};

// Nearest-rank percentiles (the smallest sample with at least p% of the
// samples at or below it). Empty input gives zeros.
double percentile(std::vector<double> samples, double p);
latency_summary summarize_latency(const std::vector<double>& samples_ms);

}  // namespace winnow::app
