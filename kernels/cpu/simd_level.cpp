#include "kernels/cpu/cpu_ops.hpp"

namespace winnow::kernels::cpu {

bool has_avx2_fma() {
#if defined(__x86_64__) || defined(__i386__)
  static const bool yes = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return yes;
#else
  return false;
#endif
}

const char* simd_level() { return has_avx2_fma() ? "avx2" : "generic"; }

}  // namespace winnow::kernels::cpu
