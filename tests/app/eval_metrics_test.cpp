// Hand-computed cases for the trec_eval-style metrics (see eval_metrics.hpp).
#include "app/eval_metrics.hpp"

#include <cmath>

#include <gtest/gtest.h>

namespace winnow::app {
namespace {

std::vector<scored_doc> run_of(std::initializer_list<std::pair<const char*, double>> docs) {
  std::vector<scored_doc> run;
  for (const auto& [id, score] : docs) run.push_back({id, score});
  return trec_order(std::move(run));
}

TEST(trec_order, sorts_by_score_then_doc_id_descending_and_drops_repeats) {
  auto r = run_of({{"b", 1.0}, {"a", 2.0}, {"c", 1.0}, {"a", 0.5}, {"d", 3.0}});
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].id, "d");
  EXPECT_EQ(r[1].id, "a");
  EXPECT_EQ(r[2].id, "c");  // tie at 1.0: "c" > "b" in strcmp order comes first
  EXPECT_EQ(r[3].id, "b");
}

TEST(ndcg_at, graded_gains_with_log2_discount) {
  // Ranking: d1 (rel 2), d2 (rel 0), d3 (rel 1); judged relevant also d4 (rel 2).
  // DCG  = 2/log2(2) + 0 + 1/log2(4) = 2 + 0.5 = 2.5
  // IDCG = 2/log2(2) + 2/log2(3) + 1/log2(4) = 2 + 1.26186 + 0.5 = 3.76186
  const judgments j = {{"d1", 2}, {"d2", 0}, {"d3", 1}, {"d4", 2}};
  const auto r = run_of({{"d1", 3}, {"d2", 2}, {"d3", 1}});
  const double idcg = 2.0 + 2.0 / std::log2(3.0) + 0.5;
  EXPECT_NEAR(ndcg_at(r, j, 10), 2.5 / idcg, 1e-12);
  EXPECT_NEAR(ndcg_at(r, j, 10), 0.664565, 1e-6);
  // Cut at 1: DCG = 2, IDCG = 2.
  EXPECT_NEAR(ndcg_at(r, j, 1), 1.0, 1e-12);
}

TEST(ndcg_at, perfect_and_empty_rankings) {
  const judgments j = {{"x", 1}, {"y", 1}};
  EXPECT_NEAR(ndcg_at(run_of({{"x", 2}, {"y", 1}}), j, 10), 1.0, 1e-12);
  EXPECT_EQ(ndcg_at(run_of({}), j, 10), 0.0);
  EXPECT_EQ(ndcg_at(run_of({{"z", 1}}), j, 10), 0.0);
}

TEST(ndcg_at, ties_are_broken_like_trec_eval) {
  // Equal scores: "b" ranks before "a", so only rank 2 is relevant:
  // DCG = 1/log2(3), IDCG = 1.
  const judgments j = {{"a", 1}};
  EXPECT_NEAR(ndcg_at(run_of({{"a", 1.0}, {"b", 1.0}}), j, 10), 1.0 / std::log2(3.0), 1e-12);
}

TEST(recall_at, counts_relevant_within_cutoff) {
  const judgments j = {{"r1", 1}, {"r2", 3}, {"r3", 1}, {"n", 0}};
  const auto r = run_of({{"r1", 5}, {"n", 4}, {"x", 3}, {"r2", 2}});
  EXPECT_NEAR(recall_at(r, j, 100), 2.0 / 3.0, 1e-12);
  EXPECT_NEAR(recall_at(r, j, 2), 1.0 / 3.0, 1e-12);
  EXPECT_EQ(recall_at(r, judgments{{"n", 0}}, 100), 0.0);
}

TEST(reciprocal_rank_at, first_relevant_within_cutoff) {
  const judgments j = {{"r", 1}, {"n", 0}};
  EXPECT_NEAR(reciprocal_rank_at(run_of({{"n", 3}, {"x", 2}, {"r", 1}}), j, 10), 1.0 / 3, 1e-12);
  EXPECT_EQ(reciprocal_rank_at(run_of({{"n", 3}, {"x", 2}, {"r", 1}}), j, 2), 0.0);
  EXPECT_EQ(reciprocal_rank_at(run_of({{"r", 9}}), j, 10), 1.0);
}

TEST(latency, nearest_rank_percentiles) {
  std::vector<double> samples;
  for (int i = 100; i >= 1; --i) samples.push_back(i);  // 1..100, unsorted
  const latency_summary s = summarize_latency(samples);
  EXPECT_DOUBLE_EQ(s.mean_ms, 50.5);
  EXPECT_DOUBLE_EQ(s.p50_ms, 50);
  EXPECT_DOUBLE_EQ(s.p99_ms, 99);
  EXPECT_DOUBLE_EQ(percentile({7.0}, 99), 7.0);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3}, 50), 2.0);
  EXPECT_DOUBLE_EQ(percentile({}, 50), 0.0);
}

}  // namespace
}  // namespace winnow::app
