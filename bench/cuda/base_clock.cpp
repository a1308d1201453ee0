#include "bench/cuda/base_clock.hpp"

#include <dlfcn.h>

namespace winnow::bench {

status_or<int> nvml_base_clock_mhz(const std::string& pci_bus_id) {
  // NVML's C API by hand (no nvml.h needed): every call returns 0 on success.
  using init_fn = int (*)();
  using by_bus_fn = int (*)(const char*, void**);
  using clock_fn = int (*)(void*, int, unsigned*);
  using str_fn = const char* (*)(int);
  constexpr int nvml_clock_sm = 1;  // NVML_CLOCK_SM
  void* lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) return status::unavailable(std::string("NVML not loadable: ") + dlerror());
  auto init = reinterpret_cast<init_fn>(dlsym(lib, "nvmlInit_v2"));
  auto shutdown = reinterpret_cast<init_fn>(dlsym(lib, "nvmlShutdown"));
  auto by_bus = reinterpret_cast<by_bus_fn>(dlsym(lib, "nvmlDeviceGetHandleByPciBusId_v2"));
  auto base = reinterpret_cast<clock_fn>(dlsym(lib, "nvmlDeviceGetDefaultApplicationsClock"));
  auto error_string = reinterpret_cast<str_fn>(dlsym(lib, "nvmlErrorString"));
  if (!init || !shutdown || !by_bus || !base || !error_string) {
    dlclose(lib);
    return status::unavailable("NVML lacks the functions needed for the base clock");
  }
  status_or<int> out = status::unavailable("NVML: not initialized");
  if (int rc = init(); rc != 0) {
    out = status::unavailable(std::string("nvmlInit: ") + error_string(rc));
  } else {
    void* dev = nullptr;
    unsigned mhz = 0;
    if (int r1 = by_bus(pci_bus_id.c_str(), &dev); r1 != 0) {
      out = status::unavailable("nvmlDeviceGetHandleByPciBusId(" + pci_bus_id + "): " + error_string(r1));
    } else if (int r2 = base(dev, nvml_clock_sm, &mhz); r2 != 0 || mhz == 0) {
      out = status::unavailable(std::string("nvmlDeviceGetDefaultApplicationsClock: ") +
                                (r2 != 0 ? error_string(r2) : "0 MHz"));
    } else {
      out = static_cast<int>(mhz);
    }
    shutdown();
  }
  dlclose(lib);
  return out;
}

}  // namespace winnow::bench
