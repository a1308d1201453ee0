// The CUDA backend's plan-cache and cuBLASLt routing rules, as plain classes
// (kernels/cuda/plan_cache.hpp, lt_shape_rules.hpp): tested on every machine,
// with a fault-injecting plan builder standing in for cuBLASLt.
#include <gtest/gtest.h>

#include <string>

#include "kernels/cuda/lt_shape_rules.hpp"
#include "kernels/cuda/plan_cache.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::kernels::cuda {
namespace {

struct fake_plan {
  int id = 0;
};

// A plan builder that fails with the statuses it is given, in order, then
// succeeds; counts its calls.
struct fault_injecting_builder {
  std::vector<status> faults;
  int calls = 0;
  status_or<std::unique_ptr<fake_plan>> operator()() {
    const size_t i = static_cast<size_t>(calls++);
    if (i < faults.size()) return faults[i];
    return std::make_unique<fake_plan>(fake_plan{calls});
  }
};

TEST(plan_cache, a_plan_is_built_once_and_reused) {
  plan_cache<int, fake_plan> cache;
  fault_injecting_builder b;
  auto p1 = cache.get(7, [&] { return b(); });
  ASSERT_OK(p1);
  auto p2 = cache.get(7, [&] { return b(); });
  ASSERT_OK(p2);
  EXPECT_EQ(*p1, *p2);
  EXPECT_EQ(b.calls, 1);
}

TEST(plan_cache, a_build_that_fails_transiently_is_not_cached_and_is_retried) {
  plan_cache<int, fake_plan> cache;
  fault_injecting_builder b{{status::resource_exhausted("cublasLt: CUBLAS_STATUS_ALLOC_FAILED"),
                             status::device_error("cublasLt: CUBLAS_STATUS_INTERNAL_ERROR")}};
  auto first = cache.get(1, [&] { return b(); });
  EXPECT_EQ(first.get_status().code(), status_code::resource_exhausted);
  EXPECT_EQ(cache.size(), 0u);
  auto second = cache.get(1, [&] { return b(); });
  EXPECT_EQ(second.get_status().code(), status_code::device_error);
  EXPECT_EQ(cache.size(), 0u);
  auto third = cache.get(1, [&] { return b(); });
  ASSERT_OK(third);  // built on the retry: the shape is not pinned to the fallback
  EXPECT_EQ(b.calls, 3);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(plan_cache, unsupported_is_a_final_answer_and_is_cached) {
  plan_cache<int, fake_plan> cache;
  fault_injecting_builder b{{status::unsupported("no algorithm for this shape")}};
  EXPECT_EQ(cache.get(3, [&] { return b(); }).get_status().code(), status_code::unsupported);
  auto again = cache.get(3, [&] { return b(); });
  EXPECT_EQ(again.get_status().code(), status_code::unsupported);
  EXPECT_NE(again.get_status().message().find("no algorithm"), std::string::npos);
  EXPECT_EQ(b.calls, 1);
  // Another key is built on its own.
  ASSERT_OK(cache.get(4, [&] { return b(); }));
  EXPECT_EQ(b.calls, 2);
}

s8_gemm_shape shape(int64_t m, int64_t n, int64_t k) { return {m, n, k, k, k, true, true}; }

TEST(lt_shape_rules, cublaslt_only_for_m_over_16_and_n_k_multiples_of_8) {
  EXPECT_TRUE(cublaslt_s8_shape_ok(shape(128, 384, 384)));
  EXPECT_TRUE(cublaslt_s8_shape_ok(shape(17, 1536, 384)));
  EXPECT_FALSE(cublaslt_s8_shape_ok(shape(16, 384, 384)));   // M <= 16: our kernel
  EXPECT_FALSE(cublaslt_s8_shape_ok(shape(1, 384, 384)));
  EXPECT_FALSE(cublaslt_s8_shape_ok(shape(130, 3, 32)));     // N = 3 (an op case H100 mishandles)
  EXPECT_FALSE(cublaslt_s8_shape_ok(shape(130, 20, 32)));    // N not a multiple of 8
  EXPECT_FALSE(cublaslt_s8_shape_ok(shape(130, 16, 36)));    // K not a multiple of 8
  s8_gemm_shape unaligned = shape(128, 384, 384);
  unaligned.a_aligned16 = false;
  EXPECT_FALSE(cublaslt_s8_shape_ok(unaligned));
  s8_gemm_shape strided = shape(128, 384, 384);
  strided.lda = 392;  // not 16-byte multiple
  EXPECT_FALSE(cublaslt_s8_shape_ok(strided));
}

}  // namespace
}  // namespace winnow::kernels::cuda
