#include "kernels/registry.hpp"

#include <thread>

#include "kernels/cpu/cpu_backend.hpp"
#if defined(WINNOW_HAVE_CUDA)
#include "kernels/cuda/cuda_backend.hpp"
#endif

namespace winnow::kernels {
namespace {

int cuda_count() {
#if defined(WINNOW_HAVE_CUDA)
  return cuda::cuda_device_count();
#else
  return 0;
#endif
}

// "cuda:12" -> 12; -1 when the suffix is not a plain non-negative number.
int parse_ordinal(std::string_view digits) {
  if (digits.empty() || digits.size() > 6) return -1;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

std::string cuda_unavailable_reason() {
#if defined(WINNOW_HAVE_CUDA)
  return cuda::cuda_unavailable_reason();
#else
  return "this build has no CUDA backend (configured with WINNOW_CUDA=OFF or without nvcc)";
#endif
}

bool cuda_compiled_in() {
#if defined(WINNOW_HAVE_CUDA)
  return true;
#else
  return false;
#endif
}

std::vector<device_entry> enumerate_devices() {
  std::vector<device_entry> out;
  auto cpu = make_cpu_backend(cpu_backend_options{});
  out.push_back({"cpu", cpu->info()});
#if defined(WINNOW_HAVE_CUDA)
  const int n = cuda::cuda_device_count();
  for (int i = 0; i < n; ++i) {
    auto b = cuda::make_cuda_backend(i);
    device_entry e{"cuda:" + std::to_string(i), {}};
    if (b.ok()) {
      e.info = (*b)->info();
    } else {
      // Listed anyway, so the operator sees it; the pool will find it down.
      e.info.name = "cuda:" + std::to_string(i) + " (unusable: " + b.get_status().message() + ")";
      e.info.kind = device_kind::cuda;
      e.info.ordinal = i;
    }
    out.push_back(std::move(e));
  }
#endif
  return out;
}

status_or<std::unique_ptr<backend>> make_backend(std::string_view id, const registry_options& options) {
  if (options.cpu_threads < 1)
    return status::invalid_argument("make_backend: cpu_threads must be >= 1, got " +
                                    std::to_string(options.cpu_threads));
  if (id == "cpu" || id == "cpu:ref") {
    return make_cpu_backend(cpu_backend_options{options.cpu_threads, id == "cpu:ref"});
  }
  if (id.substr(0, 5) == "cuda:") {
    const int ordinal = parse_ordinal(id.substr(5));
    if (ordinal < 0)
      return status::invalid_argument("make_backend: bad device id '" + std::string(id) +
                                      "' (expected cuda:N with N a device ordinal)");
    const int count = cuda_count();
    if (count == 0)
      return status::unavailable(std::string(id) + " requested but no CUDA device is usable: " +
                                 cuda_unavailable_reason() + " (use backend = \"cpu\" to run on the CPU)");
    if (ordinal >= count)
      return status::invalid_argument("make_backend: " + std::string(id) + " does not exist (" +
                                      std::to_string(count) + " CUDA device(s))");
#if defined(WINNOW_HAVE_CUDA)
    return cuda::make_cuda_backend(ordinal);
#endif
  }
  return status::invalid_argument("make_backend: unknown device id '" + std::string(id) +
                                  "' (expected cpu, cpu:ref or cuda:N)");
}

std::string default_device_id() { return cuda_count() > 0 ? "cuda:0" : "cpu"; }

}  // namespace winnow::kernels
