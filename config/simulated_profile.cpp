#include "config/simulated_profile.hpp"

namespace winnow::config {
namespace {

// An A100 does roughly 2.5× the int8 tensor throughput of an RTX 4090 on small
// encoders, and both pay tens of microseconds per kernel-graph launch.
constexpr simulated_profile profiles[] = {
    {"a100-80gb", 2000000.0, 60},
    {"rtx4090-24gb", 800000.0, 90},
};

}  // namespace

const simulated_profile* find_simulated_profile(const std::string& name) {
  for (const auto& p : profiles) {
    if (name == p.name) return &p;
  }
  return nullptr;
}

std::vector<std::string> simulated_profile_names() {
  std::vector<std::string> names;
  for (const auto& p : profiles) names.emplace_back(p.name);
  return names;
}

}  // namespace winnow::config
