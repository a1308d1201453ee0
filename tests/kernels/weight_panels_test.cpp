// The packed int8 weight layout (kernels/weight_layout.hpp) and the CPU
// kernel that reads it: packing places every weight exactly once with zero
// padding, and the packed matmul equals the reference on the plain layout to
// the last bit (exact int32 sums, the same float epilogue) on shapes that hit
// every tile remainder: rows not a multiple of 6, channels not a multiple of
// 16, K not a multiple of 32, several threads, -128 activations.
#include <cstdint>
#include <cstring>
#include <random>
#include <set>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/weight_layout.hpp"
#include "tests/kernels/gemm_test_parts.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::kernels {
namespace {

TEST(weight_panels, packing_places_every_weight_once_and_pads_with_zeros) {
  for (int64_t n : {1, 15, 16, 17, 40}) {
    for (int64_t k : {4, 8, 36}) {
      std::vector<int8_t> rows(static_cast<size_t>(n * k));
      for (size_t i = 0; i < rows.size(); ++i) rows[i] = static_cast<int8_t>(1 + i % 120);
      std::vector<int8_t> packed(static_cast<size_t>(panels_bytes(n, k)), 77);
      pack_s8_panels(rows.data(), n, k, k, packed.data());
      std::set<int64_t> offsets;
      for (int64_t r = 0; r < n; ++r) {
        for (int64_t c = 0; c < k; ++c) {
          const int64_t off = panels_offset(r, c, k);
          ASSERT_LT(off, panels_bytes(n, k));
          EXPECT_TRUE(offsets.insert(off).second) << "n=" << r << " k=" << c << " collides";
          EXPECT_EQ(packed[off], rows[r * k + c]);
        }
      }
      for (int64_t off = 0; off < panels_bytes(n, k); ++off) {
        if (!offsets.count(off)) EXPECT_EQ(packed[off], 0) << "padding byte " << off << " (n=" << n << ")";
      }
    }
  }
}

struct gemm_case : testing::gemm_scales {
  std::vector<int8_t> a, b, b_packed;
};

gemm_case random_case(int64_t m, int64_t n, int64_t k, int a_lo, std::mt19937_64& rng) {
  std::uniform_int_distribution<int> a_dist(a_lo, 127), b_dist(-127, 127);
  gemm_case g;
  g.a.resize(m * k);
  g.b.resize(n * k);
  for (auto& x : g.a) x = static_cast<int8_t>(a_dist(rng));
  for (auto& x : g.b) x = static_cast<int8_t>(b_dist(rng));
  g.randomize(m, n, rng);
  g.b_packed = testing::packed_panels(g.b, n, k);
  return g;
}

std::vector<float> run_gemm(backend& be, gemm_case& g, int64_t m, int64_t n, int64_t k, weight_layout layout,
                            bool with_bias) {
  std::vector<float> out(static_cast<size_t>(m * n), -1.f);
  void* b = layout == weight_layout::rows ? static_cast<void*>(g.b.data()) : g.b_packed.data();
  const gemm_s8s8_f32_op op{tensor::make(g.a.data(), dtype::s8, m, k), tensor::make(g.as.data(), dtype::f32, m, 1),
                            tensor::make(b, dtype::s8, n, k), tensor::make(g.bs.data(), dtype::f32, n, 1),
                            with_bias ? tensor::make(g.bias.data(), dtype::f32, 1, n) : tensor{},
                            tensor::make(out.data(), dtype::f32, m, n), layout};
  EXPECT_OK(be.run(op));
  return out;
}

TEST(weight_panels, packed_gemm_equals_reference_bitwise_on_every_remainder) {
  auto rng = testing::seeded_rng(21);
  auto ref = make_cpu_backend({1, true});
  auto fast1 = make_cpu_backend({1, false});
  auto fast2 = make_cpu_backend({2, false});
  struct shape { int64_t m, n, k; };
  for (const shape s : {shape{1, 16, 4}, shape{5, 17, 36}, shape{6, 1, 8}, shape{13, 40, 384},
                        shape{49, 68, 96}, shape{97, 1152, 384}, shape{7, 384, 1536}}) {
    for (const bool bias : {true, false}) {
      gemm_case g = random_case(s.m, s.n, s.k, -127, rng);
      const auto want = run_gemm(*ref, g, s.m, s.n, s.k, weight_layout::rows, bias);
      const auto ref_packed = run_gemm(*ref, g, s.m, s.n, s.k, weight_layout::panels16x4, bias);
      const auto one = run_gemm(*fast1, g, s.m, s.n, s.k, weight_layout::panels16x4, bias);
      const auto two = run_gemm(*fast2, g, s.m, s.n, s.k, weight_layout::panels16x4, bias);
      const std::string where = "m=" + std::to_string(s.m) + " n=" + std::to_string(s.n) +
                                " k=" + std::to_string(s.k) + (bias ? " bias" : "");
      EXPECT_EQ(0, std::memcmp(want.data(), ref_packed.data(), want.size() * 4)) << "reference, " << where;
      EXPECT_EQ(0, std::memcmp(want.data(), one.data(), want.size() * 4)) << "1 thread, " << where;
      EXPECT_EQ(0, std::memcmp(want.data(), two.data(), want.size() * 4)) << "2 threads, " << where;
    }
  }
}

// -128 activations cannot take the sign trick; the packed path must still be
// exact (it falls back to the portable loop).
TEST(weight_panels, minus_128_activations_stay_exact) {
  auto rng = testing::seeded_rng(22);
  auto ref = make_cpu_backend({1, true});
  auto fast = make_cpu_backend({1, false});
  gemm_case g = random_case(9, 20, 64, -128, rng);
  g.a[3] = -128;
  const auto want = run_gemm(*ref, g, 9, 20, 64, weight_layout::rows, true);
  const auto got = run_gemm(*fast, g, 9, 20, 64, weight_layout::panels16x4, true);
  EXPECT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * 4));
}

TEST(weight_panels, packed_layout_needs_k_multiple_of_4) {
  auto be = make_cpu_backend({1, false});
  std::vector<int8_t> a(6), b(64);
  std::vector<float> as(1), bs(16), out(16);
  const gemm_s8s8_f32_op op{tensor::make(a.data(), dtype::s8, 1, 6), tensor::make(as.data(), dtype::f32, 1, 1),
                            tensor::make(b.data(), dtype::s8, 16, 6), tensor::make(bs.data(), dtype::f32, 16, 1),
                            tensor{}, tensor::make(out.data(), dtype::f32, 1, 16), weight_layout::panels16x4};
  EXPECT_FALSE(be->supports(op));
  const status s = be->run(op);
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("panels16x4 needs K % 4 == 0"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace winnow::kernels
