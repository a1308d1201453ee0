// The per-element / per-row arithmetic the CUDA kernels run
// (kernels/hd_math.hpp), checked on the CPU on every CI run, GPU or not.
#include "kernels/hd_math.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "tests/support/test_support.hpp"

namespace winnow::kernels::hd {
namespace {

TEST(hd_math, quantize_maps_the_row_extremes_to_plus_minus_127) {
  const float inv = s8_inv_scale_from_absmax(2.0f);
  EXPECT_EQ(quantize_s8(2.0f, inv), 127);
  EXPECT_EQ(quantize_s8(-2.0f, inv), -127);
  EXPECT_EQ(quantize_s8(0.0f, inv), 0);
  EXPECT_FLOAT_EQ(s8_scale_from_absmax(2.0f), 2.0f / 127.0f);
}

TEST(hd_math, quantize_rounds_half_to_even_and_zero_row_is_zero) {
  // absmax 127 -> multiplier 1: ties are exact.
  const float inv = s8_inv_scale_from_absmax(127.0f);
  EXPECT_EQ(quantize_s8(2.5f, inv), 2);
  EXPECT_EQ(quantize_s8(3.5f, inv), 4);
  EXPECT_EQ(quantize_s8(-2.5f, inv), -2);
  EXPECT_EQ(s8_inv_scale_from_absmax(0.0f), 0.0f);
  EXPECT_EQ(quantize_s8(5.0f, 0.0f), 0);
}

TEST(hd_math, quantize_clamps_to_127) {
  EXPECT_EQ(quantize_s8(1e30f, 1.0f), 127);
  EXPECT_EQ(quantize_s8(-1e30f, 1.0f), -127);
}

TEST(hd_math, quantize_dequantize_error_is_at_most_half_a_step) {
  auto rng = winnow::testing::seeded_rng(7);
  std::normal_distribution<float> d(0.f, 3.f);
  std::vector<float> row(384);
  float absmax = 0.f;
  for (auto& x : row) {
    x = d(rng);
    absmax = std::fmax(absmax, std::fabs(x));
  }
  const float inv = s8_inv_scale_from_absmax(absmax), scale = s8_scale_from_absmax(absmax);
  for (float x : row) EXPECT_LE(std::fabs(quantize_s8(x, inv) * scale - x), 0.5f * scale * 1.0001f) << x;
}

TEST(hd_math, dot4_matches_a_scalar_dot_product_over_all_sign_patterns) {
  auto rng = winnow::testing::seeded_rng(11);
  std::uniform_int_distribution<int> d(-128, 127);
  for (int trial = 0; trial < 1000; ++trial) {
    int8_t a[4], b[4];
    int32_t want = 5;
    for (int i = 0; i < 4; ++i) {
      a[i] = static_cast<int8_t>(d(rng));
      b[i] = static_cast<int8_t>(d(rng));
      want += a[i] * b[i];
    }
    int32_t pa, pb;
    std::memcpy(&pa, a, 4);
    std::memcpy(&pb, b, 4);
    ASSERT_EQ(dot4_s8(pa, pb, 5), want);
  }
}

TEST(hd_math, dequant_applies_both_scales_and_bias) {
  EXPECT_FLOAT_EQ(dequant_s32(1000, 0.5f, 0.25f, 1.0f), 126.0f);
  EXPECT_FLOAT_EQ(dequant_s32(-7, 1.0f, 1.0f, 0.0f), -7.0f);
}

TEST(hd_math, gelu_matches_the_erf_definition) {
  for (float x : {-6.f, -2.f, -0.5f, 0.f, 0.3f, 1.f, 4.f}) {
    const double want = 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0)));
    EXPECT_NEAR(gelu_erf(x), want, 1e-6) << x;
  }
}

TEST(hd_math, welford_merge_equals_two_pass_statistics_in_any_split) {
  auto rng = winnow::testing::seeded_rng(13);
  std::normal_distribution<float> d(5.f, 2.f);
  std::vector<float> v(384);
  for (auto& x : v) x = d(rng);
  double mean = 0;
  for (float x : v) mean += x;
  mean /= v.size();
  double var = 0;
  for (float x : v) var += (x - mean) * (x - mean);
  var /= v.size();
  // 32 lanes, each with a strided share, merged as a butterfly would.
  std::vector<welford> lanes(32);
  for (size_t i = 0; i < v.size(); ++i) lanes[i % 32] = welford_add(lanes[i % 32], v[i]);
  for (int o = 16; o > 0; o >>= 1) {
    std::vector<welford> next(32);
    for (int l = 0; l < 32; ++l) next[l] = welford_merge(lanes[l], lanes[l ^ o]);
    lanes = next;
  }
  EXPECT_NEAR(lanes[0].mean, mean, 1e-4);
  EXPECT_NEAR(lanes[0].m2 / lanes[0].count, var, 1e-3);
  EXPECT_NEAR(layernorm_rstd(lanes[0], 1e-12f), 1.0 / std::sqrt(var), 1e-4);
  EXPECT_FLOAT_EQ(layernorm_apply(3.f, 1.f, 0.5f, 2.f, 1.f), 3.f);
}

TEST(hd_math, welford_merge_with_empty_is_identity) {
  welford a = welford_add(welford_add(welford{}, 1.f), 3.f);
  const welford r1 = welford_merge(a, welford{}), r2 = welford_merge(welford{}, a);
  EXPECT_EQ(r1.mean, 2.f);
  EXPECT_EQ(r2.m2, a.m2);
}

// The chunked online softmax of the fused attention kernel gives the plain
// softmax-weighted sum for any chunk size, masking included.
TEST(hd_math, online_softmax_in_chunks_equals_plain_softmax) {
  auto rng = winnow::testing::seeded_rng(17);
  std::normal_distribution<float> d(0.f, 4.f);
  const int n = 77, valid = 70;
  std::vector<float> s(n), v(n);
  for (int i = 0; i < n; ++i) {
    s[i] = d(rng);
    v[i] = d(rng);
  }
  double mx = -1e30, sum = 0, want = 0;
  for (int i = 0; i < valid; ++i) mx = std::max<double>(mx, s[i]);
  for (int i = 0; i < valid; ++i) sum += std::exp(s[i] - mx);
  for (int i = 0; i < valid; ++i) want += std::exp(s[i] - mx) / sum * v[i];
  for (int chunk : {1, 7, 32, 100}) {
    softmax_state st;
    float acc = 0.f;
    for (int c0 = 0; c0 < valid; c0 += chunk) {
      float cmax = -INFINITY;
      for (int i = c0; i < std::min(valid, c0 + chunk); ++i) cmax = std::fmax(cmax, s[i]);
      acc *= softmax_raise_max(st, cmax);
      for (int i = c0; i < std::min(valid, c0 + chunk); ++i) {
        const float w = softmax_weight(st, s[i]);
        st.sum += w;
        acc += w * v[i];
      }
    }
    EXPECT_NEAR(acc * softmax_inv_sum(st), want, 1e-4) << "chunk " << chunk;
  }
}

TEST(hd_math, softmax_of_nothing_is_zero_not_nan) {
  softmax_state st;
  EXPECT_EQ(softmax_inv_sum(st), 0.f);
}

TEST(hd_math, l2_inv_norm_keeps_zero_vectors_zero) {
  EXPECT_FLOAT_EQ(l2_inv_norm(4.f), 0.5f);
  EXPECT_EQ(l2_inv_norm(0.f), 0.f);
  EXPECT_EQ(div_up(10, 4), 3);
  EXPECT_EQ(div_up(8, 4), 2);
}

}  // namespace
}  // namespace winnow::kernels::hd
