// kernels/f16.hpp: the host f16 conversions the CPU reference of the f16 ops
// uses must match the GPU's (__float2half_rn, __half2float) bit for bit.
#include "kernels/f16.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace winnow::kernels {
namespace {

uint32_t bits_of(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

TEST(f16, every_f16_value_round_trips) {
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    const auto x = static_cast<uint16_t>(h);
    const float f = f16_to_f32(x);
    if (std::isnan(f)) {
      EXPECT_EQ(x & 0x7c00u, 0x7c00u);
      EXPECT_NE(x & 0x03ffu, 0u);
      continue;
    }
    EXPECT_EQ(f32_to_f16(f), x) << "h=" << h << " f=" << f;
  }
}

TEST(f16, known_values) {
  EXPECT_EQ(f32_to_f16(1.0f), 0x3c00u);
  EXPECT_EQ(f32_to_f16(-2.0f), 0xc000u);
  EXPECT_EQ(f32_to_f16(65504.0f), 0x7bffu);
  EXPECT_EQ(f32_to_f16(65519.0f), 0x7bffu);  // below the half-way point to 65536
  EXPECT_EQ(f32_to_f16(65520.0f), 0x7c00u);  // rounds to inf
  EXPECT_EQ(f32_to_f16(std::numeric_limits<float>::infinity()), 0x7c00u);
  EXPECT_EQ(f32_to_f16(-0.0f), 0x8000u);
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -24)), 0x0001u);  // smallest subnormal
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -26)), 0x0000u);  // a quarter of it
  EXPECT_EQ(f32_to_f16(std::ldexp(3.0f, -26)), 0x0001u);  // three quarters
  EXPECT_EQ(f16_to_f32(0x3555u), 0.333251953125f);
  EXPECT_EQ(bits_of(f16_to_f32(0x8000u)), 0x80000000u);
  EXPECT_TRUE(std::isnan(f16_to_f32(f32_to_f16(std::nanf("")))));
}

TEST(f16, ties_round_to_even) {
  // 1 + 2^-11 is half-way between 1 and 1 + 2^-10: to 1 (even).
  EXPECT_EQ(f32_to_f16(1.0f + std::ldexp(1.0f, -11)), 0x3c00u);
  // 1 + 3 * 2^-11 is half-way between 1 + 2^-10 and 1 + 2^-9: to the even 1 + 2^-9.
  EXPECT_EQ(f32_to_f16(1.0f + 3 * std::ldexp(1.0f, -11)), 0x3c02u);
  // Just above a tie rounds up.
  EXPECT_EQ(f32_to_f16(std::nextafter(1.0f + std::ldexp(1.0f, -11), 2.0f)), 0x3c01u);
  // Subnormal ties: 0.5 and 1.5 units of 2^-24.
  EXPECT_EQ(f32_to_f16(std::ldexp(1.0f, -25)), 0x0000u);
  EXPECT_EQ(f32_to_f16(std::ldexp(3.0f, -25)), 0x0002u);
  // The largest subnormal plus half a unit rounds to the smallest normal.
  EXPECT_EQ(f32_to_f16(std::ldexp(1023.5f, -24)), 0x0400u);
}

#if defined(__FLT16_MAX__)
// Where the compiler has _Float16 (GCC 12+ on x86-64), compare with its
// conversion (round to nearest even) over a sweep of f32 bit patterns.
TEST(f16, matches_the_compilers_float16) {
  for (uint64_t i = 0; i < (uint64_t{1} << 32); i += 9973) {
    const auto b = static_cast<uint32_t>(i);
    float f;
    std::memcpy(&f, &b, 4);
    if (std::isnan(f)) continue;
    const _Float16 h = static_cast<_Float16>(f);
    uint16_t hb;
    std::memcpy(&hb, &h, 2);
    ASSERT_EQ(f32_to_f16(f), hb) << "f=" << f << " bits=" << b;
  }
}
#endif

}  // namespace
}  // namespace winnow::kernels
