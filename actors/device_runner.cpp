#include "actors/device_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "common/clock.hpp"
#include "kernels/cpu/thread_priority.hpp"
#include "kernels/registry.hpp"

namespace winnow::actors {

namespace {

// The speed a CUDA device is timed at when it opens: 64 sequences of 128
// tokens (8,192 tokens, an interactive batch's size), one warm-up and two
// timed runs. Short enough for start-up (tens of ms on a GPU).
constexpr int calibration_sequences = 64;
constexpr int calibration_tokens = 128;
constexpr int calibration_runs = 2;

// "cpu" for the CPU and simulated devices (sim: computes on the CPU), the
// configured "cuda:N" otherwise.
std::string backend_id(const config::device_config& d) {
  return d.kind == config::backend_kind::cuda ? "cuda:" + std::to_string(d.cuda_index) : "cpu";
}

}  // namespace

device_runner::~device_runner() { encoder_.reset(); }

status device_runner::load() {
  // Weights first, then the backend that holds them.
  encoder_.reset();
  backend_.reset();
  kernels::registry_options ro;
  ro.cpu_threads = device_.threads > 0 ? static_cast<int>(device_.threads) : 1;
  auto be = kernels::make_backend(backend_id(device_), ro);
  if (!be.ok())
    return be.get_status().with_context("device '" + device_.name + "' (backend " + device_.backend + ")");
  backend_ = std::move(be).value();
  model::encoder_options eo;
  eo.requested =
      model_.precision == config::precision::int8 ? model::precision::int8 : model::precision::fp32;
  eo.max_tokens = static_cast<int>(model_.max_tokens);
  eo.threads = ro.cpu_threads;
  eo.min_int8_cosine = static_cast<float>(model_.min_int8_cosine);
  if (settled_) {
    // A rebuild (health probe): the same weights on the same kind of backend
    // get the same precision decision as at open, so the int8 quality gate
    // (tens of fp32 and int8 encodes) is not run again; the probe is what
    // keeps a down device out of the pool, so it should be quick.
    eo.requested = *settled_;
    eo.run_quality_gate = false;
  }
  auto enc = model::encoder::load(model_.dir, eo, *backend_);
  if (!enc.ok()) return enc.get_status().with_context("device '" + device_.name + "'");
  encoder_ = std::move(enc).value();
  settled_ = encoder_->active_precision();
  return status::ok_status();
}

status_or<std::unique_ptr<device_runner>> device_runner::open(
    const config::device_config& device, const config::model_section& model) {
  std::unique_ptr<device_runner> r(new device_runner());
  r->device_ = device;
  r->model_ = model;
  if (device.kind == config::backend_kind::simulated) {
    WINNOW_ASSIGN_OR_RETURN(auto sim, scheduler::simulated_device::from_config(device));
    r->sim_.emplace(std::move(sim));
  }
  WINNOW_RETURN_IF_ERROR(r->load());
  if (device.kind == config::backend_kind::cuda) {
    auto tps = r->measure_tokens_per_s(calibration_sequences, calibration_tokens, calibration_runs);
    if (!tps.ok()) return tps.get_status().with_context("device '" + device.name + "': start-up timing");
    r->device_.tokens_per_s = *tps;
    WINNOW_RETURN_IF_ERROR(r->warm_query_path().with_context("device '" + device.name + "': query warm-up"));
    std::fprintf(stderr, "winnow: device '%s' (%s): %s, measured %.0f tokens/s\n", device.name.c_str(),
                 device.backend.c_str(), r->backend_->info().name.c_str(), *tps);
  }
  return r;
}

status device_runner::probe() {
  fail_next_ = false;
  ++rebuilds_;
  WINNOW_RETURN_IF_ERROR(load());
  const model::tokenizer& t = encoder_->text_tokenizer();
  auto out = encoder_->encode_tokens({{t.cls_id(), t.sep_id()}});
  if (!out.ok()) return out.get_status().with_context("device '" + device_.name + "': health probe");
  if (device_.kind == config::backend_kind::cuda) {
    WINNOW_RETURN_IF_ERROR(warm_query_path().with_context("device '" + device_.name + "': health probe"));
  }
  return status::ok_status();
}

// One text of each query bucket's length (model/encoder.cpp: 16/32/64/128),
// twice: the first run warms the bucket up, the second captures its CUDA
// graph, so the first real queries replay graphs instead of paying for the
// capture. On a backend without graphs it is eight short encodes.
status device_runner::warm_query_path() {
  const model::tokenizer& t = encoder_->text_tokenizer();
  for (int len : {16, 32, 64, 128}) {
    if (len > encoder_->max_tokens()) break;
    model::token_ids ids;
    ids.push_back(t.cls_id());
    for (int i = 1; i + 1 < len; ++i) ids.push_back(static_cast<int32_t>(2000 + (i * 7) % 1000));
    ids.push_back(t.sep_id());
    for (int round = 0; round < 2; ++round) WINNOW_RETURN_IF_ERROR(encoder_->encode_tokens({ids}).get_status());
  }
  return status::ok_status();
}

status_or<double> device_runner::measure_tokens_per_s(int sequences, int tokens, int runs) {
  if (sequences < 1 || tokens < 2 || runs < 1)
    return status::invalid_argument("measure_tokens_per_s: needs sequences >= 1, tokens >= 2, runs >= 1");
  const model::tokenizer& t = encoder_->text_tokenizer();
  const int len = std::min(tokens, encoder_->max_tokens());
  std::vector<model::token_ids> batch(static_cast<size_t>(sequences));
  for (size_t s = 0; s < batch.size(); ++s) {
    auto& ids = batch[s];
    ids.push_back(t.cls_id());
    // Ordinary word pieces (ids 2000..2999 of the BERT vocabulary), varied per row.
    for (int i = 1; i + 1 < len; ++i) ids.push_back(static_cast<int32_t>(2000 + (s * 31 + i * 7) % 1000));
    ids.push_back(t.sep_id());
  }
  WINNOW_RETURN_IF_ERROR(encoder_->encode_tokens(batch).get_status());  // warm-up: plans, scratch
  const time_point_ns start = monotonic_now_ns();
  for (int r = 0; r < runs; ++r) WINNOW_RETURN_IF_ERROR(encoder_->encode_tokens(batch).get_status());
  const double seconds = std::max<double>(1e-9, static_cast<double>(monotonic_now_ns() - start) / 1e9);
  return static_cast<double>(sequences) * len * runs / seconds;
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
