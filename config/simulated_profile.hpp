#pragma once
// Timing profiles of the simulated devices (backend "sim:NAME"). These are not
// devices: they are plain models — tokens per second plus a fixed launch
// overhead per batch — that tell the scheduler and the simulated-device actor
// when a batch *would* be finished on such a card. The figures are round
// estimates for MiniLM-L6 int8 inference, not measurements.

#include <cstdint>
#include <string>
#include <vector>

namespace winnow::config {

struct simulated_profile {
  const char* name;             // "a100-80gb"
  double tokens_per_s;          // padded tokens per second
  uint64_t launch_overhead_us;  // fixed cost per batch
};

// The profile called `name`, or nullptr.
const simulated_profile* find_simulated_profile(const std::string& name);

// All known profile names, for error messages.
std::vector<std::string> simulated_profile_names();

// Estimate used for a CPU or CUDA device before its speed has been measured.
inline constexpr double default_cpu_tokens_per_s = 20000.0;
inline constexpr uint64_t default_cpu_launch_overhead_us = 200;
inline constexpr double default_cuda_tokens_per_s = 1000000.0;
inline constexpr uint64_t default_cuda_launch_overhead_us = 100;

}  // namespace winnow::config
