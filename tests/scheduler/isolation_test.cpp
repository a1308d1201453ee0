// Priority isolation knobs: a low class that may not borrow the high tier
// (borrow_higher_tier = false), and batches bounded by their expected run time
// (max_batch_ms) using the device's measured speed.

#include <gtest/gtest.h>

#include "scheduler/batch_former.hpp"
#include "tests/scheduler/scheduler_fixture.hpp"

namespace winnow::scheduler {
namespace {

using namespace testing;  // NOLINT: test helpers
using config::device_tier;

using namespace two_tier;  // NOLINT: the shared pool and ids

std::vector<config::class_config> classes(bool bulk_may_borrow) {
  auto c = std::vector<config::class_config>{
      make_class("interactive", 0, 8192, 0, device_tier::high),
      make_class("bulk", 10, 8192, 0, device_tier::low)};
  c[bulk].borrow_higher_tier = bulk_may_borrow;
  return c;
}

TEST(isolation, bulk_that_may_not_borrow_waits_for_its_own_tier) {
  batch_former bf(classes(false), pool());
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 3000), 0));  // another bucket: its own batch
  auto sent = send_all(bf, 0);
  ASSERT_EQ(sent.size(), 1u);  // the A100 is idle but stays free
  EXPECT_EQ(sent[0].device, r4090);
  EXPECT_EQ(bf.queue_depth(bulk), 1u);
  ASSERT_OK(bf.complete(sent[0].work.id, 1 * ms));
  decision d = bf.next(1 * ms);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.device, r4090);
  EXPECT_EQ(ids_of(d.work), std::vector<request_id>{2});
}

TEST(isolation, the_same_pool_borrows_when_allowed) {
  // The control for the test above: only the switch differs.
  batch_former bf(classes(true), pool());
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 3000), 0));
  auto sent = send_all(bf, 0);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[1].device, a100);
}

TEST(isolation, without_a_low_tier_device_bulk_still_runs_on_the_high_tier) {
  batch_former bf(classes(false), {make_device("cpu", device_tier::high, 1e5)});
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  decision d = bf.next(0);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.device, 0u);
}

TEST(isolation, a_low_tier_that_left_the_pool_lets_bulk_use_the_high_tier) {
  batch_former bf(classes(false), pool());
  ASSERT_OK(bf.drain(r4090, drain_mode::finish_in_flight, 0));
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  decision d = bf.next(0);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.device, a100);
}

TEST(isolation, a_starving_bulk_class_that_may_not_borrow_stays_on_its_tier) {
  auto cls = classes(false);
  cls[bulk].aging_us = 1000;  // aged to the top after 10 ms
  batch_former bf(cls, pool());
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  ASSERT_EQ(bf.next(0).device, r4090);  // busy until it completes
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 3000), 0));
  EXPECT_EQ(bf.next(20 * ms).kind, decision_kind::idle);  // starving, A100 idle: still waits
  EXPECT_EQ(bf.queue_depth(bulk), 1u);
}

TEST(isolation, max_batch_ms_bounds_a_batch_by_device_speed) {
  // One device at 100 tokens per ms; 2 ms per batch = 200 tokens = four 50-token requests.
  auto cls = classes(true);
  cls[bulk].max_batch_ms = 2;
  batch_former bf(cls, {make_device("cpu", device_tier::low, 1e5)});
  for (request_id id = 1; id <= 10; ++id) ASSERT_OK(bf.enqueue(make_request(id, bulk, 50), 0));
  decision d = bf.next(0);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.requests.size(), 4u);
  EXPECT_LE(bf.devices().duration_ns(0, d.work.padded_tokens()), 2 * ms);

  // Without the bound the same queue goes as one batch.
  cls[bulk].max_batch_ms = 0;
  batch_former unbounded(cls, {make_device("cpu", device_tier::low, 1e5)});
  for (request_id id = 1; id <= 10; ++id) {
    ASSERT_OK(unbounded.enqueue(make_request(id, bulk, 50), 0));
  }
  EXPECT_EQ(unbounded.next(0).work.requests.size(), 10u);
}

TEST(isolation, a_bounded_batch_is_sent_without_waiting_for_the_delay) {
  auto cls = classes(true);
  cls[bulk].max_batch_ms = 1;  // 100 tokens
  cls[bulk].max_queue_delay_us = 50'000;
  batch_former bf(cls, {make_device("cpu", device_tier::low, 1e5)});
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 60), 0));
  EXPECT_EQ(bf.next(0).kind, decision_kind::wait_for);  // could still grow: waits
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 60), 0));
  decision d = bf.next(0);  // the next one would pass 1 ms: full, sent now
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(ids_of(d.work), std::vector<request_id>{1});
}

TEST(isolation, a_request_longer_than_the_time_bound_runs_alone) {
  auto cls = classes(true);
  cls[bulk].max_batch_ms = 1;  // 100 tokens
  cls[bulk].max_queue_delay_us = 50'000;
  batch_former bf(cls, {make_device("cpu", device_tier::low, 1e5)});
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 300), 0));
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 300), 0));
  auto sent = send_all(bf, 0);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(ids_of(sent[0].work), std::vector<request_id>{1});
  ASSERT_OK(bf.complete(sent[0].work.id, 3 * ms));
  sent = send_all(bf, 3 * ms);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(ids_of(sent[0].work), std::vector<request_id>{2});
}

TEST(isolation, the_time_bound_uses_the_slowest_device_the_class_may_use) {
  auto cls = classes(true);
  cls[interactive].max_batch_ms = 1;
  cls[bulk].max_batch_ms = 1;
  batch_former bf(cls, pool());
  // interactive may spill to the 4090 and bulk may borrow the A100: the
  // 4090's 100 tokens per ms bounds both.
  EXPECT_EQ(bf.devices().batch_budget_tokens(cls[interactive]), 100u);
  EXPECT_EQ(bf.devices().batch_budget_tokens(cls[bulk]), 100u);
  cls[bulk].borrow_higher_tier = false;
  EXPECT_EQ(bf.devices().batch_budget_tokens(cls[bulk]), 100u);
  // With the 4090 gone, bulk runs on the A100 (nowhere else): 1000 tokens per ms.
  ASSERT_OK(bf.drain(r4090, drain_mode::finish_in_flight, 0));
  EXPECT_EQ(bf.devices().batch_budget_tokens(cls[bulk]), 1000u);
  EXPECT_EQ(bf.devices().batch_budget_tokens(cls[interactive]), 1000u);
  // max_batch_tokens still caps it.
  cls[bulk].max_batch_tokens = 300;
  EXPECT_EQ(bf.devices().batch_budget_tokens(cls[bulk]), 300u);
}

TEST(isolation, batches_shrink_as_the_measured_speed_drops) {
  // The device is configured at 100 tokens per ms but really does 25: the
  // completions teach the scheduler, and batches shrink towards 2 ms of work.
  auto cls = classes(true);
  cls[bulk].max_batch_ms = 2;
  batch_former bf(cls, {make_device("cpu", device_tier::low, 1e5)});
  request_id id = 1;
  for (int i = 0; i < 200; ++i) ASSERT_OK(bf.enqueue(make_request(id++, bulk, 25), 0));
  time_point_ns now = 0;
  std::vector<size_t> sizes;
  for (int i = 0; i < 15; ++i) {
    decision d = bf.next(now);
    ASSERT_EQ(d.kind, decision_kind::send_now);
    sizes.push_back(d.work.requests.size());
    now += static_cast<int64_t>(d.work.padded_tokens()) * ms / 25;  // the true speed
    ASSERT_OK(bf.complete(d.work.id, now));
  }
  EXPECT_EQ(sizes.front(), 8u);  // 200 tokens: the configured speed
  EXPECT_LE(sizes.back(), 3u);   // near 50 tokens: the measured one
  EXPECT_GE(sizes.back(), 2u);
  for (size_t i = 1; i < sizes.size(); ++i) EXPECT_LE(sizes[i], sizes[i - 1]);
}

}  // namespace
}  // namespace winnow::scheduler
