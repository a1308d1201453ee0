// The BM25 quality gate on BEIR SciFact (test split): with the index's
// default parameters, nDCG@10 >= 0.679 (Anserini's flat BM25) and
// recall@100 >= 0.90. Runs the real ingest and eval path end to end; skipped
// when the collection is not beside the checkout.
#include <gtest/gtest.h>

#include "app/corpus_ingester.hpp"
#include "app/data_dir.hpp"
#include "app/evaluator.hpp"
#include "app/query_ranker.hpp"
#include "tests/app/shared_data.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

TEST(scifact_quality, bm25_defaults_meet_the_published_baseline) {
  WINNOW_REQUIRE_SHARED_DATA(scifact, "scifact");
  testing::temp_dir tmp;
  auto data = open_data_dir(tmp.str() + "/data", /*create=*/true);
  ASSERT_OK(data);
  corpus_ingester ingester(*data->db, *data->index);
  auto summary = ingester.ingest_file(scifact + "/corpus.jsonl.gz");
  ASSERT_OK(summary);
  EXPECT_EQ(summary->docs, 5183u);

  auto queries = read_queries(scifact + "/queries.jsonl");
  ASSERT_OK(queries);
  auto judged = read_qrels(scifact + "/qrels/test.tsv");
  ASSERT_OK(judged);
  auto ranker = make_query_ranker(*data->index, {});
  ASSERT_OK(ranker);
  auto result = evaluate(**ranker, *queries, *judged, {});
  ASSERT_OK(result);
  EXPECT_EQ(result->queries, 300u);
  EXPECT_GE(result->ndcg_at_10, 0.679);
  EXPECT_GE(result->recall_at_100, 0.90);
  std::printf("SciFact test: nDCG@10 %.4f recall@100 %.4f MRR@10 %.4f\n", result->ndcg_at_10,
              result->recall_at_100, result->mrr_at_10);
}

}  // namespace
}  // namespace winnow::app
