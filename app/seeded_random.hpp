#pragma once
// A small deterministic generator (SplitMix64) with its own range mapping, so
// a seed produces the same corpus with every standard library: the
// distributions of <random> are implementation-defined.

#include <cstdint>

namespace winnow::app {

class seeded_random {
 public:
  explicit seeded_random(uint64_t seed) : state_(seed) {}

  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n). REQUIRES: n > 0. Multiply-shift: bias below 2^-32 for
  // the small n used here, which is irrelevant for synthetic text.
  uint64_t below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64);
  }

  // Uniform in [0, 1).
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }

  bool chance(double p) { return unit() < p; }

 private:
  uint64_t state_;
};

}  // namespace winnow::app
