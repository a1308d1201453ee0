// The simulated pool from config/simulated-pool.toml under a seeded random
// workload with device failures, drains and re-admissions: every request ends
// exactly once (completed or rejected with a reason), none is lost or run twice,
// and the costs add up.

#include "scheduler/batch_former.hpp"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "config/load_config.hpp"
#include "tests/scheduler/scheduler_fixture.hpp"

namespace winnow::scheduler {
namespace {

using namespace testing;  // NOLINT: test helpers

TEST(simulation, nothing_is_lost_under_failures_and_drains) {
  auto cfg = config::load_config(::winnow::testing::source_path("config/simulated-pool.toml"));
  ASSERT_OK(cfg);
  batch_former bf(*cfg);
  auto interactive = bf.class_of("interactive");
  auto bulk = bf.class_of("bulk");
  ASSERT_OK(interactive);
  ASSERT_OK(bulk);
  sim_driver sim(bf);
  auto rng = ::winnow::testing::seeded_rng(20261129);
  std::uniform_int_distribution<uint32_t> query_len(4, 40), passage_len(32, 512);
  std::uniform_int_distribution<int> coin(0, 99);

  std::map<request_id, int> accepted;  // id → times seen at the end (must be 1)
  request_id next_id = 1;
  uint64_t refused = 0;
  time_point_ns t = 0;
  for (int step = 0; step < 4000; ++step) {
    t += 50 * us;
    sim.run_until(t);
    // ~1 query per step, bulk in bursts.
    request r = make_request(next_id++, *interactive, query_len(rng));
    if (bf.enqueue(r, t).ok()) accepted[r.id] = 0; else ++refused;
    if (coin(rng) < 30) {
      for (int k = 0; k < 4; ++k) {
        request p = make_request(next_id++, *bulk, passage_len(rng));
        if (bf.enqueue(p, t).ok()) accepted[p.id] = 0; else ++refused;
      }
    }
    int event = coin(rng);
    if (step % 500 == 100) sim.fail(static_cast<device_id>(step / 500 % 3), t);
    if (step % 500 == 300) {
      for (device_id d = 0; d < bf.devices().size(); ++d) {
        if (bf.devices().at(d).state != device_state::up) {
          ASSERT_OK(bf.readmit(d));
        }
      }
    }
    if (event == 0 && step % 500 < 100) {
      // Spot notice on a 4090: it finishes its batch and leaves until re-admitted.
      status s = bf.drain(2, drain_mode::finish_in_flight, t);
      (void)s.ok();  // failed_precondition when it is already out: fine here
    }
    sim.pump(t);
  }
  // Bring everything back and run the queues dry.
  for (device_id d = 0; d < bf.devices().size(); ++d) {
    if (bf.devices().at(d).state == device_state::down ||
        bf.devices().at(d).state == device_state::left) {
      ASSERT_OK(bf.readmit(d));
    }
  }
  sim.pump(t);
  for (int i = 0; i < 100000 && (sim.busy() || bf.queue_depth(0) + bf.queue_depth(1) > 0); ++i) {
    t += 1 * ms;
    sim.run_until(t);
  }
  EXPECT_EQ(bf.queue_depth(0) + bf.queue_depth(1), 0u);
  EXPECT_FALSE(sim.busy());

  for (request_id id : sim.completed) {
    ASSERT_TRUE(accepted.count(id)) << id;
    ++accepted[id];
  }
  for (const auto& r : sim.rejected) {
    ASSERT_TRUE(accepted.count(r.req.id)) << r.req.id;
    EXPECT_EQ(r.reason.code(), status_code::deadline_exceeded);
    ++accepted[r.req.id];
  }
  size_t done = 0;
  for (const auto& [id, seen] : accepted) {
    EXPECT_EQ(seen, 1) << "request " << id;
    done += seen == 1;
  }
  EXPECT_EQ(done, accepted.size());
  EXPECT_GT(sim.completed.size(), accepted.size() / 2);

  // Failures happened and were recovered from.
  uint64_t requeued = bf.counters(*interactive).requeued + bf.counters(*bulk).requeued;
  EXPECT_GT(requeued, 0u);

  // Every batch was charged: the ledger's batches are the sent batches
  // (completed or cut short by a failure / moved by a drain).
  EXPECT_EQ(bf.costs().total().batches, sim.sent.size());
  const auto& by_class = bf.costs().classes();
  double sum = 0;
  for (const auto& [name, totals] : by_class) sum += totals.cost_usd;
  EXPECT_NEAR(sum, bf.costs().total().cost_usd, 1e-12);
  EXPECT_GT(bf.costs().by_device("sim-a100").cost_usd, 0.0);
  std::printf("[ info     ] %zu accepted, %llu refused, %zu batches, %llu requeued, $%.6f\n",
              accepted.size(), static_cast<unsigned long long>(refused), sim.sent.size(),
              static_cast<unsigned long long>(requeued), bf.costs().total().cost_usd);
}

}  // namespace
}  // namespace winnow::scheduler
