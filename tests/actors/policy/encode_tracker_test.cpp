#include "actors/policy/encode_tracker.hpp"

#include <gtest/gtest.h>

namespace winnow::actors::policy {
namespace {

TEST(encode_tracker, group_completes_with_vectors_in_text_order) {
  encode_tracker t;
  auto [g, ids] = t.add_group({{101, 7, 102}, {101, 8, 9, 102}});
  ASSERT_EQ(ids.size(), 2u);
  ASSERT_NE(t.tokens(ids[1]), nullptr);
  EXPECT_EQ(t.tokens(ids[1])->size(), 4u);
  EXPECT_FALSE(t.complete(ids[1], {2.0f}).has_value());
  auto done = t.complete(ids[0], {1.0f});
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->first, g);
  EXPECT_EQ(done->second, (std::vector<std::vector<float>>{{1.0f}, {2.0f}}));
  EXPECT_EQ(t.live_groups(), 0u);
}

TEST(encode_tracker, one_failure_fails_the_group_once) {
  encode_tracker t;
  auto [g, ids] = t.add_group({{1, 2}, {1, 3}, {1, 4}});
  auto failed = t.fail(ids[0]);
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(*failed, g);
  // The others are still queued in the scheduler: tokens stay available, and
  // their late results or rejections are dropped.
  EXPECT_NE(t.tokens(ids[1]), nullptr);
  EXPECT_FALSE(t.fail(ids[1]).has_value());
  EXPECT_FALSE(t.complete(ids[2], {1.0f}).has_value());
  EXPECT_EQ(t.tokens(ids[2]), nullptr);
  EXPECT_EQ(t.live_groups(), 0u);
}

}  // namespace
}  // namespace winnow::actors::policy
