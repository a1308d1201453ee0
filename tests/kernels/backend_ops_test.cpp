// Every op case (tests/kernels/op_cases.hpp) on every backend, compared with
// the CPU backend in reference mode (style.md §6.2). Tests are registered at
// start-up as <suite>.<op>/<vars>, e.g.
//   backend_ops_cuda.gemm_s8s8_f32/M=16,N=1536,K=384,unit_scales
// Suites: backend_ops_cpu (the CPU fast kernels), backend_ops_cuda (default
// int8 path), backend_ops_cuda_own / backend_ops_cuda_cublaslt (each int8
// path forced). Without a CUDA device the CUDA suites skip with the reason;
// they never pass without running.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "kernels/cpu/cpu_backend.hpp"
#include "tests/kernels/faulty_backend_for_tests.hpp"
#include "tests/kernels/op_cases.hpp"
#include "tests/support/test_support.hpp"
#if defined(WINNOW_HAVE_CUDA)
#include "kernels/cuda/cuda_backend.hpp"
#endif

namespace winnow::kernels::testing {
namespace {

constexpr uint64_t case_seed = 20261129;

// A backend under test, made once per process. `skip` non-empty: why it
// cannot run here.
struct backend_slot {
  std::unique_ptr<backend> be;
  std::string skip;
};

using backend_maker = std::function<backend_slot()>;

backend& oracle() {
  static std::unique_ptr<backend> ref = make_cpu_backend(cpu_backend_options{1, true});
  return *ref;
}

// One backend per suite, made on first use. Not a function-static map: its
// CUDA backends would be destroyed at exit, after the CUDA runtime has shut
// down (their cudaFree/cudaStreamDestroy then fail or crash). A gtest
// environment releases them when the tests end, while the runtime is up.
std::map<std::string, backend_slot>& slots() {
  static auto* s = new std::map<std::string, backend_slot>();  // emptied by slot_release, never destroyed
  return *s;
}

struct slot_release : ::testing::Environment {
  void TearDown() override { slots().clear(); }
};
::testing::Environment* const slot_release_env = ::testing::AddGlobalTestEnvironment(new slot_release);

backend_slot& slot_for(const std::string& suite, const backend_maker& make) {
  auto it = slots().find(suite);
  if (it == slots().end()) it = slots().emplace(suite, make()).first;
  return it->second;
}

class backend_ops_case : public ::testing::Test {
 public:
  backend_ops_case(std::string suite, backend_maker make, const op_case* c)
      : suite_(std::move(suite)), make_(std::move(make)), case_(c) {}

  void TestBody() override {
    backend_slot& slot = slot_for(suite_, make_);
    if (!slot.be) GTEST_SKIP() << slot.skip;
    auto rng = winnow::testing::seeded_rng(case_seed);
    const op_graph g = case_->build(rng);
    auto want = run_case(oracle(), g);
    ASSERT_OK(want) << " (the CPU reference failed)";
    auto got = run_case(*slot.be, g);
    if (!got.ok() && got.get_status().code() == status_code::unsupported)
      GTEST_SKIP() << "not supported: " << got.get_status().message();
    ASSERT_OK(got);
    EXPECT_OK(compare_outputs(g, *got, *want, case_->max_nmse, case_->exact, case_->max_s8_diff)) << " on " << slot.be->info().name;
  }

 private:
  std::string suite_;
  backend_maker make_;
  const op_case* case_;
};

void register_suite(const std::string& suite, const backend_maker& make) {
  for (const op_case& c : all_op_cases()) {
    const op_case* cp = &c;
    ::testing::RegisterTest(suite.c_str(), c.name().c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [=]() -> ::testing::Test* { return new backend_ops_case(suite, make, cp); });
  }
}

#if defined(WINNOW_HAVE_CUDA)
backend_maker cuda_maker(cuda::gemm_s8_path path) {
  return [path]() {
    backend_slot s;
    if (cuda::cuda_device_count() == 0) {
      s.skip = "no CUDA device on this machine: the CUDA backend is compiled in but was NOT run "
               "(tests/gpu/device-check.sh runs it on a GPU)";
      return s;
    }
    cuda::cuda_backend_options options;
    options.gemm_s8 = path;
    auto b = cuda::make_cuda_backend(0, options);
    if (!b.ok()) {
      // A device that exists but cannot start is a failure, not a skip.
      ADD_FAILURE() << "cuda:0 exists but failed to start: " << b.get_status().to_string();
      s.skip = "cuda:0 failed to start";
      return s;
    }
    s.be = std::move(b).value();
    return s;
  };
}
#endif

const bool registered = [] {
  register_suite("backend_ops_cpu", [] { return backend_slot{make_cpu_backend(cpu_backend_options{2, false}), ""}; });
#if defined(WINNOW_HAVE_CUDA)
  register_suite("backend_ops_cuda", cuda_maker(cuda::gemm_s8_path::automatic));
  register_suite("backend_ops_cuda_own", cuda_maker(cuda::gemm_s8_path::own));
  register_suite("backend_ops_cuda_cublaslt", cuda_maker(cuda::gemm_s8_path::cublaslt));
#endif
  return true;
}();

#if !defined(WINNOW_HAVE_CUDA)
TEST(backend_ops_cuda, compiled_out) {
  GTEST_SKIP() << "this build has no CUDA backend (WINNOW_CUDA=OFF or no nvcc): CUDA ops were NOT tested";
}
#endif

// The framework itself: a reference run must agree with itself, and the
// guard check must catch a write past the end.
TEST(backend_ops_framework, oracle_agrees_with_itself) {
  auto rng = winnow::testing::seeded_rng(case_seed);
  const op_graph g = all_op_cases().front().build(rng);
  auto a = run_case(oracle(), g);
  auto b = run_case(oracle(), g);
  ASSERT_OK(a);
  ASSERT_OK(b);
  EXPECT_OK(compare_outputs(g, *a, *b, 0.0, true));
}

TEST(backend_ops_framework, comparison_detects_a_changed_element) {
  auto rng = winnow::testing::seeded_rng(case_seed);
  const op_case* gemm = nullptr;
  for (const auto& c : all_op_cases())
    if (c.op == "gelu") gemm = &c;
  ASSERT_NE(gemm, nullptr);
  const op_graph g = gemm->build(rng);
  auto a = run_case(oracle(), g);
  ASSERT_OK(a);
  case_outputs changed = *a;
  changed.outputs[0][5] ^= 0x40;
  const status s = compare_outputs(g, changed, *a, 1e-8, false);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("NMSE"), std::string::npos) << s.message();
}

TEST(backend_ops_framework, guard_bytes_catch_a_write_past_the_output) {
  device_info info;
  info.name = "scribbler";
  faulty_backend_for_tests scribbler(info, fault_plan{-1, true});
  auto rng = winnow::testing::seeded_rng(case_seed);
  const op_graph g = all_op_cases().front().build(rng);
  auto r = run_case(scribbler, g);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.get_status().code(), status_code::corruption);
  EXPECT_NE(r.get_status().message().find("guard byte 0"), std::string::npos) << r.get_status().message();
}

TEST(backend_ops_framework, nmse_is_zero_for_equal_and_infinite_for_nan) {
  const float a[3] = {1.f, 2.f, 3.f};
  const float n[3] = {1.f, NAN, 3.f};
  EXPECT_EQ(nmse(a, a, 3), 0.0);
  EXPECT_TRUE(std::isinf(nmse(n, a, 3)));
}

}  // namespace
}  // namespace winnow::kernels::testing
