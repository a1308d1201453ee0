#include "actors/policy/score_fusion.hpp"

#include <gtest/gtest.h>

#include "tests/support/test_support.hpp"

namespace winnow::actors::policy {
namespace {

std::vector<fusion_candidate> sample() {
  // BM25 order: a, b, c, d. Cosines rank them c, d, b; a has no vector.
  return {{"a", 10.0f, std::nullopt}, {"b", 8.0f, 0.2f}, {"c", 6.0f, 0.9f}, {"d", 2.0f, 0.5f}};
}

std::vector<std::string> ids(const std::vector<fused_hit>& h) {
  std::vector<std::string> out;
  for (const auto& x : h) out.push_back(x.id);
  return out;
}

fusion_params params(config::ranking_mode m, config::fusion_kind k, double alpha) {
  fusion_params p;
  p.mode = m;
  p.kind = k;
  p.alpha = alpha;
  p.rrf_k = 60;
  return p;
}

TEST(score_fusion, bm25_mode_keeps_coarse_order) {
  score_fusion f(params(config::ranking_mode::bm25, config::fusion_kind::score, 0.5));
  EXPECT_EQ(ids(f.rank(sample(), 10)), (std::vector<std::string>{"a", "b", "c", "d"}));
}

TEST(score_fusion, dense_mode_orders_by_cosine_and_puts_missing_vectors_last) {
  score_fusion f(params(config::ranking_mode::dense, config::fusion_kind::score, 0.5));
  EXPECT_EQ(ids(f.rank(sample(), 10)), (std::vector<std::string>{"c", "d", "b", "a"}));
}

TEST(score_fusion, score_fusion_normalizes_both_sides) {
  score_fusion f(params(config::ranking_mode::hybrid, config::fusion_kind::score, 0.5));
  auto r = f.rank(sample(), 10);
  // bm25 minmax: a 1, b .75, c .5, d 0; cosine minmax: b 0, c 1, d .4286, a none (0).
  // fused: a .5, b .375, c .75, d .2143
  ASSERT_EQ(ids(r), (std::vector<std::string>{"c", "a", "b", "d"}));
  EXPECT_NEAR(r[0].score, 0.75, 1e-6);
  EXPECT_NEAR(r[1].score, 0.5, 1e-6);
  EXPECT_NEAR(r[3].score, 0.5 * (0.3 / 0.7), 1e-6);
  ASSERT_TRUE(r[0].cosine.has_value());
  EXPECT_FLOAT_EQ(*r[0].cosine, 0.9f);
  EXPECT_FALSE(r[1].cosine.has_value());
}

TEST(score_fusion, alpha_zero_is_bm25_and_alpha_one_is_dense_among_vectors) {
  score_fusion bm(params(config::ranking_mode::hybrid, config::fusion_kind::score, 0.0));
  EXPECT_EQ(ids(bm.rank(sample(), 10)), (std::vector<std::string>{"a", "b", "c", "d"}));
  score_fusion dn(params(config::ranking_mode::hybrid, config::fusion_kind::score, 1.0));
  EXPECT_EQ(ids(dn.rank(sample(), 2)), (std::vector<std::string>{"c", "d"}));
}

TEST(score_fusion, rrf_uses_ranks) {
  score_fusion f(params(config::ranking_mode::hybrid, config::fusion_kind::rrf, 0.5));
  auto r = f.rank(sample(), 10);
  // bm25 ranks a1 b2 c3 d4; dense ranks c1 d2 b3.
  // a .5/61; b .5/62+.5/63; c .5/63+.5/61; d .5/64+.5/62
  ASSERT_EQ(ids(r), (std::vector<std::string>{"c", "b", "d", "a"}));
  EXPECT_NEAR(r[0].score, 0.5 / 63 + 0.5 / 61, 1e-12);
  EXPECT_NEAR(r[3].score, 0.5 / 61, 1e-12);
}

TEST(score_fusion, ties_keep_input_order_and_k_truncates) {
  score_fusion f(params(config::ranking_mode::dense, config::fusion_kind::score, 0.5));
  std::vector<fusion_candidate> c = {{"x", 3, 0.5f}, {"y", 2, 0.5f}, {"z", 1, 0.5f}};
  EXPECT_EQ(ids(f.rank(c, 2)), (std::vector<std::string>{"x", "y"}));
  EXPECT_TRUE(f.rank({}, 10).empty());
}

TEST(score_fusion, validate_names_the_bad_field) {
  fusion_params p;
  p.alpha = 1.5;
  status s = validate(p);
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("ranking.alpha"), std::string::npos) << s.to_string();
  p.alpha = 0.5;
  p.rrf_k = 0;
  s = validate(p);
  EXPECT_NE(s.message().find("ranking.rrf_k"), std::string::npos) << s.to_string();
  p.rrf_k = 1;
  EXPECT_OK(validate(p));
}

TEST(score_fusion, cosine_similarity) {
  EXPECT_NEAR(cosine_similarity({1, 0}, {0, 1}), 0.0f, 1e-7);
  EXPECT_NEAR(cosine_similarity({1, 2}, {2, 4}), 1.0f, 1e-6);
  EXPECT_EQ(cosine_similarity({1, 2}, {1}), 0.0f);
  EXPECT_EQ(cosine_similarity({0, 0}, {1, 1}), 0.0f);
}

}  // namespace
}  // namespace winnow::actors::policy
