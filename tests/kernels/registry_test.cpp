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

// The rule (docs/gpu.md): cuda:N runs on that GPU or is an error that says
// why; never a silent CPU stand-in.
TEST(registry, cuda_without_a_gpu_is_unavailable_and_says_why) {
  const bool have_gpu = enumerate_devices().size() > 1;
  auto b = make_backend("cuda:0");
  if (have_gpu) {
    ASSERT_OK(b);
    EXPECT_EQ((*b)->info().kind, device_kind::cuda);
    EXPECT_EQ(default_device_id(), "cuda:0");
    EXPECT_EQ(cuda_unavailable_reason(), "");
    return;
  }
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.get_status().code(), status_code::unavailable);
  const std::string& m = b.get_status().message();
  EXPECT_NE(m.find("no CUDA device is usable"), std::string::npos) << m;
  EXPECT_NE(m.find(cuda_unavailable_reason()), std::string::npos) << m;
  EXPECT_NE(m.find("backend = \"cpu\""), std::string::npos) << m;
  EXPECT_FALSE(cuda_unavailable_reason().empty());
  EXPECT_EQ(default_device_id(), "cpu");
}

TEST(registry, an_ordinal_past_the_present_gpus_is_an_error_when_gpus_exist) {
  const auto devices = enumerate_devices();
  if (devices.size() == 1) GTEST_SKIP() << "no CUDA device here: the ordinal check was NOT run (" << cuda_unavailable_reason() << ")";
  auto b = make_backend("cuda:" + std::to_string(devices.size() - 1 + 5));
  EXPECT_EQ(b.get_status().code(), status_code::invalid_argument);
}

}  // namespace
}  // namespace winnow::kernels
