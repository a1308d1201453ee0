// The 7-bit asymmetric (u8) activation path of the CPU backend:
// quantize_rows_f32_s8 with a u8 `out` (fast == reference bitwise; the values
// and zero points stay in [0, 127]; dequantized rows are within a step;
// col_scales quantizes the scaled row)
// and gemm_s8s8_f32 with a u8 `a` (the fast kernels, packed or not, 1 or 2
// threads, equal the reference to the last bit on every tile remainder; the
// reference itself equals the s8 reference on the same centred values; 7-bit
// packed weights (panels16x4_w7) take the int16-pair kernel, also exact;
// values above 127 fall back and stay exact; missing operands are errors).
#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/weight_layout.hpp"
#include "tests/kernels/gemm_test_parts.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::kernels {
namespace {

struct quantized {
  std::vector<uint8_t> q;
  std::vector<float> scales;
  std::vector<int32_t> zps;
};

quantized quantize_u8(backend& be, std::vector<float>& in, int64_t m, int64_t k) {
  quantized r;
  r.q.assign(static_cast<size_t>(m * k), 255);
  r.scales.assign(static_cast<size_t>(m), -1.f);
  r.zps.assign(static_cast<size_t>(m), -1);
  EXPECT_OK(be.run(quantize_rows_f32_s8_op{tensor::make(in.data(), dtype::f32, m, k),
                                           tensor::make(r.q.data(), dtype::u8, m, k),
                                           tensor::make(r.scales.data(), dtype::f32, m, 1),
                                           tensor::make(r.zps.data(), dtype::s32, m, 1)}));
  return r;
}

TEST(U8Activations, QuantizeFastEqualsReferenceAndStaysWithinAStep) {
  auto rng = testing::seeded_rng(31);
  const int64_t m = 9, k = 389;  // k not a multiple of 32: the vector loop's tail
  std::normal_distribution<float> d(0.3f, 2.f);
  std::vector<float> in(static_cast<size_t>(m * k));
  for (auto& x : in) x = d(rng);
  std::fill(in.begin() + 2 * k, in.begin() + 3 * k, 0.f);                   // all zero
  for (int64_t i = 0; i < k; ++i) in[3 * k + i] = std::fabs(in[3 * k + i]);   // all >= 0
  for (int64_t i = 0; i < k; ++i) in[4 * k + i] = -std::fabs(in[4 * k + i]);  // all <= 0
  for (int64_t i = 0; i < k; ++i) in[5 * k + i] = std::fabs(in[5 * k + i]) * 0.17f - 0.17f;  // GELU-like
  auto ref = make_cpu_backend({1, true});
  auto fast = make_cpu_backend({2, false});
  const quantized want = quantize_u8(*ref, in, m, k);
  const quantized got = quantize_u8(*fast, in, m, k);
  EXPECT_EQ(want.q, got.q);
  EXPECT_EQ(want.scales, got.scales);
  EXPECT_EQ(want.zps, got.zps);

  EXPECT_EQ(want.scales[2], 0.f);
  EXPECT_EQ(want.zps[2], 0);
  EXPECT_EQ(want.zps[3], 0) << "a row without negatives needs no offset";
  EXPECT_EQ(want.zps[4], 127) << "a row without positives sits at the top";
  for (int64_t r = 0; r < m; ++r) {
    EXPECT_GE(want.zps[r], 0);
    EXPECT_LE(want.zps[r], 127);
    for (int64_t c = 0; c < k; ++c) {
      const uint8_t q = want.q[r * k + c];
      ASSERT_LE(q, 127) << "row " << r << " col " << c;
      const float back = (static_cast<float>(q) - static_cast<float>(want.zps[r])) * want.scales[r];
      // Half a step, plus the zero point's own rounding (another half step).
      EXPECT_LE(std::fabs(back - in[r * k + c]), want.scales[r] * 1.0001f + 1e-7f)
          << "row " << r << " col " << c;
    }
  }
}

// col_scales quantizes in * col_scales: the same as quantizing the product,
// in both forms and both variants.
TEST(U8Activations, ColumnScalesQuantizeTheScaledRow) {
  auto rng = testing::seeded_rng(36);
  const int64_t m = 6, k = 77;
  std::normal_distribution<float> d(0.f, 1.f);
  std::uniform_real_distribution<float> c(0.05f, 4.f);
  std::vector<float> in(static_cast<size_t>(m * k)), cols(static_cast<size_t>(k)), product(in.size());
  for (auto& x : in) x = d(rng);
  for (auto& x : cols) x = c(rng);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t i = 0; i < k; ++i) product[r * k + i] = in[r * k + i] * cols[i];
  for (const bool ref_mode : {true, false}) {
    auto be = make_cpu_backend({1, ref_mode});
    const quantized want = quantize_u8(*be, product, m, k);
    quantized got;
    got.q.assign(want.q.size(), 255);
    got.scales.assign(m, -1.f);
    got.zps.assign(m, -1);
    ASSERT_OK(be->run(quantize_rows_f32_s8_op{tensor::make(in.data(), dtype::f32, m, k),
                                              tensor::make(got.q.data(), dtype::u8, m, k),
                                              tensor::make(got.scales.data(), dtype::f32, m, 1),
                                              tensor::make(got.zps.data(), dtype::s32, m, 1),
                                              tensor::make(cols.data(), dtype::f32, 1, k)}));
    EXPECT_EQ(want.q, got.q) << (ref_mode ? "reference" : "fast");
    EXPECT_EQ(want.scales, got.scales);
    EXPECT_EQ(want.zps, got.zps);

    std::vector<int8_t> s_want(in.size()), s_got(in.size());
    std::vector<float> sc_want(m), sc_got(m);
    ASSERT_OK(be->run(quantize_rows_f32_s8_op{tensor::make(product.data(), dtype::f32, m, k),
                                              tensor::make(s_want.data(), dtype::s8, m, k),
                                              tensor::make(sc_want.data(), dtype::f32, m, 1)}));
    ASSERT_OK(be->run(quantize_rows_f32_s8_op{tensor::make(in.data(), dtype::f32, m, k),
                                              tensor::make(s_got.data(), dtype::s8, m, k),
                                              tensor::make(sc_got.data(), dtype::f32, m, 1), tensor{},
                                              tensor::make(cols.data(), dtype::f32, 1, k)}));
    EXPECT_EQ(s_want, s_got);
    EXPECT_EQ(sc_want, sc_got);
  }
}

struct u8_case : testing::gemm_scales {
  std::vector<uint8_t> a;
  std::vector<int32_t> zp;
  std::vector<int8_t> b, b_packed;
  std::vector<int32_t> b_sums;
};

// Weights span s8 or, with `w7`, [-63, 63] (what panels16x4_w7 promises).
u8_case random_case(int64_t m, int64_t n, int64_t k, int a_hi, std::mt19937_64& rng, bool w7 = false) {
  std::uniform_int_distribution<int> a_dist(0, a_hi), zp_dist(0, a_hi), b_dist(w7 ? -63 : -128, w7 ? 63 : 127);
  u8_case g;
  g.a.resize(static_cast<size_t>(m * k));
  g.zp.resize(static_cast<size_t>(m));
  g.b.resize(static_cast<size_t>(n * k));
  for (auto& x : g.a) x = static_cast<uint8_t>(a_dist(rng));
  for (auto& x : g.zp) x = zp_dist(rng);
  for (auto& x : g.b) x = static_cast<int8_t>(b_dist(rng));
  g.b_sums.assign(static_cast<size_t>(n), 0);
  for (int64_t r = 0; r < n; ++r)
    for (int64_t c = 0; c < k; ++c) g.b_sums[r] += g.b[r * k + c];
  g.randomize(m, n, rng);
  g.b_packed = testing::packed_panels(g.b, n, k);
  return g;
}

gemm_s8s8_f32_op u8_op(u8_case& g, std::vector<float>& out, int64_t m, int64_t n, int64_t k, weight_layout layout,
                       bool with_bias) {
  void* b = is_panels(layout) ? static_cast<void*>(g.b_packed.data()) : g.b.data();
  gemm_s8s8_f32_op op{tensor::make(g.a.data(), dtype::u8, m, k), tensor::make(g.as.data(), dtype::f32, m, 1),
                      tensor::make(b, dtype::s8, n, k), tensor::make(g.bs.data(), dtype::f32, n, 1),
                      with_bias ? tensor::make(g.bias.data(), dtype::f32, 1, n) : tensor{},
                      tensor::make(out.data(), dtype::f32, m, n), layout};
  op.a_zero_points = tensor::make(g.zp.data(), dtype::s32, m, 1);
  op.b_sums = tensor::make(g.b_sums.data(), dtype::s32, 1, n);
  return op;
}

std::vector<float> run_u8(backend& be, u8_case& g, int64_t m, int64_t n, int64_t k, weight_layout layout,
                          bool with_bias) {
  std::vector<float> out(static_cast<size_t>(m * n), -1.f);
  EXPECT_OK(be.run(u8_op(g, out, m, n, k, layout, with_bias)));
  return out;
}

struct shape {
  int64_t m, n, k;
};

// Rows 1..7 and 13/49/97 hit every remainder of the 5- and 4-row tiles and
// the 40-row blocks; n = 1, 17, 40, 68 the padded last panel; k = 4, 12, 36
// hold an odd number of 4-k groups (the 7-bit kernel takes them in pairs).
const shape kShapes[] = {{1, 16, 4},   {2, 17, 36},    {3, 1, 8},      {4, 40, 96},      {5, 33, 12},
                         {6, 33, 12},
                         {7, 384, 1536}, {13, 40, 384}, {49, 68, 96}, {97, 1152, 384}};

TEST(U8Activations, GemmFastEqualsReferenceBitwiseOnEveryRemainder) {
  auto rng = testing::seeded_rng(32);
  auto ref = make_cpu_backend({1, true});
  auto fast1 = make_cpu_backend({1, false});
  auto fast2 = make_cpu_backend({2, false});
  for (const shape s : kShapes) {
    for (const bool w7 : {false, true}) {
      const weight_layout packed = w7 ? weight_layout::panels16x4_w7 : weight_layout::panels16x4;
      for (const bool bias : {true, false}) {
        u8_case g = random_case(s.m, s.n, s.k, 127, rng, w7);
        const std::string where = "m=" + std::to_string(s.m) + " n=" + std::to_string(s.n) +
                                  " k=" + std::to_string(s.k) + (bias ? " bias" : "");
        const auto want = run_u8(*ref, g, s.m, s.n, s.k, weight_layout::rows, bias);
        const size_t bytes = want.size() * sizeof(float);
        EXPECT_EQ(0, std::memcmp(want.data(), run_u8(*ref, g, s.m, s.n, s.k, packed, bias).data(), bytes))
            << "reference, " << to_string(packed) << ", " << where;
        for (backend* be : {fast1.get(), fast2.get()}) {
          for (const weight_layout l : {packed, weight_layout::rows}) {
            EXPECT_EQ(0, std::memcmp(want.data(), run_u8(*be, g, s.m, s.n, s.k, l, bias).data(), bytes))
                << be->info().name << ", " << to_string(l) << ", " << where;
          }
        }
      }
    }
  }
}

// s8 activations on 7-bit packed weights take the s8 kernel, still exact.
TEST(U8Activations, S8ActivationsOnSevenBitWeightsStayExact) {
  auto rng = testing::seeded_rng(37);
  auto ref = make_cpu_backend({1, true});
  auto fast = make_cpu_backend({2, false});
  const int64_t m = 13, n = 40, k = 36;
  u8_case g = random_case(m, n, k, 127, rng, /*w7=*/true);
  std::vector<int8_t> a(g.a.size());
  std::uniform_int_distribution<int> d(-127, 127);
  for (auto& x : a) x = static_cast<int8_t>(d(rng));
  std::vector<float> want(static_cast<size_t>(m * n)), got(want.size());
  const auto op = [&](void* b, weight_layout l, std::vector<float>& out) {
    return gemm_s8s8_f32_op{tensor::make(a.data(), dtype::s8, m, k), tensor::make(g.as.data(), dtype::f32, m, 1),
                            tensor::make(b, dtype::s8, n, k), tensor::make(g.bs.data(), dtype::f32, n, 1),
                            tensor::make(g.bias.data(), dtype::f32, 1, n), tensor::make(out.data(), dtype::f32, m, n),
                            l};
  };
  ASSERT_OK(ref->run(op(g.b.data(), weight_layout::rows, want)));
  ASSERT_OK(fast->run(op(g.b_packed.data(), weight_layout::panels16x4_w7, got)));
  EXPECT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)));
}

// The u8 reference is the s8 reference on a - zp when that fits in s8: both
// compute the same int32 sums and the same float epilogue.
TEST(U8Activations, ReferenceEqualsS8ReferenceOnCentredValues) {
  auto rng = testing::seeded_rng(33);
  auto ref = make_cpu_backend({1, true});
  const int64_t m = 11, n = 21, k = 52;
  u8_case g = random_case(m, n, k, 127, rng);
  std::vector<int8_t> centred(g.a.size());
  for (int64_t r = 0; r < m; ++r) {
    g.zp[r] = 63;
    for (int64_t c = 0; c < k; ++c) centred[r * k + c] = static_cast<int8_t>(g.a[r * k + c] - 63);
  }
  const auto want = run_u8(*ref, g, m, n, k, weight_layout::rows, true);
  std::vector<float> got(want.size(), -1.f);
  ASSERT_OK(ref->run(gemm_s8s8_f32_op{tensor::make(centred.data(), dtype::s8, m, k),
                                      tensor::make(g.as.data(), dtype::f32, m, 1),
                                      tensor::make(g.b.data(), dtype::s8, n, k),
                                      tensor::make(g.bs.data(), dtype::f32, n, 1),
                                      tensor::make(g.bias.data(), dtype::f32, 1, n),
                                      tensor::make(got.data(), dtype::f32, m, n)}));
  EXPECT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)));
}

// Full-range u8 values (> 127) would saturate vpmaddubsw: the fast path must
// notice and stay exact.
TEST(U8Activations, ValuesAbove127StayExact) {
  auto rng = testing::seeded_rng(34);
  auto ref = make_cpu_backend({1, true});
  auto fast = make_cpu_backend({2, false});
  const int64_t m = 9, n = 20, k = 64;
  u8_case g = random_case(m, n, k, 255, rng);
  g.a[5] = 255;
  const auto want = run_u8(*ref, g, m, n, k, weight_layout::rows, true);
  const auto got = run_u8(*fast, g, m, n, k, weight_layout::panels16x4, true);
  EXPECT_EQ(0, std::memcmp(want.data(), got.data(), want.size() * sizeof(float)));
}

TEST(U8Activations, MissingOrMisplacedOperandsAreNamed) {
  auto rng = testing::seeded_rng(35);
  auto be = make_cpu_backend({1, false});
  const int64_t m = 2, n = 16, k = 8;
  u8_case g = random_case(m, n, k, 127, rng);
  std::vector<float> out(static_cast<size_t>(m * n));

  gemm_s8s8_f32_op op = u8_op(g, out, m, n, k, weight_layout::panels16x4, true);
  op.b_sums = tensor{};
  status s = be->run(op);
  EXPECT_TRUE(s.is_invalid_argument());
  EXPECT_NE(s.message().find("gemm_s8s8_f32: operand 'b_sums' is missing"), std::string::npos) << s.to_string();
  EXPECT_FALSE(be->supports(op));

  op = u8_op(g, out, m, n, k, weight_layout::panels16x4, true);
  op.a_zero_points = tensor{};
  s = be->run(op);
  EXPECT_NE(s.message().find("operand 'a_zero_points' is missing"), std::string::npos) << s.to_string();

  op = u8_op(g, out, m, n, k, weight_layout::panels16x4, true);
  g.zp[1] = 300;
  s = be->run(op);
  EXPECT_NE(s.message().find("a_zero_points[1] = 300 is outside [0, 256)"), std::string::npos) << s.to_string();

  std::vector<float> in(static_cast<size_t>(m * k));
  std::vector<int8_t> q(in.size());
  std::vector<float> scales(m);
  s = be->run(quantize_rows_f32_s8_op{tensor::make(in.data(), dtype::f32, m, k), tensor::make(q.data(), dtype::s8, m, k),
                                      tensor::make(scales.data(), dtype::f32, m, 1),
                                      tensor::make(g.zp.data(), dtype::s32, m, 1)});
  EXPECT_NE(s.message().find("operand 'zero_points' is only for u8"), std::string::npos) << s.to_string();
}

}  // namespace
}  // namespace winnow::kernels
