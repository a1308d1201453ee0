// fixed_histogram: values land in the first bucket whose bound holds them,
// per-bucket (not cumulative) counts, NaN ignored; and batch_former records
// one batch-size / batch-tokens observation per sent batch and one queue wait
// per sent request, by class and device.

#include "scheduler/fixed_histogram.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "scheduler/batch_former.hpp"
#include "tests/scheduler/scheduler_fixture.hpp"

namespace winnow::scheduler {
namespace {

using namespace testing;  // NOLINT: test helpers
using config::device_tier;

TEST(fixed_histogram, counts_each_value_in_the_first_bucket_that_holds_it) {
  fixed_histogram h({1, 2, 4});
  ASSERT_EQ(h.counts().size(), 4u);
  for (double v : {0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 4.5, 100.0}) h.observe(v);
  EXPECT_EQ(h.counts(), (std::vector<uint64_t>{2, 2, 2, 2}));  // bounds are inclusive
  EXPECT_EQ(h.count(), 8u);
  EXPECT_DOUBLE_EQ(h.sum(), 0.5 + 1 + 1.5 + 2 + 3 + 4 + 4.5 + 100);
}

TEST(fixed_histogram, ignores_nan_and_starts_empty) {
  fixed_histogram h(fixed_histogram::wait_seconds_bounds());
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.counts().size(), h.bounds().size() + 1);
  h.observe(std::nan(""));
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.sum(), 0);
  h.observe(-1);  // below every bound: the first bucket
  EXPECT_EQ(h.counts().front(), 1u);
}

TEST(fixed_histogram, scheduler_bounds_are_strictly_increasing) {
  for (const auto& b : {fixed_histogram::batch_size_bounds(), fixed_histogram::batch_tokens_bounds(),
                        fixed_histogram::wait_seconds_bounds()}) {
    ASSERT_FALSE(b.empty());
    for (size_t i = 1; i < b.size(); ++i) EXPECT_LT(b[i - 1], b[i]);
  }
}

TEST(batch_former_metrics, records_size_tokens_and_wait_of_every_sent_batch) {
  fake_clock clock;
  batch_former bf({make_class("interactive", 0, 1024, 0), make_class("bulk", 1, 1024, 0)},
                  {make_device("sim-a100", device_tier::high, 1e6)});
  // Two bulk requests of 20 and 30 tokens (one length bucket) wait 2 ms, then go out as one batch.
  ASSERT_OK(bf.enqueue(make_request(1, 1, 20), clock.now_ns()));
  ASSERT_OK(bf.enqueue(make_request(2, 1, 30), clock.now_ns()));
  clock.advance_ns(2 * ms);
  decision d = bf.next(clock.now_ns());
  ASSERT_EQ(d.kind, decision_kind::send_now);
  ASSERT_EQ(d.work.requests.size(), 2u);

  const fixed_histogram& size = bf.batch_size(1, 0);
  EXPECT_EQ(size.count(), 1u);
  EXPECT_EQ(size.sum(), 2);
  const fixed_histogram& tokens = bf.batch_tokens(1, 0);
  EXPECT_EQ(tokens.count(), 1u);
  EXPECT_EQ(tokens.sum(), 60);  // padded: 2 requests x 30 tokens
  const fixed_histogram& wait = bf.queue_wait_seconds(1);
  EXPECT_EQ(wait.count(), 2u);
  EXPECT_NEAR(wait.sum(), 2 * 0.002, 1e-12);
  // 2 ms falls in the (1 ms, 2.5 ms] bucket.
  EXPECT_EQ(wait.counts()[2], 2u) << "bounds[2] = " << wait.bounds()[2];
  // Nothing for the class that sent nothing.
  EXPECT_EQ(bf.batch_size(0, 0).count(), 0u);
  EXPECT_EQ(bf.queue_wait_seconds(0).count(), 0u);

  // A rejected request (queue full) is never observed.
  auto c = make_class("tiny", 0, 1024, 0);
  c.max_queue = 1;
  batch_former small({c}, {make_device("sim-a100", device_tier::high, 1e6)});
  ASSERT_OK(small.enqueue(make_request(1, 0, 10), 0));
  EXPECT_FALSE(small.enqueue(make_request(2, 0, 10), 0).ok());
  ASSERT_EQ(small.next(0).kind, decision_kind::send_now);
  EXPECT_EQ(small.queue_wait_seconds(0).count(), 1u);
  EXPECT_EQ(small.batch_size(0, 0).sum(), 1);
}

}  // namespace
}  // namespace winnow::scheduler
