// CPU-backend specifics that the cross-backend op cases do not cover:
// operand validation messages, -128 operands (the AVX2 int8 kernel's sign
// trick cannot take them, so they must fall back and stay exact), buffer
// bounds, and fast-vs-reference agreement of the int8 gemm on odd shapes.
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "tests/kernels/gemm_test_parts.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::kernels {
namespace {

struct gemm_data : testing::gemm_scales {
  std::vector<int8_t> a, b;
  std::vector<float> out;
};

gemm_data random_gemm(int64_t m, int64_t n, int64_t k, std::mt19937_64& rng, int lo) {
  std::uniform_int_distribution<int> d(lo, 127);
  gemm_data g;
  g.a.resize(m * k);
  g.b.resize(n * k);
  for (auto& x : g.a) x = static_cast<int8_t>(d(rng));
  for (auto& x : g.b) x = static_cast<int8_t>(d(rng));
  g.randomize(m, n, rng);
  g.out.assign(m * n, 0.f);
  return g;
}

gemm_s8s8_f32_op make_op(gemm_data& g, int64_t m, int64_t n, int64_t k) {
  return gemm_s8s8_f32_op{tensor::make(g.a.data(), dtype::s8, m, k), tensor::make(g.as.data(), dtype::f32, m, 1),
                          tensor::make(g.b.data(), dtype::s8, n, k), tensor::make(g.bs.data(), dtype::f32, n, 1),
                          tensor::make(g.bias.data(), dtype::f32, 1, n), tensor::make(g.out.data(), dtype::f32, m, n)};
}

// Exact int32 sums make fast and reference agree to the last bit (both apply
// the same float epilogue), for full-range operands including -128.
TEST(CpuBackend, Int8GemmFastEqualsReferenceIncludingMinus128) {
  auto rng = testing::seeded_rng(11);
  auto fast = make_cpu_backend({2, false});
  auto ref = make_cpu_backend({1, true});
  struct shape { int64_t m, n, k; int lo; };
  for (const shape s : {shape{9, 68, 384, -127}, shape{9, 68, 384, -128}, shape{1, 1152, 384, -127},
                        shape{33, 130, 96, -127}, shape{5, 7, 40, -127}}) {
    gemm_data g = random_gemm(s.m, s.n, s.k, rng, s.lo);
    gemm_data h = g;
    ASSERT_OK(fast->run(make_op(g, s.m, s.n, s.k)));
    ASSERT_OK(ref->run(make_op(h, s.m, s.n, s.k)));
    ASSERT_EQ(0, std::memcmp(g.out.data(), h.out.data(), g.out.size() * sizeof(float)))
        << "m=" << s.m << " n=" << s.n << " k=" << s.k << " lo=" << s.lo;
  }
}

TEST(CpuBackend, QuantizeFastEqualsReference) {
  auto rng = testing::seeded_rng(12);
  std::normal_distribution<float> d(0.f, 3.f);
  const int64_t m = 17, k = 389;
  std::vector<float> in(m * k);
  for (auto& x : in) x = d(rng);
  std::fill(in.begin() + 3 * k, in.begin() + 4 * k, 0.f);  // an all-zero row
  std::vector<int8_t> q1(m * k), q2(m * k);
  std::vector<float> s1(m), s2(m);
  auto fast = make_cpu_backend({1, false});
  auto ref = make_cpu_backend({1, true});
  const tensor t_in = tensor::make(in.data(), dtype::f32, m, k);
  ASSERT_OK(fast->run(quantize_rows_f32_s8_op{t_in, tensor::make(q1.data(), dtype::s8, m, k),
                                               tensor::make(s1.data(), dtype::f32, m, 1)}));
  ASSERT_OK(ref->run(quantize_rows_f32_s8_op{t_in, tensor::make(q2.data(), dtype::s8, m, k),
                                              tensor::make(s2.data(), dtype::f32, m, 1)}));
  EXPECT_EQ(q1, q2);
  EXPECT_EQ(s1, s2);
  EXPECT_EQ(s1[3], 0.f);
  for (int8_t v : q1) EXPECT_GE(v, -127);
}

TEST(CpuBackend, BadOperandsNameOpAndOperand) {
  auto be = make_cpu_backend({1, false});
  std::vector<float> x(12), out(12), gamma(4), beta(3);
  add_residual_layernorm_op ln{tensor::make(x.data(), dtype::f32, 3, 4), {}, tensor::make(gamma.data(), dtype::f32, 1, 4),
                               tensor::make(beta.data(), dtype::f32, 1, 3), 1e-12f,
                               tensor::make(out.data(), dtype::f32, 3, 4)};
  status s = be->run(ln);
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("add_residual_layernorm: operand 'beta'"), std::string::npos) << s.to_string();
  EXPECT_FALSE(be->supports(ln));

  std::vector<int32_t> ids = {0, 5, 99};
  std::vector<int32_t> types(3, 0);
  std::vector<float> table(5 * 4), pos(8 * 4), type_table(2 * 4), emb(12);
  embed_op e;
  e.ids = tensor::make(ids.data(), dtype::s32, 3, 1);
  e.type_ids = tensor::make(types.data(), dtype::s32, 3, 1);
  e.word_table = tensor::make(table.data(), dtype::f32, 5, 4);
  e.position_table = tensor::make(pos.data(), dtype::f32, 8, 4);
  e.type_table = tensor::make(type_table.data(), dtype::f32, 2, 4);
  e.gamma = tensor::make(gamma.data(), dtype::f32, 1, 4);
  e.beta = tensor::make(gamma.data(), dtype::f32, 1, 4);
  e.batch = 1;
  e.seq_len = 3;
  e.out = tensor::make(emb.data(), dtype::f32, 3, 4);
  s = be->run(e);
  EXPECT_NE(s.message().find("ids[1] = 5 is outside [0, 5)"), std::string::npos) << s.to_string();
}

TEST(CpuBackend, UploadPastTheBufferIsAnError) {
  auto be = make_cpu_backend({1, false});
  auto b = be->alloc(16);
  ASSERT_OK(b);
  buffer_ptr owned(be.get(), *b);
  char src[32] = {};
  EXPECT_OK(be->upload(*b, 8, src, 8));
  EXPECT_TRUE(be->upload(*b, 9, src, 8).is_invalid_argument());
  EXPECT_TRUE(be->download(src, *b, 0, 17).is_invalid_argument());
  EXPECT_NE(be->info().name.find("cpu"), std::string::npos);
}

}  // namespace
}  // namespace winnow::kernels
