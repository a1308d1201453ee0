#pragma once
// IEEE binary16 <-> f32 on the host, bit-exact with the GPU's conversions
// (__float2half_rn: round to nearest, ties to even; __half2float: exact), so
// the CPU reference of an op with f16 operands sees the very values a CUDA
// kernel sees. Plain C++17: no _Float16, no CUDA headers (tests/kernels/
// f16_test.cpp checks every f16 value round-trips and rounding at the ties).

#include <cstdint>
#include <cstring>

namespace winnow::kernels {

inline float f16_to_f32(uint16_t h) {
  const uint32_t sign = static_cast<uint32_t>(h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1fu;
  const uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    // Zero or subnormal: mant * 2^-24, exact in f32.
    const float v = static_cast<float>(mant) * (1.0f / 16777216.0f);
    std::memcpy(&bits, &v, 4);
    bits |= sign;
  } else if (exp == 31) {
    bits = sign | 0x7f800000u | (mant << 13);  // inf, or NaN keeping its payload
  } else {
    bits = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline uint16_t f32_to_f16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t abs = x & 0x7fffffffu;
  if (abs >= 0x7f800000u) return sign | (abs > 0x7f800000u ? 0x7e00u : 0x7c00u);  // NaN (quiet), inf
  if (abs >= 0x477ff000u) return sign | 0x7c00u;  // >= 65520 rounds to inf
  if (abs < 0x38800000u) {
    // Below 2^-14: an f16 subnormal (or zero, or 0x0400 when it rounds up to
    // the smallest normal). abs * 2^24 is exact; the integer rounding is the
    // f16 rounding, ties to even.
    float a;
    std::memcpy(&a, &abs, 4);
    const float scaled = a * 16777216.0f;
    uint32_t m = static_cast<uint32_t>(scaled);
    const float rest = scaled - static_cast<float>(m);
    if (rest > 0.5f || (rest == 0.5f && (m & 1u))) ++m;
    return static_cast<uint16_t>(sign | m);
  }
  const uint32_t exp = (abs >> 23) - 127 + 15;
  const uint32_t mant = abs & 0x7fffffu;
  uint32_t h = (exp << 10) | (mant >> 13);
  const uint32_t rest = mant & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // a carry into the exponent is right
  return static_cast<uint16_t>(sign | h);
}

// The value an f32 takes after a round trip through f16.
inline float round_to_f16(float f) { return f16_to_f32(f32_to_f16(f)); }

}  // namespace winnow::kernels
