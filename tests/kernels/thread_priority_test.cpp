// kernels/cpu/thread_priority: os_nice reaches the calling thread and its
// OpenMP team, stays off other threads, and bad values are refused.

#include "kernels/cpu/thread_priority.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "tests/support/test_support.hpp"

namespace winnow::kernels::cpu {
namespace {

#if defined(__linux__)
TEST(thread_priority, reaches_the_thread_and_its_team_only) {
  // On a thread of its own: nice only ever goes up for an unprivileged
  // process, so the test must not lower the test runner's main thread.
  std::vector<int> before, after;
  status result;
  std::thread worker([&] {
    before = compute_thread_nice(3);  // creates the team at the old value
    result = set_compute_thread_nice(7, 3);
    after = compute_thread_nice(3);
  });
  worker.join();
  ASSERT_OK(result);
  ASSERT_FALSE(after.empty());
  for (int n : after) EXPECT_EQ(n, 7);
  EXPECT_EQ(after.size(), before.size());
  // This thread (and its own team) kept its value.
  std::vector<int> here = compute_thread_nice(1);
  ASSERT_EQ(here.size(), 1u);
  EXPECT_EQ(here[0], before[0]);
}
#endif

TEST(thread_priority, refuses_values_outside_0_to_19) {
  status s = set_compute_thread_nice(-1, 1);
  EXPECT_EQ(s.code(), status_code::invalid_argument);
  EXPECT_NE(s.message().find("os_nice -1 is outside 0..19"), std::string::npos) << s.message();
  EXPECT_EQ(set_compute_thread_nice(20, 1).code(), status_code::invalid_argument);
  EXPECT_OK(set_compute_thread_nice(0, 1));  // 0 = leave as is
}

}  // namespace
}  // namespace winnow::kernels::cpu
