#include "scheduler/device_picker.hpp"

#include <algorithm>

namespace winnow::scheduler {

const char* to_string(device_state s) {
  switch (s) {
    case device_state::up: return "up";
    case device_state::draining: return "draining";
    case device_state::down: return "down";
    case device_state::left: return "left";
  }
  return "?";
}

device_picker::device_picker(const std::vector<config::device_config>& devices) {
  for (const auto& c : devices) {
    device d;
    d.config = c;
    d.speed = throughput_estimate(c.tokens_per_s > 0 ? c.tokens_per_s : 1.0,
                                  static_cast<int64_t>(c.launch_overhead_us) * 1000);
    devices_.push_back(std::move(d));
  }
}

std::optional<device_id> device_picker::find(const std::string& name) const {
  for (device_id i = 0; i < devices_.size(); ++i) {
    if (devices_[i].config.name == name) return i;
  }
  return std::nullopt;
}

int64_t device_picker::duration_ns(device_id d, uint64_t padded_tokens) const {
  return devices_.at(d).speed.duration_ns(padded_tokens);
}

time_point_ns device_picker::estimated_finish_ns(device_id d, uint64_t padded_tokens,
                                                 time_point_ns now) const {
  const device& dev = devices_.at(d);
  time_point_ns start = now;
  // A batch running late is assumed to end now: the best guess we have.
  if (dev.running) start = std::max(now, dev.running->estimated_finish_ns);
  return start + duration_ns(d, padded_tokens);
}

std::optional<device_id> device_picker::earliest_of(const std::vector<device_id>& candidates,
                                                    uint64_t padded_tokens,
                                                    time_point_ns now) const {
  std::optional<device_id> best;
  time_point_ns best_finish = 0;
  for (device_id d : candidates) {
    time_point_ns f = estimated_finish_ns(d, padded_tokens, now);
    // Ties go to the free device, then to the lower index (config order).
    bool better = !best || f < best_finish ||
                  (f == best_finish && devices_[d].free() && !devices_[*best].free());
    if (better) {
      best = d;
      best_finish = f;
    }
  }
  return best;
}

std::optional<device_id> device_picker::pick(const config::class_config& cls,
                                             uint64_t padded_tokens, time_point_ns now,
                                             bool high_tier_work_queued, bool starving) const {
  std::vector<device_id> preferred, others;
  for (device_id d = 0; d < devices_.size(); ++d) {
    if (!devices_[d].usable()) continue;
    (devices_[d].config.tier == cls.preferred_tier ? preferred : others).push_back(d);
  }
  if (preferred.empty() && others.empty()) return std::nullopt;

  std::optional<device_id> choice;
  // Borrowing is a per-class choice, except that a pool with no usable
  // device of the class's own tier leaves no other place to run.
  const bool may_borrow = cls.borrow_higher_tier || preferred.empty();
  if (starving) {
    std::vector<device_id> all = preferred;
    // Aging lifts a class's urgency, not its tier limits: a class that may
    // not borrow stays on its own tier even when starving.
    if (cls.preferred_tier == config::device_tier::high || may_borrow) {
      all.insert(all.end(), others.begin(), others.end());
    }
    choice = earliest_of(all, padded_tokens, now);
  } else if (cls.preferred_tier == config::device_tier::high) {
    if (preferred.empty()) {
      // No high-tier device in the pool: the lower tier is the only place to run.
      choice = earliest_of(others, padded_tokens, now);
    } else {
      choice = earliest_of(preferred, padded_tokens, now);
      // Not onto a niced (background) device: its speed estimate holds only
      // while the machine is otherwise idle, and urgent work there would run
      // at the lowest OS priority, behind everything else on the cores.
      std::vector<device_id> spill_to;
      for (device_id d : others) {
        if (devices_[d].config.os_nice == 0) spill_to.push_back(d);
      }
      if (auto spill = earliest_of(spill_to, padded_tokens, now)) {
        if (estimated_finish_ns(*spill, padded_tokens, now) <
            estimated_finish_ns(*choice, padded_tokens, now)) {
          choice = spill;
        }
      }
    }
  } else {
    // Low-tier class: a free low-tier device first, else borrow an idle
    // high-tier one — also when the pool has no low tier (a single CPU), so
    // that bulk never takes the device ahead of queued urgent work.
    std::vector<device_id> free_preferred;
    for (device_id d : preferred) {
      if (devices_[d].free()) free_preferred.push_back(d);
    }
    choice = earliest_of(free_preferred, padded_tokens, now);
    if (!choice && may_borrow && !high_tier_work_queued) {
      std::vector<device_id> idle_high;
      for (device_id d : others) {
        if (devices_[d].free()) idle_high.push_back(d);
      }
      choice = earliest_of(idle_high, padded_tokens, now);
    }
  }
  if (choice && devices_[*choice].free()) return choice;
  return std::nullopt;
}

uint64_t device_picker::batch_budget_tokens(const config::class_config& cls) const {
  const uint64_t cap = cls.max_batch_tokens;
  if (cls.max_batch_ms == 0) return cap;
  bool own_tier = any_usable_in(cls.preferred_tier);
  bool other_tier_allowed = !own_tier || cls.preferred_tier == config::device_tier::high ||
                            cls.borrow_higher_tier;
  std::optional<uint64_t> budget;
  for (const device& dev : devices_) {
    if (!dev.usable()) continue;
    if (dev.config.tier != cls.preferred_tier && !other_tier_allowed) continue;
    uint64_t t = dev.speed.tokens_within(static_cast<int64_t>(cls.max_batch_ms) * 1'000'000);
    budget = budget ? std::min(*budget, t) : t;
  }
  if (!budget) return cap;
  return std::max<uint64_t>(1, std::min(cap, *budget));
}

void device_picker::observe(device_id d, uint64_t padded_tokens, int64_t elapsed_ns) {
  devices_.at(d).speed.observe(padded_tokens, elapsed_ns);
}

bool device_picker::any_usable() const {
  return std::any_of(devices_.begin(), devices_.end(), [](const device& d) { return d.usable(); });
}

bool device_picker::any_usable_in(config::device_tier tier) const {
  return std::any_of(devices_.begin(), devices_.end(),
                     [&](const device& d) { return d.usable() && d.config.tier == tier; });
}

}  // namespace winnow::scheduler
