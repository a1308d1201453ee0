// Device placement: tiers, spill only when sooner, bulk borrowing only while
// the high tier is idle, aging against starvation, the admission check.

#include "scheduler/batch_former.hpp"

#include <gtest/gtest.h>

#include "tests/scheduler/scheduler_fixture.hpp"

namespace winnow::scheduler {
namespace {

using namespace testing;  // NOLINT: test helpers
using config::device_tier;

using namespace two_tier;  // NOLINT: the shared pool and ids

std::vector<config::class_config> classes(uint64_t interactive_delay_us = 0) {
  return {make_class("interactive", 0, 8192, interactive_delay_us, device_tier::high),
          make_class("bulk", 10, 8192, 0, device_tier::low)};
}

TEST(placement, high_class_on_high_tier_and_bulk_on_low_tier) {
  batch_former bf(classes(), pool());
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(2, interactive, 100), 0));
  auto sent = send_all(bf, 0);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].work.cls, interactive);
  EXPECT_EQ(sent[0].device, a100);
  EXPECT_EQ(sent[1].work.cls, bulk);
  EXPECT_EQ(sent[1].device, r4090);
}

TEST(placement, high_class_waits_for_its_tier_when_spilling_is_not_sooner) {
  batch_former bf(classes(), pool());
  ASSERT_OK(bf.enqueue(make_request(1, interactive, 200), 0));
  decision first = bf.next(0);
  ASSERT_EQ(first.device, a100);  // busy until 0.2 ms
  // 100 more tokens: 0.3 ms on the busy A100, 1 ms on the idle 4090 → wait.
  ASSERT_OK(bf.enqueue(make_request(2, interactive, 100), 0));
  EXPECT_EQ(bf.next(0).kind, decision_kind::idle);
  ASSERT_OK(bf.complete(first.work.id, 200 * us));
  decision second = bf.next(200 * us);
  ASSERT_EQ(second.kind, decision_kind::send_now);
  EXPECT_EQ(second.device, a100);
}

TEST(placement, high_class_spills_to_low_tier_when_that_finishes_sooner) {
  batch_former bf(classes(), pool());
  ASSERT_OK(bf.enqueue(make_request(1, interactive, 5000), 0));
  decision first = bf.next(0);
  ASSERT_EQ(first.device, a100);  // busy until 5 ms
  // 100 tokens: 5.1 ms on the A100 (after the running batch), 1 ms on the 4090.
  ASSERT_OK(bf.enqueue(make_request(2, interactive, 100), 0));
  decision second = bf.next(0);
  ASSERT_EQ(second.kind, decision_kind::send_now);
  EXPECT_EQ(second.device, r4090);
  EXPECT_EQ(bf.devices().estimated_finish_ns(r4090, 0, 0), 1 * ms);
}

TEST(placement, bulk_borrows_the_idle_high_tier) {
  batch_former bf(classes(), pool());
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 3000), 0));  // another bucket: its own batch
  auto sent = send_all(bf, 0);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].device, r4090);
  EXPECT_EQ(sent[1].device, a100);  // the 4090 is busy and the A100 idle: borrow it
}

TEST(placement, bulk_does_not_borrow_while_high_tier_work_is_queued) {
  batch_former bf(classes(/*interactive delay*/ 1000), pool());
  ASSERT_OK(bf.enqueue(make_request(1, bulk, 100), 0));
  ASSERT_EQ(bf.next(0).device, r4090);
  // An interactive request is queued (waiting for its batch delay): the idle
  // A100 is being kept for it, bulk waits for the 4090.
  ASSERT_OK(bf.enqueue(make_request(2, interactive, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(3, bulk, 3000), 0));
  decision d = bf.next(0);
  ASSERT_EQ(d.kind, decision_kind::wait_for);
  EXPECT_EQ(d.wait_ns, 1 * ms);
  d = bf.next(1 * ms);  // the interactive delay ran out: it takes the A100
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.cls, interactive);
  EXPECT_EQ(d.device, a100);
  EXPECT_EQ(bf.next(1 * ms).kind, decision_kind::idle);  // bulk still waits
}

TEST(placement, urgent_work_never_spills_to_a_niced_device) {
  // The embedded default's shape: "cpu" for queries, "cpu-bulk" niced and
  // (on paper) faster. A query behind a running query waits for "cpu" rather
  // than run at the lowest OS priority behind everything else.
  auto background = make_device("cpu-bulk", device_tier::low, 1e6);
  background.os_nice = 19;
  batch_former bf(classes(), {make_device("cpu", device_tier::high, 1e5), background});
  ASSERT_OK(bf.enqueue(make_request(1, interactive, 500), 0));
  decision first = bf.next(0);
  ASSERT_EQ(first.device, 0u);  // busy until 5 ms
  ASSERT_OK(bf.enqueue(make_request(2, interactive, 100), 0));
  // 6 ms on "cpu" after the running batch, 0.1 ms on the idle niced device: still waits.
  EXPECT_EQ(bf.next(0).kind, decision_kind::idle);
  ASSERT_OK(bf.complete(first.work.id, 5 * ms));
  decision second = bf.next(5 * ms);
  ASSERT_EQ(second.kind, decision_kind::send_now);
  EXPECT_EQ(second.device, 0u);
  // With "cpu" down the niced device is the only place left: it serves.
  ASSERT_OK(bf.device_failed(0, 6 * ms));
  ASSERT_OK(bf.enqueue(make_request(3, interactive, 100), 6 * ms));
  decision third = bf.next(6 * ms);
  ASSERT_EQ(third.kind, decision_kind::send_now);
  EXPECT_EQ(third.device, 1u);
}

TEST(placement, bulk_does_not_borrow_a_busy_high_tier) {
  batch_former bf(classes(), pool());
  ASSERT_OK(bf.enqueue(make_request(1, interactive, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 100), 0));
  ASSERT_EQ(send_all(bf, 0).size(), 2u);  // A100 and 4090 both busy
  ASSERT_OK(bf.enqueue(make_request(3, bulk, 3000), 0));
  EXPECT_EQ(bf.next(0).kind, decision_kind::idle);
}

TEST(placement, single_device_of_the_high_tier_serves_bulk_only_when_idle) {
  batch_former bf(classes(/*interactive delay*/ 500),
                  {make_device("cpu", device_tier::high, 1e5)});
  ASSERT_OK(bf.enqueue(make_request(1, interactive, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(2, bulk, 100), 0));
  // Interactive is waiting for its delay: bulk must not grab the only device.
  decision d = bf.next(0);
  ASSERT_EQ(d.kind, decision_kind::wait_for);
  d = bf.next(500 * us);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.cls, interactive);
  ASSERT_OK(bf.complete(d.work.id, 1500 * us));
  d = bf.next(1500 * us);  // now the device is idle and nothing urgent waits
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(d.work.cls, bulk);
}

// One device, 1 ms per interactive request, a new one every 0.5 ms: the
// interactive queue never empties. Returns when the bulk request was sent (or
// no_deadline within 200 ms).
time_point_ns bulk_start_under_interactive_flood(uint64_t aging_us) {
  auto cls = classes();
  cls[interactive].max_batch_tokens = 100;  // one request per batch: 1 ms each
  cls[bulk].aging_us = aging_us;
  batch_former bf(cls, {make_device("cpu", device_tier::high, 1e5)});
  sim_driver sim(bf);
  request_id next_id = 1;
  EXPECT_OK(bf.enqueue(make_request(next_id++, interactive, 100), 0));
  EXPECT_OK(bf.enqueue(make_request(next_id++, bulk, 100), 0));
  sim.pump(0);
  for (time_point_ns t = 500 * us; t <= 200 * ms; t += 500 * us) {
    sim.run_until(t);
    EXPECT_OK(bf.enqueue(make_request(next_id++, interactive, 100), t));
    sim.pump(t);
    for (const auto& s : sim.sent) {
      if (s.work.cls == bulk) return s.start_ns;
    }
  }
  return no_deadline;
}

TEST(placement, without_aging_bulk_starves_under_an_interactive_flood) {
  EXPECT_EQ(bulk_start_under_interactive_flood(0), no_deadline);
}

TEST(placement, aging_bounds_the_wait_of_bulk) {
  // Starving once its oldest request has waited 10 ms; it goes when the
  // interactive batch running then ends (1 ms batches).
  time_point_ns start = bulk_start_under_interactive_flood(10000);
  EXPECT_GE(start, 10 * ms);
  EXPECT_LE(start, 11 * ms);
}

TEST(admission, enqueue_refuses_what_cannot_finish_in_time) {
  auto cls = classes();
  cls[interactive].timeout_ms = 10;
  batch_former bf(cls, {make_device("cpu", device_tier::high, 1e5)});
  // 100 tokens = 1 ms on this device: the 10th queued request would finish at
  // 10 ms, the 11th at 11 ms, past the class's 10 ms, so enqueue refuses it.
  for (request_id i = 1; i <= 10; ++i) ASSERT_OK(bf.enqueue(make_request(i, interactive, 100), 0));
  EXPECT_EQ(bf.enqueue(make_request(11, interactive, 100), 0).code(), status_code::deadline_exceeded);
  // Bulk, with no deadline, is still admitted behind the backlog.
  EXPECT_OK(bf.enqueue(make_request(12, bulk, 100), 0));
  EXPECT_EQ(bf.estimated_completion_ns(interactive, 100, 0), 11 * ms);
}

}  // namespace
}  // namespace winnow::scheduler
