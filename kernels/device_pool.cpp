#include "kernels/device_pool.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace winnow::kernels {

const char* to_string(device_tier t) {
  switch (t) {
    case device_tier::cpu: return "cpu";
    case device_tier::a100_class: return "a100-class";
    case device_tier::rtx4090_class: return "rtx4090-class";
    case device_tier::h100_class: return "h100-class";
    case device_tier::other_gpu: return "other-gpu";
  }
  return "?";
}

const char* to_string(device_health h) { return h == device_health::up ? "up" : "down"; }

device_tier tier_of(const device_info& info) {
  if (info.kind == device_kind::cpu) return device_tier::cpu;
  switch (info.compute_capability) {
    case 80: return device_tier::a100_class;
    case 89: return device_tier::rtx4090_class;
    case 90: return device_tier::h100_class;
    default: return device_tier::other_gpu;
  }
}

struct device_pool::device {
  device_id id = -1;
  std::string name;
  backend_factory factory;
  std::unique_ptr<backend> be;
  device_health health = device_health::down;
  device_info info;
  double tokens_per_second = 0.0;
  uint64_t failures = 0;
  std::string last_error;
  std::set<work_id> in_flight;
  bool probing = false;  // a probe owns `be` while it runs
  int active_runs = 0;   // run() calls inside fn(*be): the backend must not be replaced under them
};

device_pool::device_pool(const clock& clk, calibration_workload calibration)
    : clock_(clk), calibration_(std::move(calibration)) {}

device_pool::~device_pool() = default;

status device_pool::calibrate(device& d) {
  if (!calibration_.run || calibration_.tokens <= 0)
    return status::invalid_argument("device_pool: calibration workload needs a function and tokens > 0");
  for (int i = 0; i < calibration_.warmup_runs; ++i) WINNOW_RETURN_IF_ERROR(calibration_.run(*d.be));
  const int runs = std::max(1, calibration_.timed_runs);
  const time_point_ns start = clock_.now_ns();
  for (int i = 0; i < runs; ++i) WINNOW_RETURN_IF_ERROR(calibration_.run(*d.be));
  const int64_t elapsed_ns = clock_.now_ns() - start;
  // A clock that did not move (coarse or fake) would give infinity: count 1 ns.
  d.tokens_per_second = static_cast<double>(calibration_.tokens) * runs * 1e9 /
                        static_cast<double>(std::max<int64_t>(elapsed_ns, 1));
  return status::ok_status();
}

device_id device_pool::add_device(std::string name, backend_factory factory) {
  auto d = std::make_unique<device>();
  d->name = std::move(name);
  d->factory = std::move(factory);
  status s = status::internal("device_pool: no factory");
  if (d->factory) {
    auto made = d->factory();
    if (made.ok()) {
      d->be = std::move(made).value();
      d->info = d->be->info();
      s = calibrate(*d);
    } else {
      s = made.get_status();
    }
  }
  if (s.ok()) {
    d->health = device_health::up;
  } else {
    d->health = device_health::down;
    d->last_error = s.to_string();
    d->be.reset();
  }
  std::lock_guard<std::mutex> lock(mu_);
  d->id = static_cast<device_id>(devices_.size());
  devices_.push_back(std::move(d));
  return devices_.back()->id;
}

size_t device_pool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return devices_.size();
}

device_status device_pool::status_locked(const device& d) const {
  device_status s;
  s.id = d.id;
  s.name = d.name;
  s.kind = d.info.kind;
  s.tier = tier_of(d.info);
  s.health = d.health;
  s.free_memory_bytes = d.info.free_memory_bytes;
  s.tokens_per_second = d.tokens_per_second;
  s.failures = d.failures;
  s.last_error = d.last_error;
  s.in_flight = d.in_flight.size();
  return s;
}

device_status device_pool::get_status(device_id id) const {
  std::lock_guard<std::mutex> lock(mu_);
  WINNOW_ASSERT(id >= 0 && static_cast<size_t>(id) < devices_.size(), "device_pool: bad device id");
  // Free memory as of the device's last run() or calibration: reading it here
  // would call into a backend another thread may be using.
  return status_locked(*devices_[id]);
}

std::vector<device_status> device_pool::snapshot() const {
  std::vector<device_status> out;
  const size_t n = size();
  for (size_t i = 0; i < n; ++i) out.push_back(get_status(static_cast<device_id>(i)));
  return out;
}

std::vector<device_id> device_pool::up_devices() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<device_id> out;
  for (const auto& d : devices_)
    if (d->health == device_health::up) out.push_back(d->id);
  return out;
}

std::vector<work_id> device_pool::mark_down_locked(device& d, const std::string& reason) {
  d.health = device_health::down;
  d.last_error = reason;
  std::vector<work_id> back(d.in_flight.begin(), d.in_flight.end());
  d.in_flight.clear();
  return back;
}

std::vector<work_id> device_pool::mark_down(device_id id, const std::string& reason) {
  std::lock_guard<std::mutex> lock(mu_);
  WINNOW_ASSERT(id >= 0 && static_cast<size_t>(id) < devices_.size(), "device_pool: bad device id");
  return mark_down_locked(*devices_[id], reason);
}

status device_pool::begin(device_id id, work_id work) {
  std::lock_guard<std::mutex> lock(mu_);
  if (id < 0 || static_cast<size_t>(id) >= devices_.size())
    return status::invalid_argument("device_pool: no device " + std::to_string(id));
  device& d = *devices_[id];
  if (d.health != device_health::up)
    return status::unavailable("device " + d.name + " is down: " + d.last_error);
  d.in_flight.insert(work);
  return status::ok_status();
}

device_pool::run_result device_pool::finish(device_id id, work_id work, const status& outcome) {
  std::lock_guard<std::mutex> lock(mu_);
  WINNOW_ASSERT(id >= 0 && static_cast<size_t>(id) < devices_.size(), "device_pool: bad device id");
  device& d = *devices_[id];
  run_result r{outcome, {}};
  if (outcome.code() == status_code::device_error) {
    ++d.failures;
    d.in_flight.insert(work);  // hand it back with the rest, even if begin() was not called
    r.handed_back = mark_down_locked(d, outcome.to_string());
    std::sort(r.handed_back.begin(), r.handed_back.end());
  } else {
    d.in_flight.erase(work);
  }
  return r;
}

device_pool::run_result device_pool::run(device_id id, work_id work, const std::function<status(backend&)>& fn) {
  backend* be = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (id < 0 || static_cast<size_t>(id) >= devices_.size())
      return {status::invalid_argument("device_pool: no device " + std::to_string(id)), {}};
    device& d = *devices_[id];
    if (d.health != device_health::up || !d.be)
      return {status::unavailable("device " + d.name + " is down: " + d.last_error), {work}};
    d.in_flight.insert(work);
    ++d.active_runs;
    be = d.be.get();
  }
  const status s = fn(*be);
  // Still this thread's turn on the backend: refresh its free memory figure.
  const size_t free_bytes = s.ok() ? be->info().free_memory_bytes : 0;
  run_result r = finish(id, work, s);
  std::lock_guard<std::mutex> lock(mu_);
  --devices_[id]->active_runs;
  if (s.ok()) devices_[id]->info.free_memory_bytes = free_bytes;
  return r;
}

status device_pool::probe(device_id id) {
  device* d = nullptr;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (id < 0 || static_cast<size_t>(id) >= devices_.size())
      return status::invalid_argument("device_pool: no device " + std::to_string(id));
    d = devices_[id].get();
    if (d->health == device_health::up) return status::ok_status();
    if (d->probing) return status::unavailable("device " + d->name + ": a probe is already running");
    if (d->active_runs > 0)
      return status::unavailable("device " + d->name + ": a failed call is still returning; probe again later");
    d->probing = true;
    d->be.reset();  // down: nothing runs on it; a lost context must not be reused
  }
  status s = status::internal("device_pool: no factory");
  std::unique_ptr<backend> fresh;
  if (d->factory) {
    auto made = d->factory();
    if (made.ok()) {
      fresh = std::move(made).value();
      device scratch;  // calibrate against the new backend without publishing it
      scratch.be = std::move(fresh);
      s = calibrate(scratch);
      fresh = std::move(scratch.be);
      if (s.ok()) d->tokens_per_second = scratch.tokens_per_second;
    } else {
      s = made.get_status();
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  d->probing = false;
  if (!s.ok()) {
    d->last_error = "probe failed: " + s.to_string();
    return s;
  }
  d->be = std::move(fresh);
  d->info = d->be->info();
  d->health = device_health::up;
  return status::ok_status();
}

}  // namespace winnow::kernels
