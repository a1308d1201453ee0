#pragma once
// The CPU backend: host-memory buffers and the ops of kernels/backend.hpp on
// this machine's cores. Fast variants use AVX2 (runtime-detected) and oneDNN's
// sgemm when the build found it; `use_reference` switches every op to its
// scalar `<op>_ref` oracle, which the cross-backend test compares against.

#include <memory>

#include "kernels/backend.hpp"

namespace winnow::kernels {

struct cpu_backend_options {
  int threads = 1;             // worker threads per op (>= 1)
  bool use_reference = false;  // run the scalar oracles instead of the fast kernels
};

// Never null. Thread-safety: as backend (one caller thread at a time).
std::unique_ptr<backend> make_cpu_backend(const cpu_backend_options& options);

}  // namespace winnow::kernels
