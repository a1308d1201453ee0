#include "actors/policy/encode_backlog.hpp"

#include <gtest/gtest.h>

namespace winnow::actors::policy {
namespace {

TEST(encode_backlog, chunks_respect_the_in_flight_limit) {
  encode_backlog b(2, 3);
  b.push({"a", "b", "c", "d", "e"});
  EXPECT_EQ(b.next_chunk(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(b.next_chunk(), (std::vector<std::string>{"c"}));  // limit 3 reached
  EXPECT_TRUE(b.next_chunk().empty());
  EXPECT_EQ(b.pending(), 5u);
  b.done({"a", "b"});
  EXPECT_EQ(b.next_chunk(), (std::vector<std::string>{"d", "e"}));
  b.done({"c", "d", "e"});
  EXPECT_EQ(b.pending(), 0u);
}

TEST(encode_backlog, failed_chunk_goes_back_to_the_front) {
  encode_backlog b(2, 4);
  b.push({"a", "b", "c"});
  auto first = b.next_chunk();
  b.failed(first);
  EXPECT_EQ(b.retries(), 1u);
  EXPECT_EQ(b.in_flight(), 0u);
  EXPECT_EQ(b.next_chunk(), (std::vector<std::string>{"a", "b"}));
}

TEST(encode_backlog, duplicates_are_dropped) {
  encode_backlog b(10, 10);
  b.push({"a", "b"});
  auto c = b.next_chunk();
  b.push({"a", "b", "c", "c"});
  EXPECT_EQ(b.next_chunk(), (std::vector<std::string>{"c"}));
}

}  // namespace
}  // namespace winnow::actors::policy
