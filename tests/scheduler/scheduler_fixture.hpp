#pragma once
// Shared helpers for the scheduler tests: classes and simulated devices built
// in code, a fake clock, and a driver that collects send_now decisions.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/clock.hpp"
#include "config/engine_config.hpp"
#include "scheduler/batch_former.hpp"
#include "scheduler/simulated_device.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::scheduler::testing {

constexpr int64_t us = 1000;
constexpr int64_t ms = 1000 * us;

inline config::class_config make_class(const std::string& name, uint32_t priority,
                                       uint32_t max_batch_tokens, uint64_t max_delay_us,
                                       config::device_tier tier = config::device_tier::high) {
  config::class_config c;
  c.name = name;
  c.priority = priority;
  c.max_batch_tokens = max_batch_tokens;
  c.max_queue_delay_us = max_delay_us;
  c.max_queue = 1000;
  c.preferred_tier = tier;
  return c;
}

// A simulated device: `tokens_per_s`, fixed launch overhead, price.
inline config::device_config make_device(const std::string& name, config::device_tier tier,
                                         double tokens_per_s, uint64_t overhead_us = 0,
                                         double cost_per_hour = 0) {
  config::device_config d;
  d.name = name;
  d.backend = tier == config::device_tier::high ? "sim:a100-80gb" : "sim:rtx4090-24gb";
  d.kind = config::backend_kind::simulated;
  d.sim_profile = tier == config::device_tier::high ? "a100-80gb" : "rtx4090-24gb";
  d.tier = tier;
  d.tokens_per_s = tokens_per_s;
  d.launch_overhead_us = overhead_us;
  d.cost_per_hour = cost_per_hour;
  return d;
}

// The two-tier pool of the placement and isolation tests: a fast high-tier
// card (1000 tokens/ms) and a 10x slower low-tier one, no launch overhead;
// classes 0 and 1 are the interactive and bulk classes those tests configure.
namespace two_tier {
constexpr class_id interactive = 0;
constexpr class_id bulk = 1;
constexpr device_id a100 = 0;
constexpr device_id r4090 = 1;

inline std::vector<config::device_config> pool() {
  return {make_device("sim-a100", config::device_tier::high, 1e6),
          make_device("sim-4090", config::device_tier::low, 1e5)};
}
}  // namespace two_tier

inline request make_request(request_id id, class_id cls, uint32_t tokens,
                            time_point_ns deadline_ns = no_deadline) {
  request r;
  r.id = id;
  r.cls = cls;
  r.tokens = tokens;
  r.deadline_ns = deadline_ns;
  return r;
}

inline std::vector<request_id> ids_of(const batch& b) {
  std::vector<request_id> ids;
  for (const auto& r : b.requests) ids.push_back(r.id);
  return ids;
}

// Calls next() until it stops sending; returns the batches sent.
inline std::vector<decision> send_all(batch_former& bf, time_point_ns now) {
  std::vector<decision> sent;
  for (;;) {
    decision d = bf.next(now);
    if (d.kind != decision_kind::send_now) break;
    sent.push_back(std::move(d));
  }
  return sent;
}

// Plays the devices' part with simulated_device timing models: every batch the
// batch_former sends finishes when its device's model says so, and the driver
// reports it back (complete) and asks for more, honouring wait_for timers.
class sim_driver {
 public:
  struct sent_batch {
    batch work;
    device_id device;
    time_point_ns start_ns;
    time_point_ns finish_ns;
  };

  explicit sim_driver(batch_former& bf) : bf_(bf) {
    for (const auto& d : bf.devices().all()) {
      sims_.emplace_back(d.config.name, d.config.tokens_per_s,
                         static_cast<int64_t>(d.config.launch_overhead_us) * 1000);
    }
  }

  // Sends everything that can go at `now`; remembers the timer.
  void pump(time_point_ns now) {
    for (;;) {
      decision d = bf_.next(now);
      if (d.kind == decision_kind::send_now) {
        time_point_ns finish = sims_[d.device].submit(d.work.padded_tokens(), now);
        running_.push_back({d.work.id, d.device, finish});
        sent.push_back({std::move(d.work), d.device, now, finish});
        continue;
      }
      timer_ns_ = d.kind == decision_kind::wait_for ? now + d.wait_ns : no_deadline;
      break;
    }
    for (auto& r : bf_.take_rejected()) rejected.push_back(std::move(r));
  }

  // Processes completions and timers up to and including `t`, in time order.
  void run_until(time_point_ns t) {
    for (;;) {
      size_t first = running_.size();
      for (size_t i = 0; i < running_.size(); ++i) {
        if (first == running_.size() || running_[i].finish_ns < running_[first].finish_ns) first = i;
      }
      time_point_ns finish = first < running_.size() ? running_[first].finish_ns : no_deadline;
      time_point_ns event = std::min(finish, timer_ns_);
      if (event > t) break;
      if (finish <= timer_ns_) {
        running r = running_[first];
        running_.erase(running_.begin() + first);
        EXPECT_OK(bf_.complete(r.batch_id, r.finish_ns));
        for (const auto& s : sent) {
          if (s.work.id == r.batch_id) {
            for (const auto& q : s.work.requests) completed.push_back(q.id);
          }
        }
      }
      pump(event);
    }
    now_ns = t;
  }

  // A device failed at `now`: its running batch is dropped here and re-queued by bf.
  void fail(device_id d, time_point_ns now) {
    for (size_t i = 0; i < running_.size(); ++i) {
      if (running_[i].device == d) running_.erase(running_.begin() + i--);
    }
    sims_[d] = simulated_device(sims_[d].name(), bf_.devices().at(d).config.tokens_per_s,
                                static_cast<int64_t>(bf_.devices().at(d).config.launch_overhead_us) * 1000);
    EXPECT_OK(bf_.device_failed(d, now));
    pump(now);
  }

  bool busy() const { return !running_.empty(); }

  std::vector<sent_batch> sent;
  std::vector<request_id> completed;
  std::vector<rejected_request> rejected;
  time_point_ns now_ns = 0;

 private:
  struct running {
    uint64_t batch_id;
    device_id device;
    time_point_ns finish_ns;
  };
  batch_former& bf_;
  std::vector<simulated_device> sims_;
  std::vector<running> running_;
  time_point_ns timer_ns_ = no_deadline;
};

}  // namespace winnow::scheduler::testing
