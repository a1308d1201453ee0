#include "common/status.hpp"

#include <gtest/gtest.h>

#include "common/status_or.hpp"
#include "tests/support/test_support.hpp"

namespace winnow {
namespace {

status_or<int> parse_positive(int x) {
  if (x <= 0) return status::invalid_argument("x must be positive, got " + std::to_string(x));
  return x;
}

status twice(int x, int* out) {
  WINNOW_ASSIGN_OR_RETURN(int v, parse_positive(x));
  *out = 2 * v;
  return {};
}

TEST(status, ok_by_default_and_named_factories_keep_code_and_message) {
  EXPECT_TRUE(status().ok());
  status s = status::not_found("doc 'abc'");
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(s.is_not_found());
  EXPECT_EQ(s.to_string(), "not_found: doc 'abc'");
  EXPECT_EQ(s.with_context("fetch").message(), "fetch: doc 'abc'");
  EXPECT_EQ(s.with_context("fetch").code(), status_code::not_found);
}

TEST(status_or, propagates_errors_and_values) {
  int out = 0;
  EXPECT_OK(twice(4, &out));
  EXPECT_EQ(out, 8);
  status s = twice(-1, &out);
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_EQ(s.message(), "x must be positive, got -1");
}

TEST(status_or, value_of_error_aborts) {
  EXPECT_DEATH({ auto v = parse_positive(0); (void)v.value(); }, "assertion failed");
}

}  // namespace
}  // namespace winnow
