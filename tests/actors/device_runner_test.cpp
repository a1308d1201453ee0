// actors/device_runner: a device's os_nice reaches the worker thread that runs
// its batches (and its OpenMP team), and nothing else.

#include "actors/device_runner.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "kernels/cpu/thread_priority.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::actors {
namespace {

TEST(device_runner, os_nice_applies_to_the_thread_that_runs_batches) {
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  config::device_config dev;
  dev.name = "cpu-low";
  dev.backend = "cpu";
  dev.kind = config::backend_kind::cpu;
  dev.tier = config::device_tier::low;
  dev.threads = 2;
  dev.os_nice = 9;
  config::model_section model;
  model.dir = winnow::testing::model_dir();
  auto runner = device_runner::open(dev, model);
  ASSERT_OK(runner);
  const int before = kernels::cpu::compute_thread_nice(1).at(0);

  std::vector<int> worker_nice;
  status run_status;
  std::thread worker([&] {
    // [CLS] hello [SEP] in the MiniLM vocabulary.
    auto out = (*runner)->run({{101, 7592, 102}});
    run_status = out.ok() ? status::ok_status() : out.get_status();
    worker_nice = kernels::cpu::compute_thread_nice(2);
  });
  worker.join();
  ASSERT_OK(run_status);
  EXPECT_OK((*runner)->os_priority());
  ASSERT_FALSE(worker_nice.empty());
  for (int n : worker_nice) EXPECT_EQ(n, 9);
  // The opening thread (this one) keeps its priority.
  EXPECT_EQ(kernels::cpu::compute_thread_nice(1).at(0), before);
}

}  // namespace
}  // namespace winnow::actors
