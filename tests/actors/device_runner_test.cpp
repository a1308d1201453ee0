// actors/device_runner: a device's os_nice reaches the worker thread that runs
// its batches (and its OpenMP team), and nothing else; cuda:N runs on a GPU
// or fails with the reason (docs/gpu.md); the health probe rebuilds the
// backend and the weights.

#include "actors/device_runner.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "kernels/cpu/thread_priority.hpp"
#include "kernels/registry.hpp"
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

config::device_config cpu_device(const std::string& name) {
  config::device_config dev;
  dev.name = name;
  dev.backend = "cpu";
  dev.kind = config::backend_kind::cpu;
  dev.threads = 1;
  return dev;
}

TEST(device_runner, cuda_runs_on_the_gpu_or_fails_saying_why) {
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  config::device_config dev;
  dev.name = "a100";
  dev.backend = "cuda:0";
  dev.kind = config::backend_kind::cuda;
  dev.cuda_index = 0;
  dev.tokens_per_s = 1.0;  // the configured guess; a GPU replaces it with a measurement
  config::model_section model;
  model.dir = winnow::testing::model_dir();
  auto r = device_runner::open(dev, model);
  const std::string why = kernels::cuda_unavailable_reason();
  if (why.empty()) {  // a GPU is here: the device runs on it and was timed
    ASSERT_OK(r);
    EXPECT_GT((*r)->device().tokens_per_s, 1.0);
    auto out = (*r)->run({{101, 7592, 102}});
    ASSERT_OK(out);
    return;
  }
  ASSERT_FALSE(r.ok()) << "cuda:0 must not start without a GPU (no silent CPU stand-in)";
  EXPECT_EQ(r.get_status().code(), status_code::unavailable);
  const std::string& m = r.get_status().message();
  EXPECT_NE(m.find("device 'a100' (backend cuda:0)"), std::string::npos) << m;
  EXPECT_NE(m.find(why), std::string::npos) << m;
  EXPECT_NE(m.find("backend = \"cpu\""), std::string::npos) << m;
}

TEST(device_runner, the_health_probe_rebuilds_backend_and_weights_and_serves_again) {
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  config::model_section model;
  model.dir = winnow::testing::model_dir();
  auto r = device_runner::open(cpu_device("cpu"), model);
  ASSERT_OK(r);
  auto before = (*r)->run({{101, 7592, 102}});
  ASSERT_OK(before);
  const model::encoder* old_encoder = &(*r)->encoder();
  (*r)->fail_next();
  EXPECT_EQ((*r)->run({{101, 7592, 102}}).get_status().code(), status_code::device_error);
  ASSERT_OK((*r)->probe());
  EXPECT_EQ((*r)->rebuilds(), 1u);
  EXPECT_NE(&(*r)->encoder(), old_encoder) << "the probe must load the weights again, not reuse the old ones";
  auto after = (*r)->run({{101, 7592, 102}});
  ASSERT_OK(after);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0], (*before)[0]);  // same weights, same backend kind: the same vector
}

TEST(device_runner, measures_tokens_per_second) {
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  config::model_section model;
  model.dir = winnow::testing::model_dir();
  auto r = device_runner::open(cpu_device("cpu"), model);
  ASSERT_OK(r);
  auto tps = (*r)->measure_tokens_per_s(2, 16, 1);
  ASSERT_OK(tps);
  EXPECT_GT(*tps, 0.0);
  EXPECT_EQ((*r)->measure_tokens_per_s(0, 16, 1).get_status().code(), status_code::invalid_argument);
}

TEST(device_runner, warms_the_query_buckets) {
  // On a CUDA device this captures the query path's graphs; on the CPU it is
  // eight short encodes that must simply work (the CUDA part runs in
  // tests/gpu/device-check.sh's e2e start-up).
  if (winnow::testing::model_dir().empty()) GTEST_SKIP() << "model files not present";
  config::model_section model;
  model.dir = winnow::testing::model_dir();
  auto r = device_runner::open(cpu_device("cpu"), model);
  ASSERT_OK(r);
  ASSERT_OK((*r)->warm_query_path());
  auto v = (*r)->run({{101, 7592, 102}});
  ASSERT_OK(v);
  EXPECT_EQ(v->size(), 1u);
}

}  // namespace
}  // namespace winnow::actors
