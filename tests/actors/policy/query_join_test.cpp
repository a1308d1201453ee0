#include "actors/policy/query_join.hpp"

#include <gtest/gtest.h>

namespace winnow::actors::policy {
namespace {

index::query_statistics stats(uint64_t docs, uint64_t tokens,
                              std::vector<std::pair<std::string, uint64_t>> df) {
  index::query_statistics s;
  s.total_docs = docs;
  s.total_tokens = tokens;
  s.doc_freqs = std::move(df);
  return s;
}

TEST(query_join, sums_statistics_over_shards) {
  query_join j(2, false);
  EXPECT_FALSE(j.add_stats(stats(10, 100, {{"cell", 3}, {"gene", 1}})));
  EXPECT_TRUE(j.add_stats(stats(5, 40, {{"gene", 2}, {"rna", 4}})));
  const auto& g = j.global_stats();
  EXPECT_EQ(g.total_docs, 15u);
  EXPECT_EQ(g.total_tokens, 140u);
  ASSERT_EQ(g.doc_freqs.size(), 3u);
  EXPECT_EQ(g.doc_freqs[0], (std::pair<std::string, uint64_t>{"cell", 3}));
  EXPECT_EQ(g.doc_freqs[1], (std::pair<std::string, uint64_t>{"gene", 3}));
  EXPECT_EQ(g.doc_freqs[2], (std::pair<std::string, uint64_t>{"rna", 4}));
}

TEST(query_join, merges_hits_by_score_then_id) {
  auto m = merge_hits({{{"b", 2.0f}, {"d", 1.0f}}, {{"a", 2.0f}, {"c", 3.0f}}}, 3);
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[0].id, "c");
  EXPECT_EQ(m[1].id, "a");  // tie with b at 2.0: ascending id
  EXPECT_EQ(m[2].id, "b");
}

TEST(query_join, bm25_only_query_is_ready_after_coarse_stage) {
  query_join j(2, false);
  EXPECT_FALSE(j.add_hits(0, {{"x", 1.0f}}));
  EXPECT_FALSE(j.ready());
  EXPECT_TRUE(j.add_hits(1, {{"y", 2.0f}}));
  EXPECT_TRUE(j.ready());
  EXPECT_FALSE(j.degraded());
  EXPECT_FALSE(j.partial());
  EXPECT_EQ(j.candidates(10).front().id, "y");
}

TEST(query_join, waits_for_encoding_and_degrades_when_it_fails) {
  query_join j(1, true);
  EXPECT_TRUE(j.add_hits(0, {{"x", 1.0f}}));
  EXPECT_FALSE(j.ready());
  j.encoding_failed(status::deadline_exceeded("late"));
  EXPECT_TRUE(j.ready());
  EXPECT_TRUE(j.degraded());
  EXPECT_FALSE(j.encoding().has_value());

  query_join ok(1, true);
  ok.set_encoding({1.0f, 0.0f});
  EXPECT_FALSE(ok.ready());
  EXPECT_TRUE(ok.add_hits(0, {}));
  EXPECT_TRUE(ok.ready());
  EXPECT_FALSE(ok.degraded());
}

TEST(query_join, failed_shard_makes_the_answer_partial) {
  query_join j(3, false);
  EXPECT_FALSE(j.stats_failed(2));
  EXPECT_FALSE(j.add_stats({}));
  EXPECT_TRUE(j.add_stats({}));
  EXPECT_FALSE(j.add_hits(0, {{"a", 1}}));
  EXPECT_FALSE(j.hits_failed(1));
  EXPECT_TRUE(j.hits_failed(2));  // already failed in phase 1: listed once
  EXPECT_TRUE(j.partial());
  EXPECT_FALSE(j.all_shards_failed());
  EXPECT_EQ(j.failed_shards(), (std::vector<uint32_t>{1, 2}));
}

}  // namespace
}  // namespace winnow::actors::policy
