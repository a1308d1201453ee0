// Device life cycle: failure re-queues with nothing lost and order kept, drain
// (finish or move) and re-admission, cost charging, the simulated timing model.

#include "scheduler/batch_former.hpp"

#include <gtest/gtest.h>

#include "scheduler/simulated_device.hpp"
#include "tests/scheduler/scheduler_fixture.hpp"

namespace winnow::scheduler {
namespace {

using namespace testing;  // NOLINT: test helpers
using config::device_tier;

std::vector<config::device_config> two_devices(double cost_a = 0, double cost_b = 0) {
  return {make_device("sim-a100", device_tier::high, 1e6, 0, cost_a),
          make_device("sim-4090", device_tier::low, 1e5, 0, cost_b)};
}

TEST(lifecycle, device_failure_requeues_the_batch_in_order_with_nothing_lost) {
  auto c = make_class("interactive", 0, 80, 0);
  batch_former bf({c}, {make_device("sim-a100", device_tier::high, 1e6)});
  for (request_id i = 1; i <= 6; ++i) ASSERT_OK(bf.enqueue(make_request(i, 0, 20), i));
  decision d = bf.next(10);
  ASSERT_EQ(d.kind, decision_kind::send_now);
  EXPECT_EQ(ids_of(d.work), (std::vector<request_id>{1, 2, 3, 4}));
  EXPECT_EQ(bf.queue_depth(0), 2u);

  ASSERT_OK(bf.device_failed(0, 20));
  EXPECT_EQ(bf.devices().at(0).state, device_state::down);
  EXPECT_EQ(bf.queue_depth(0), 6u);  // all back
  EXPECT_EQ(bf.in_flight_batches(), 0u);
  EXPECT_EQ(bf.counters(0).requeued, 4u);
  EXPECT_EQ(bf.next(20).kind, decision_kind::idle);  // no device: nothing goes
  // A late result from the failed batch is refused, not double-counted.
  EXPECT_EQ(bf.complete(d.work.id, 30).code(), status_code::not_found);

  ASSERT_OK(bf.readmit(0));
  decision again = bf.next(40);
  ASSERT_EQ(again.kind, decision_kind::send_now);
  // Same requests, same order, ahead of the later arrivals 5 and 6.
  EXPECT_EQ(ids_of(again.work), (std::vector<request_id>{1, 2, 3, 4}));
  ASSERT_OK(bf.complete(again.work.id, 50));
  decision rest = bf.next(50);
  EXPECT_EQ(ids_of(rest.work), (std::vector<request_id>{5, 6}));
}

TEST(lifecycle, failure_moves_work_to_another_device) {
  auto c = make_class("interactive", 0, 8192, 0);
  batch_former bf({c}, two_devices());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 100), 0));
  decision d = bf.next(0);
  ASSERT_EQ(d.device, 0u);
  ASSERT_OK(bf.device_failed(0, 5));
  decision moved = bf.next(5);
  ASSERT_EQ(moved.kind, decision_kind::send_now);
  EXPECT_EQ(moved.device, 1u);
  EXPECT_EQ(ids_of(moved.work), (std::vector<request_id>{1}));
  EXPECT_EQ(moved.work.requests[0].enqueue_ns, 0);  // keeps its age and deadline
}

TEST(lifecycle, drain_lets_the_running_batch_finish_then_the_device_leaves) {
  auto c = make_class("interactive", 0, 8192, 0);
  batch_former bf({c}, two_devices());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 100), 0));
  decision d = bf.next(0);
  ASSERT_EQ(d.device, 0u);
  ASSERT_OK(bf.drain(0, drain_mode::finish_in_flight, 10));
  EXPECT_EQ(bf.devices().at(0).state, device_state::draining);
  // New work avoids the draining device even though it would be faster.
  ASSERT_OK(bf.enqueue(make_request(2, 0, 100), 10));
  decision other = bf.next(10);
  ASSERT_EQ(other.kind, decision_kind::send_now);
  EXPECT_EQ(other.device, 1u);
  ASSERT_OK(bf.complete(d.work.id, 100 * us));
  EXPECT_EQ(bf.devices().at(0).state, device_state::left);

  // Re-admitted (a new spot instance): used again.
  ASSERT_OK(bf.readmit(0));
  EXPECT_EQ(bf.readmit(0).code(), status_code::failed_precondition);
  ASSERT_OK(bf.enqueue(make_request(3, 0, 100), 200 * us));
  decision back = bf.next(200 * us);
  ASSERT_EQ(back.kind, decision_kind::send_now);
  EXPECT_EQ(back.device, 0u);
}

TEST(lifecycle, drain_can_move_the_running_batch_at_once) {
  auto c = make_class("interactive", 0, 8192, 0);
  batch_former bf({c}, two_devices());
  ASSERT_OK(bf.enqueue(make_request(1, 0, 100), 0));
  decision d = bf.next(0);
  ASSERT_OK(bf.drain(0, drain_mode::move_in_flight, 10));
  EXPECT_EQ(bf.devices().at(0).state, device_state::left);
  decision moved = bf.next(10);
  ASSERT_EQ(moved.kind, decision_kind::send_now);
  EXPECT_EQ(moved.device, 1u);
  EXPECT_EQ(ids_of(moved.work), ids_of(d.work));
  EXPECT_EQ(bf.drain(0, drain_mode::move_in_flight, 20).code(), status_code::failed_precondition);
}

TEST(lifecycle, every_batch_is_charged_to_its_class_and_device) {
  auto interactive = make_class("interactive", 0, 8192, 0);
  auto bulk = make_class("bulk", 10, 8192, 0, device_tier::low);
  batch_former bf({interactive, bulk}, two_devices(/*a100 $/h*/ 3.6, /*4090 $/h*/ 0.72));
  ASSERT_OK(bf.enqueue(make_request(1, 0, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(2, 1, 100), 0));
  ASSERT_OK(bf.enqueue(make_request(3, 1, 300), 0));
  auto sent = send_all(bf, 0);
  ASSERT_EQ(sent.size(), 2u);  // interactive → a100, bulk (100) → 4090
  ASSERT_OK(bf.complete(sent[0].work.id, 2'000 * ms));  // 2 s on the A100
  ASSERT_OK(bf.complete(sent[1].work.id, 5'000 * ms));  // 5 s on the 4090
  decision third = bf.next(5'000 * ms);  // bulk 300 → 4090 (A100 idle: also fine)
  ASSERT_EQ(third.kind, decision_kind::send_now);
  ASSERT_OK(bf.device_failed(third.device, 5'500 * ms));  // failed after 0.5 s: still billed

  const double third_price = third.device == 0 ? 3.6 : 0.72;
  cost_totals i = bf.costs().by_class("interactive");
  EXPECT_DOUBLE_EQ(i.device_seconds, 2.0);
  EXPECT_DOUBLE_EQ(i.cost_usd, 2.0 * 3.6 / 3600);  // 0.002 $
  EXPECT_EQ(i.batches, 1u);
  cost_totals b = bf.costs().by_class("bulk");
  EXPECT_DOUBLE_EQ(b.device_seconds, 5.5);
  EXPECT_NEAR(b.cost_usd, (5.0 * 0.72 + 0.5 * third_price) / 3600, 1e-12);
  EXPECT_EQ(b.batches, 2u);
  EXPECT_EQ(b.padded_tokens, 400u);
  cost_totals dev = bf.costs().by_device("sim-a100");
  EXPECT_GE(dev.device_seconds, 2.0);
  cost_totals total = bf.costs().total();
  EXPECT_DOUBLE_EQ(total.device_seconds, 7.5);
  EXPECT_NEAR(total.cost_usd, i.cost_usd + b.cost_usd, 1e-15);
  EXPECT_EQ(bf.costs().by_class("nobody").batches, 0u);
}

TEST(lifecycle, measured_speed_refines_the_estimate) {
  batch_former bf({make_class("interactive", 0, 8192, 0)},
                  {make_device("cpu", device_tier::high, 1e5)});
  const double before = bf.devices().at(0).speed.tokens_per_s();
  ASSERT_OK(bf.enqueue(make_request(1, 0, 1000), 0));
  decision d = bf.next(0);
  ASSERT_OK(bf.complete(d.work.id, 20 * ms));  // 1000 tokens in 20 ms = 5e4 tokens/s
  EXPECT_LT(bf.devices().at(0).speed.tokens_per_s(), before);
  EXPECT_GT(bf.devices().at(0).speed.tokens_per_s(), 5e4);
}

TEST(simulated_device, finishes_when_the_profile_says) {
  auto cfg = config::device_config{};
  cfg.name = "x";
  cfg.backend = "sim:a100-80gb";
  cfg.kind = config::backend_kind::simulated;
  cfg.sim_profile = "a100-80gb";
  cfg.tokens_per_s = 2e6;
  cfg.launch_overhead_us = 60;
  auto sim = simulated_device::from_config(cfg);
  ASSERT_OK(sim);
  EXPECT_NE(sim->name().find("simulated"), std::string::npos);
  EXPECT_EQ(sim->duration_ns(2000), 60 * us + 1 * ms);
  EXPECT_EQ(sim->submit(2000, 0), 1060 * us);
  // Submitted while busy: starts when the previous batch ends.
  EXPECT_EQ(sim->submit(2000, 500 * us), 2120 * us);

  cfg.kind = config::backend_kind::cpu;
  auto cpu = simulated_device::from_config(cfg);
  ASSERT_FALSE(cpu.ok());
  EXPECT_NE(cpu.get_status().message().find("not a simulated device"), std::string::npos);
}

}  // namespace
}  // namespace winnow::scheduler
