#include "kernels/device_pool.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "tests/kernels/faulty_backend_for_tests.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::kernels {
namespace {

using testing::fault_plan;
using testing::faulty_backend_for_tests;

device_info gpu_info(const std::string& name, int cc) {
  device_info i;
  i.name = name;
  i.kind = device_kind::simulated;
  i.compute_capability = cc;
  i.free_memory_bytes = 1000;
  return i;
}

// A real workload: a small gelu on the backend. Each run advances the fake
// clock by `ns_per_run` so the measured speed is known exactly.
struct timed_gelu {
  fake_clock* clk;
  int64_t ns_per_run;
  status operator()(backend& be) const {
    std::vector<float> x(64, 0.5f);
    WINNOW_ASSIGN_OR_RETURN(buffer b, be.alloc(x.size() * sizeof(float)));
    buffer_ptr hold(&be, b);
    WINNOW_RETURN_IF_ERROR(be.upload(b, 0, x.data(), x.size() * sizeof(float)));
    const tensor t = tensor::make(b.ptr, dtype::f32, 1, 64);
    WINNOW_RETURN_IF_ERROR(be.run(gelu_op{t, t}));
    WINNOW_RETURN_IF_ERROR(be.sync());
    clk->advance_ns(ns_per_run);
    return status::ok_status();
  }
};

struct pool_fixture : ::testing::Test {
  fake_clock clk;
  device_pool pool{clk, calibration_workload{timed_gelu{&clk, 1'000'000}, 1000, 1, 2}};
  faulty_backend_for_tests* last = nullptr;  // the most recent backend a factory made

  device_pool::backend_factory faulty(device_info info, fault_plan plan) {
    return [this, info, plan]() -> status_or<std::unique_ptr<backend>> {
      auto b = std::make_unique<faulty_backend_for_tests>(info, plan);
      last = b.get();
      return std::unique_ptr<backend>(std::move(b));
    };
  }
};

TEST(device_tier, maps_compute_capabilities_to_profiles) {
  EXPECT_EQ(tier_of(gpu_info("a", 80)), device_tier::a100_class);
  EXPECT_EQ(tier_of(gpu_info("b", 89)), device_tier::rtx4090_class);
  EXPECT_EQ(tier_of(gpu_info("c", 90)), device_tier::h100_class);
  EXPECT_EQ(tier_of(gpu_info("d", 75)), device_tier::other_gpu);
  device_info cpu;
  cpu.kind = device_kind::cpu;
  EXPECT_EQ(tier_of(cpu), device_tier::cpu);
  EXPECT_STREQ(to_string(device_tier::h100_class), "h100-class");
}

TEST_F(pool_fixture, calibration_measures_tokens_per_second_with_the_clock) {
  const device_id id = pool.add_device("sim-a100", faulty(gpu_info("sim-a100", 80), {}));
  const device_status s = pool.get_status(id);
  EXPECT_EQ(s.health, device_health::up);
  EXPECT_EQ(s.tier, device_tier::a100_class);
  // 2 timed runs x 1000 tokens in 2 ms of fake time.
  EXPECT_DOUBLE_EQ(s.tokens_per_second, 1'000'000.0);
  EXPECT_EQ(s.free_memory_bytes, 1000u);
  // Warm-up + timed runs really ran on the backend.
  EXPECT_EQ(last->runs(), 3);
}

TEST_F(pool_fixture, the_cpu_is_a_device_too) {
  const device_id id = pool.add_device("cpu", []() -> status_or<std::unique_ptr<backend>> {
    return make_cpu_backend(cpu_backend_options{1, false});
  });
  EXPECT_EQ(pool.get_status(id).tier, device_tier::cpu);
  EXPECT_EQ(pool.get_status(id).health, device_health::up);
}

TEST_F(pool_fixture, a_device_failing_calibration_is_added_down_with_the_reason) {
  const device_id id = pool.add_device("broken", faulty(gpu_info("broken", 89), fault_plan{0, false}));
  const device_status s = pool.get_status(id);
  EXPECT_EQ(s.health, device_health::down);
  EXPECT_NE(s.last_error.find("device lost"), std::string::npos) << s.last_error;
  EXPECT_TRUE(pool.up_devices().empty());
}

TEST_F(pool_fixture, a_factory_error_leaves_the_device_down) {
  const device_id id = pool.add_device("cuda:7", []() -> status_or<std::unique_ptr<backend>> {
    return status::device_error("cudaSetDevice: invalid device ordinal");
  });
  EXPECT_EQ(pool.get_status(id).health, device_health::down);
  EXPECT_NE(pool.get_status(id).last_error.find("invalid device ordinal"), std::string::npos);
}

TEST_F(pool_fixture, device_error_marks_down_and_hands_back_all_work_in_flight) {
  // Calibration uses runs 0..2; run index 3 (the second work item's) fails.
  const device_id id = pool.add_device("sim-4090", faulty(gpu_info("sim-4090", 89), fault_plan{4, false}));
  ASSERT_EQ(pool.get_status(id).health, device_health::up);
  // Work 10 and 11 are in flight on an async stream.
  ASSERT_OK(pool.begin(id, 10));
  ASSERT_OK(pool.begin(id, 11));
  timed_gelu work{&clk, 0};
  auto ok = pool.run(id, 12, work);  // run index 3: fine
  EXPECT_OK(ok.result);
  EXPECT_TRUE(ok.handed_back.empty());
  auto failed = pool.run(id, 13, work);  // run index 4: device lost
  EXPECT_EQ(failed.result.code(), status_code::device_error);
  EXPECT_EQ(failed.handed_back, (std::vector<work_id>{10, 11, 13}));
  const device_status s = pool.get_status(id);
  EXPECT_EQ(s.health, device_health::down);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.in_flight, 0u);
  // A down device runs nothing and hands the work straight back.
  auto refused = pool.run(id, 14, work);
  EXPECT_EQ(refused.result.code(), status_code::unavailable);
  EXPECT_EQ(refused.handed_back, (std::vector<work_id>{14}));
  EXPECT_EQ(pool.begin(id, 15).code(), status_code::unavailable);
}

TEST_F(pool_fixture, a_bad_input_error_fails_only_that_work_item) {
  const device_id id = pool.add_device("sim-a100", faulty(gpu_info("sim-a100", 80), {}));
  auto r = pool.run(id, 1, [](backend&) { return status::invalid_argument("token id 99999 out of range"); });
  EXPECT_EQ(r.result.code(), status_code::invalid_argument);
  EXPECT_TRUE(r.handed_back.empty());
  EXPECT_EQ(pool.get_status(id).health, device_health::up);
}

TEST_F(pool_fixture, probe_rebuilds_the_backend_and_brings_the_device_back) {
  bool healthy = false;
  const device_id id = pool.add_device("flaky", [&]() -> status_or<std::unique_ptr<backend>> {
    auto b = std::make_unique<faulty_backend_for_tests>(gpu_info("flaky", 90), fault_plan{});
    b->set_lost(!healthy);
    return std::unique_ptr<backend>(std::move(b));
  });
  EXPECT_EQ(pool.get_status(id).health, device_health::down);
  EXPECT_FALSE(pool.probe(id).ok());  // still broken: stays down
  EXPECT_EQ(pool.get_status(id).health, device_health::down);
  EXPECT_NE(pool.get_status(id).last_error.find("probe failed"), std::string::npos);
  healthy = true;
  EXPECT_OK(pool.probe(id));
  EXPECT_EQ(pool.get_status(id).health, device_health::up);
  EXPECT_GT(pool.get_status(id).tokens_per_second, 0.0);
  EXPECT_EQ(pool.up_devices(), (std::vector<device_id>{id}));
  EXPECT_OK(pool.probe(id));  // an up device is left alone
}

TEST_F(pool_fixture, mark_down_from_outside_returns_in_flight_work) {
  const device_id id = pool.add_device("sim", faulty(gpu_info("sim", 80), {}));
  ASSERT_OK(pool.begin(id, 5));
  EXPECT_EQ(pool.mark_down(id, "timed out"), (std::vector<work_id>{5}));
  EXPECT_EQ(pool.get_status(id).last_error, "timed out");
  // finish() after the fact of a batch that was already handed back is harmless.
  EXPECT_TRUE(pool.finish(id, 5, status::ok_status()).handed_back.empty());
}

TEST_F(pool_fixture, snapshot_lists_every_device_in_order) {
  pool.add_device("a", faulty(gpu_info("a", 80), {}));
  pool.add_device("b", faulty(gpu_info("b", 89), fault_plan{0, false}));
  const auto snap = pool.snapshot();
  ASSERT_EQ(snap.size(), 2u);
  EXPECT_EQ(snap[0].name, "a");
  EXPECT_EQ(snap[0].health, device_health::up);
  EXPECT_EQ(snap[1].health, device_health::down);
}

TEST(device_pool, an_empty_calibration_workload_is_rejected) {
  fake_clock clk;
  device_pool pool(clk, calibration_workload{});
  const device_id id = pool.add_device("cpu", []() -> status_or<std::unique_ptr<backend>> {
    return make_cpu_backend(cpu_backend_options{});
  });
  EXPECT_EQ(pool.get_status(id).health, device_health::down);
  EXPECT_NE(pool.get_status(id).last_error.find("calibration workload"), std::string::npos);
}

}  // namespace
}  // namespace winnow::kernels
