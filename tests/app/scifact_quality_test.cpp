// The BM25 quality gate on BEIR SciFact (test split): with the index's
// default parameters, nDCG@10 >= 0.679 (Anserini's flat BM25) and
// recall@100 >= 0.90. Runs the path `winnow ingest` and `winnow eval --mode
// bm25` take (check pass, ingest_corpus through the actor engine, evaluate
// through engine_ranker) end to end; skipped when the collection is not
// beside the checkout.
#include <gtest/gtest.h>

#include "app/beir_reader.hpp"
#include "app/engine_corpus_ingester.hpp"
#include "app/engine_ranker.hpp"
#include "app/engine_session.hpp"
#include "app/evaluator.hpp"
#include "app/qrels.hpp"
#include "tests/app/shared_data.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::app {
namespace {

TEST(scifact_quality, bm25_defaults_meet_the_published_baseline) {
  WINNOW_REQUIRE_SHARED_DATA(scifact, "scifact");
  testing::temp_dir tmp;
  const std::string corpus = scifact + "/corpus.jsonl.gz";
  auto docs_total = validate_corpus_file(corpus);
  ASSERT_OK(docs_total);
  EXPECT_EQ(*docs_total, 5183u);
  engine_cli_options eo;
  eo.data = tmp.str() + "/data";
  eo.create = true;
  eo.load_model = false;  // as `winnow ingest --no-vectors` and `winnow eval --mode bm25`
  auto engine = open_engine(eo);
  ASSERT_OK(engine);
  auto summary = ingest_corpus(**engine, corpus, *docs_total, 1000, nullptr,
                               std::chrono::seconds(120));
  ASSERT_OK(summary);
  EXPECT_EQ(summary->docs, 5183u);

  auto queries = read_queries(scifact + "/queries.jsonl");
  ASSERT_OK(queries);
  auto judged = read_qrels(scifact + "/qrels/test.tsv");
  ASSERT_OK(judged);
  engine_ranker ranker(**engine, ranking_mode::bm25);
  auto result = evaluate(ranker, *queries, *judged, {});
  ASSERT_OK(result);
  EXPECT_EQ(result->queries, 300u);
  EXPECT_GE(result->ndcg_at_10, 0.679);
  EXPECT_GE(result->recall_at_100, 0.90);
  std::printf("SciFact test: nDCG@10 %.4f recall@100 %.4f MRR@10 %.4f\n", result->ndcg_at_10,
              result->recall_at_100, result->mrr_at_10);
}

}  // namespace
}  // namespace winnow::app
