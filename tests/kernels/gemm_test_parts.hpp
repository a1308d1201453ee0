#pragma once
// Pieces shared by the kernel tests' random quantized GEMM cases
// (cpu_backend_test, weight_panels_test, u8_activations_test): the
// dequantization scales and bias, and weights packed into panels. The order in
// which a case draws from its generator is part of what a seed reproduces, so
// randomize() draws as, bs, bias in that order, each uniform in [0.001, 0.1).

#include <cstdint>
#include <random>
#include <vector>

#include "kernels/weight_layout.hpp"

namespace winnow::testing {

struct gemm_scales {
  std::vector<float> as;    // per activation row
  std::vector<float> bs;    // per output channel
  std::vector<float> bias;  // per output channel

  void randomize(int64_t m, int64_t n, std::mt19937_64& rng) {
    std::uniform_real_distribution<float> s(0.001f, 0.1f);
    as.resize(static_cast<size_t>(m));
    bs.resize(static_cast<size_t>(n));
    bias.resize(static_cast<size_t>(n));
    for (auto& x : as) x = s(rng);
    for (auto& x : bs) x = s(rng);
    for (auto& x : bias) x = s(rng);
  }
};

// `b` (n rows of k, row-major) in the panels16x4 layout.
inline std::vector<int8_t> packed_panels(const std::vector<int8_t>& b, int64_t n, int64_t k) {
  std::vector<int8_t> packed(static_cast<size_t>(kernels::panels_bytes(n, k)));
  kernels::pack_s8_panels(b.data(), n, k, k, packed.data());
  return packed;
}

}  // namespace winnow::testing
