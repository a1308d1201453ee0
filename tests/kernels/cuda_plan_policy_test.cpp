// The CUDA backend's plan-cache and cuBLASLt routing rules, as plain classes
// (kernels/cuda/plan_cache.hpp, lt_shape_rules.hpp): tested on every machine,
// with a fault-injecting plan builder standing in for cuBLASLt.
#include <gtest/gtest.h>

#include <string>

#include "kernels/cuda/graph_cache.hpp"
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


// ---- graph_cache.hpp: CUDA graphs for the query path's fixed shapes --------

struct fake_graph {
  int* alive;
  explicit fake_graph(int* a) : alive(a) { ++*alive; }
  ~fake_graph() { --*alive; }
};

TEST(graph_cache, warm_up_then_capture_then_replay) {
  graph_cache<fake_graph> c;
  int alive = 0;
  EXPECT_EQ(c.next(16, 1), graph_step::warm_up);  // plans and scratch are made outside a capture
  EXPECT_EQ(c.next(16, 1), graph_step::capture);
  c.captured(16, 1, std::make_unique<fake_graph>(&alive));
  EXPECT_EQ(c.next(16, 1), graph_step::replay);
  EXPECT_NE(c.graph(16), nullptr);
  EXPECT_EQ(c.next(16, 1), graph_step::replay);
  EXPECT_EQ(c.next(32, 1), graph_step::warm_up);  // another bucket is its own key
  EXPECT_EQ(c.counters().captures, 1u);
  EXPECT_EQ(c.counters().replays, 2u);
  EXPECT_EQ(c.counters().eager, 2u);
  EXPECT_EQ(c.graphs(), 1u);
  EXPECT_EQ(alive, 1);
}

TEST(graph_cache, a_failed_capture_is_remembered_and_never_retried) {
  graph_cache<fake_graph> c;
  EXPECT_EQ(c.next(64, 0), graph_step::warm_up);
  EXPECT_EQ(c.next(64, 0), graph_step::capture);
  c.capture_failed(64, "cudaStreamEndCapture: cudaErrorStreamCaptureInvalidated");
  for (int i = 0; i < 5; ++i) EXPECT_EQ(c.next(64, 0), graph_step::eager);
  ASSERT_NE(c.failure(64), nullptr);
  EXPECT_NE(c.failure(64)->find("Invalidated"), std::string::npos);
  EXPECT_EQ(c.failure(16), nullptr);
  EXPECT_EQ(c.counters().failures, 1u);
  EXPECT_EQ(c.counters().captures, 0u);
  EXPECT_EQ(c.counters().eager, 1u + 1u + 5u);  // warm-up, the failed capture's own run, five more
  // Other keys are not affected.
  EXPECT_EQ(c.next(16, 0), graph_step::warm_up);
  EXPECT_EQ(c.next(16, 0), graph_step::capture);
}

TEST(graph_cache, moved_scratch_drops_the_graph_and_captures_again) {
  graph_cache<fake_graph> c;
  int alive = 0;
  c.next(16, 1);
  c.next(16, 1);
  c.captured(16, 1, std::make_unique<fake_graph>(&alive));
  EXPECT_EQ(c.next(16, 1), graph_step::replay);
  EXPECT_EQ(c.next(16, 2), graph_step::capture) << "the graph baked in the old scratch address";
  EXPECT_EQ(alive, 0) << "the stale graph is destroyed, never launched";
  EXPECT_EQ(c.graph(16), nullptr);
  c.captured(16, 2, std::make_unique<fake_graph>(&alive));
  EXPECT_EQ(c.next(16, 2), graph_step::replay);
  EXPECT_EQ(c.counters().captures, 2u);
}

TEST(graph_cache, a_full_cache_asks_to_be_cleared_before_a_new_key) {
  graph_cache<fake_graph> c(2);
  int alive = 0;
  for (uint64_t k : {1u, 2u}) {
    EXPECT_FALSE(c.needs_clear(k));
    c.next(k, 0);
    c.next(k, 0);
    c.captured(k, 0, std::make_unique<fake_graph>(&alive));
  }
  EXPECT_FALSE(c.needs_clear(1)) << "a known key never needs room";
  EXPECT_TRUE(c.needs_clear(3));
  c.clear();
  EXPECT_EQ(alive, 0);
  EXPECT_FALSE(c.needs_clear(3));
  EXPECT_EQ(c.next(3, 0), graph_step::warm_up);
}

TEST(graph_cache, destroying_the_cache_destroys_its_graphs) {
  int alive = 0;
  {
    graph_cache<fake_graph> c;
    c.next(1, 0);
    c.next(1, 0);
    c.captured(1, 0, std::make_unique<fake_graph>(&alive));
    EXPECT_EQ(alive, 1);
  }
  EXPECT_EQ(alive, 0);
}

}  // namespace
}  // namespace winnow::kernels::cuda
