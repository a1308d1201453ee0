#pragma once
// Which devices this process can run the encoder on, and how to get a backend
// for one by name (style.md §1: ggml's backend registry). The CPU is always a
// device; CUDA devices appear when the build has CUDA (WINNOW_HAVE_CUDA) and
// the machine has a driver and a GPU.
//
// Device ids: "cpu" (fast kernels), "cpu:ref" (scalar reference kernels, the
// test oracle), "cuda:N" (CUDA ordinal N).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status_or.hpp"
#include "kernels/backend.hpp"

namespace winnow::kernels {

struct device_entry {
  std::string id;  // "cpu", "cuda:0", ...
  device_info info;
};

// The CPU first, then every CUDA device in ordinal order. Never empty.
std::vector<device_entry> enumerate_devices();

// Whether this build contains the CUDA backend (it may still find no GPU).
bool cuda_compiled_in();

struct registry_options {
  int cpu_threads = 1;
};

// Why this process has no usable CUDA device: "this build has no CUDA
// backend (...)" or the runtime's error text; empty when cuda:0 exists.
std::string cuda_unavailable_reason();

// A backend for `id`. The rule for "cuda:N" (docs/gpu.md): it runs on that
// GPU or it is an error, never a silent CPU stand-in (a CPU posing as the
// A100 tier would take urgent traffic at a hundredth of the speed the
// scheduler plans for). No CUDA in the build, no driver or no device is
// unavailable (the message says which, and to use backend = "cpu" instead);
// N past the devices that exist is invalid_argument, as is an id that names
// no kind of device. CUDA initialization failures are device_error.
status_or<std::unique_ptr<backend>> make_backend(std::string_view id, const registry_options& options = {});

// The fastest device present: "cuda:0" when there is one, else "cpu".
std::string default_device_id();

}  // namespace winnow::kernels
