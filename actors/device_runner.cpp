#include "actors/device_runner.hpp"

#include <chrono>
#include <cstdio>
#include <thread>

#include "common/clock.hpp"
#include "kernels/cpu/cpu_backend.hpp"
#include "kernels/cpu/thread_priority.hpp"

namespace winnow::actors {

device_runner::~device_runner() { encoder_.reset(); }

status_or<std::unique_ptr<device_runner>> device_runner::open(
    const config::device_config& device, const config::model_section& model) {
  std::unique_ptr<device_runner> r(new device_runner());
  r->device_ = device;
  if (device.kind == config::backend_kind::cuda) {
    return status::unsupported("device '" + device.name + "' (backend " + device.backend +
                               "): this build has no CUDA backend");
  }
  if (device.kind == config::backend_kind::simulated) {
    WINNOW_ASSIGN_OR_RETURN(auto sim, scheduler::simulated_device::from_config(device));
    r->sim_.emplace(std::move(sim));
  }
  kernels::cpu_backend_options bo;
  bo.threads = device.threads > 0 ? static_cast<int>(device.threads) : 1;
  r->backend_ = kernels::make_cpu_backend(bo);
  model::encoder_options eo;
  eo.requested =
      model.precision == config::precision::int8 ? model::precision::int8 : model::precision::fp32;
  eo.max_tokens = static_cast<int>(model.max_tokens);
  eo.threads = bo.threads;
  eo.min_int8_cosine = static_cast<float>(model.min_int8_cosine);
  auto enc = model::encoder::load(model.dir, eo, *r->backend_);
  if (!enc.ok()) return enc.get_status().with_context("device '" + device.name + "'");
  r->encoder_ = std::move(enc).value();
  return r;
}

status_or<std::vector<std::vector<float>>> device_runner::run(
    const std::vector<model::token_ids>& batch) {
  if (fail_next_) {
    fail_next_ = false;
    return status::device_error("device '" + device_.name + "': injected fault");
  }
  if (!os_priority_applied_) {
    // Here, not in open(): run() is called on the device worker's own
    // (detached) thread, whose OpenMP team computes the batches.
    os_priority_applied_ = true;
    if (device_.os_nice > 0) {
      const int threads = device_.threads > 0 ? static_cast<int>(device_.threads) : 1;
      os_priority_ = kernels::cpu::set_compute_thread_nice(static_cast<int>(device_.os_nice), threads);
      if (!os_priority_.ok()) {
        std::fprintf(stderr, "winnow: device '%s': os_nice = %u not applied, running at normal priority: %s\n",
                     device_.name.c_str(), device_.os_nice, os_priority_.message().c_str());
      }
    }
  }
  const time_point_ns start = monotonic_now_ns();
  WINNOW_ASSIGN_OR_RETURN(auto vectors, encoder_->encode_tokens(batch));
  if (sim_) {
    // [SIM_DEVICE] hold the result until the simulated card would be done.
    size_t longest = 0;
    for (const auto& s : batch) longest = std::max(longest, s.size());
    const time_point_ns done = start + sim_->duration_ns(uint64_t{longest} * batch.size());
    const time_point_ns now = monotonic_now_ns();
    if (done > now) std::this_thread::sleep_for(std::chrono::nanoseconds(done - now));
  }
  return vectors;
}

}  // namespace winnow::actors
