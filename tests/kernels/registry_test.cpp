#include "kernels/registry.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/support/test_support.hpp"

namespace winnow::kernels {
namespace {

TEST(registry, the_cpu_is_always_the_first_device) {
  const auto devices = enumerate_devices();
  ASSERT_FALSE(devices.empty());
  EXPECT_EQ(devices[0].id, "cpu");
  EXPECT_EQ(devices[0].info.kind, device_kind::cpu);
  for (size_t i = 1; i < devices.size(); ++i) EXPECT_EQ(devices[i].id, "cuda:" + std::to_string(i - 1));
}

TEST(registry, makes_cpu_and_reference_cpu_backends) {
  auto fast = make_backend("cpu");
  ASSERT_OK(fast);
  EXPECT_EQ((*fast)->info().kind, device_kind::cpu);
  auto ref = make_backend("cpu:ref");
  ASSERT_OK(ref);
}

TEST(registry, unknown_ids_are_invalid_arguments_naming_the_id) {
  for (const char* id : {"gpu", "cuda:", "cuda:x", "cuda:-1", ""}) {
    auto b = make_backend(id);
    ASSERT_FALSE(b.ok()) << id;
    EXPECT_EQ(b.get_status().code(), status_code::invalid_argument) << id;
    EXPECT_NE(b.get_status().message().find(std::string("'") + id + "'"), std::string::npos)
        << b.get_status().message();
  }
  registry_options bad;
  bad.cpu_threads = 0;
  EXPECT_EQ(make_backend("cpu", bad).get_status().code(), status_code::invalid_argument);
}

TEST(registry, cuda_without_a_gpu_falls_back_to_the_cpu_and_says_so) {
  const bool have_gpu = enumerate_devices().size() > 1;
  std::vector<std::string> logged;
  registry_options options;
  options.log = [&](const std::string& line) { logged.push_back(line); };
  auto b = make_backend("cuda:0", options);
  ASSERT_OK(b);
  if (have_gpu) {
    EXPECT_EQ((*b)->info().kind, device_kind::cuda);
    EXPECT_TRUE(logged.empty());
    EXPECT_EQ(default_device_id(), "cuda:0");
  } else {
    EXPECT_EQ((*b)->info().kind, device_kind::cpu);
    ASSERT_EQ(logged.size(), 1u);
    EXPECT_NE(logged[0].find("falling back to the CPU"), std::string::npos) << logged[0];
    EXPECT_EQ(default_device_id(), "cpu");
  }
}

TEST(registry, an_ordinal_past_the_present_gpus_is_an_error_when_gpus_exist) {
  const auto devices = enumerate_devices();
  if (devices.size() == 1) GTEST_SKIP() << "no CUDA device here: only the fallback path applies";
  auto b = make_backend("cuda:" + std::to_string(devices.size() - 1 + 5));
  EXPECT_EQ(b.get_status().code(), status_code::invalid_argument);
}

}  // namespace
}  // namespace winnow::kernels
