// throughput_estimate: the timing model, the time-to-token conversion and the
// moving average that follows measured batches.

#include "scheduler/throughput_estimate.hpp"

#include <gtest/gtest.h>

namespace winnow::scheduler {
namespace {

constexpr int64_t us = 1000;
constexpr int64_t ms = 1000 * us;

TEST(throughput_estimate, duration_and_tokens_within_are_inverse) {
  throughput_estimate e(1e5, 200 * us);  // 100 tokens per ms after a 0.2 ms launch
  EXPECT_EQ(e.duration_ns(1000), 200 * us + 10 * ms);
  EXPECT_EQ(e.tokens_within(200 * us + 10 * ms), 1000u);
  EXPECT_EQ(e.tokens_within(2 * ms), 180u);
  EXPECT_EQ(e.tokens_within(200 * us), 0u);  // only the launch fits
  EXPECT_EQ(e.tokens_within(0), 0u);
}

TEST(throughput_estimate, follows_a_slower_device_within_a_few_batches) {
  throughput_estimate e(1e5, 0);
  for (int i = 0; i < 12; ++i) e.observe(250, 10 * ms);  // 2.5e4 tokens/s measured
  EXPECT_EQ(e.samples(), 12u);
  EXPECT_LT(e.tokens_per_s(), 2.8e4);
  EXPECT_GT(e.tokens_per_s(), 2.5e4);
}

TEST(throughput_estimate, one_outlier_moves_it_only_partly) {
  throughput_estimate e(1e5, 0);
  e.observe(100, 100 * ms);  // one batch 100× slower than expected
  EXPECT_GT(e.tokens_per_s(), 7e4);
}

TEST(throughput_estimate, ignores_batches_it_cannot_learn_from) {
  throughput_estimate e(1e5, 1 * ms);
  e.observe(100, 500 * us);  // shorter than the launch overhead
  e.observe(0, 5 * ms);
  EXPECT_EQ(e.samples(), 0u);
  EXPECT_DOUBLE_EQ(e.tokens_per_s(), 1e5);
}

}  // namespace
}  // namespace winnow::scheduler
