#include "app/evaluator.hpp"

#include <algorithm>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"

namespace winnow::app {

status_or<eval_result> evaluate(const query_ranker& ranker, const std::vector<beir_query>& queries,
                                const qrels& judged, const eval_options& options) {
  std::unordered_map<std::string, const beir_query*> by_id;
  for (const auto& q : queries) by_id.emplace(q.id, &q);

  // Sorted query ids: a reproducible order for the run file and the timings.
  std::vector<std::string> ids;
  for (const auto& [qid, j] : judged) ids.push_back(qid);
  std::sort(ids.begin(), ids.end());

  eval_result result;
  std::vector<double> latencies_ms;
  double ndcg = 0, recall = 0, mrr = 0;
  for (const auto& qid : ids) {
    const judgments& j = judged.at(qid);
    if (relevant_count(j) == 0) {
      ++result.skipped;
      continue;
    }
    auto it = by_id.find(qid);
    if (it == by_id.end()) {
      return status::invalid_argument("query \"" + qid +
                                      "\" is in the qrels but not in the queries file");
    }
    const time_point_ns start = monotonic_now_ns();
    auto hits = ranker.rank(it->second->text, options.depth);
    latencies_ms.push_back(static_cast<double>(monotonic_now_ns() - start) / 1e6);
    if (!hits.ok()) return hits.get_status().with_context("query \"" + qid + "\"");

    std::vector<scored_doc> run;
    run.reserve(hits->size());
    for (const auto& h : *hits) run.push_back({h.id, h.score});
    run = trec_order(std::move(run));
    ndcg += ndcg_at(run, j, 10);
    recall += recall_at(run, j, 100);
    mrr += reciprocal_rank_at(run, j, 10);
    ++result.queries;
    if (options.run_out != nullptr) {
      for (size_t r = 0; r < run.size(); ++r) {
        std::fprintf(options.run_out, "%s Q0 %s %zu %.6f %s\n", qid.c_str(), run[r].id.c_str(),
                     r + 1, run[r].score, options.run_tag.c_str());
      }
    }
  }
  if (result.queries > 0) {
    const double n = static_cast<double>(result.queries);
    result.ndcg_at_10 = ndcg / n;
    result.recall_at_100 = recall / n;
    result.mrr_at_10 = mrr / n;
  }
  result.latency = summarize_latency(latencies_ms);
  return result;
}

std::string eval_result_json(const eval_result& r) {
  nlohmann::json j = {{"ndcg@10", r.ndcg_at_10},
                      {"recall@100", r.recall_at_100},
                      {"mrr@10", r.mrr_at_10},
                      {"latency_ms_p50", r.latency.p50_ms},
                      {"latency_ms_p99", r.latency.p99_ms},
                      {"queries", r.queries}};
  return j.dump();
}

}  // namespace winnow::app
