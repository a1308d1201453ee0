#include "scheduler/batch_former.hpp"

#include <algorithm>

#include "common/assert.hpp"

namespace winnow::scheduler {

const char* to_string(decision_kind k) {
  switch (k) {
    case decision_kind::send_now: return "send_now";
    case decision_kind::wait_for: return "wait_for";
    case decision_kind::idle: return "idle";
  }
  return "?";
}

batch_former::batch_former(const std::vector<config::class_config>& classes,
                           const std::vector<config::device_config>& devices)
    : picker_(devices) {
  WINNOW_ASSERT(!classes.empty(), "batch_former needs at least one class");
  for (const auto& c : classes) queues_.emplace_back(c);
  counters_.resize(classes.size());
  queue_wait_.assign(classes.size(), fixed_histogram(fixed_histogram::wait_seconds_bounds()));
  batch_size_.assign(classes.size() * picker_.size(),
                     fixed_histogram(fixed_histogram::batch_size_bounds()));
  batch_tokens_.assign(classes.size() * picker_.size(),
                       fixed_histogram(fixed_histogram::batch_tokens_bounds()));
  top_priority_ = classes[0].priority;
  for (const auto& c : classes) top_priority_ = std::min(top_priority_, c.priority);
  for (const auto& c : classes) {
    std::optional<class_id> target;
    if (c.on_timeout == config::timeout_action::demote) {
      for (class_id t = 0; t < classes.size(); ++t) {
        if (classes[t].name == c.demote_to) target = t;
      }
      WINNOW_ASSERT(target && classes[*target].priority > c.priority,
                    "demote_to must name a less urgent class (validated config required)");
    }
    demote_target_.push_back(target);
  }
  order_.reserve(classes.size());
  last_start_ns_.assign(classes.size(), no_batch_yet);
}

status_or<class_id> batch_former::class_of(const std::string& name) const {
  for (class_id c = 0; c < queues_.size(); ++c) {
    if (queues_[c].policy().name == name) return c;
  }
  std::string known;
  for (const auto& q : queues_) known += (known.empty() ? "" : ", ") + q.policy().name;
  return status::invalid_argument("unknown class '" + name + "' (classes: " + known + ")");
}

status batch_former::enqueue(request r, time_point_ns now) {
  if (r.cls >= queues_.size()) {
    return status::invalid_argument("request " + std::to_string(r.id) + ": unknown class id " +
                                    std::to_string(r.cls));
  }
  policy_queue& q = queues_[r.cls];
  const config::class_config& p = q.policy();
  if (r.tokens == 0 || r.tokens > p.max_batch_tokens) {
    return status::invalid_argument("request " + std::to_string(r.id) + ": " +
                                    std::to_string(r.tokens) + " tokens; class '" + p.name +
                                    "' takes 1.." + std::to_string(p.max_batch_tokens));
  }
  if (q.full()) {
    ++counters_[r.cls].rejected_queue_full;
    return status::resource_exhausted("class '" + p.name + "' queue is full (max_queue = " +
                                      std::to_string(p.max_queue) + ")");
  }
  r.enqueue_ns = now;
  if (p.timeout_ms > 0) {
    r.deadline_ns = std::min(r.deadline_ns, now + static_cast<int64_t>(p.timeout_ms) * 1'000'000);
  }
  if (p.on_timeout == config::timeout_action::reject && r.deadline_ns != no_deadline) {
    const time_point_ns done = estimated_completion_ns(r.cls, r.tokens, now);
    if (done > r.deadline_ns) {
      ++counters_[r.cls].rejected_late;
      return status::deadline_exceeded("request " + std::to_string(r.id) + ": class '" + p.name +
                                       "' would finish in ~" + std::to_string((done - now) / 1000) +
                                       " us (" + std::to_string(q.size()) + " queued), past its deadline in " +
                                       std::to_string((r.deadline_ns - now) / 1000) + " us");
    }
  }
  r.seq = next_seq_++;
  q.push(r);
  ++counters_[r.cls].enqueued;
  return status::ok_status();
}

void batch_former::expire(time_point_ns now) {
  std::vector<request> expired;
  for (class_id c = 0; c < queues_.size(); ++c) {
    expired.clear();
    queues_[c].take_expired(now, expired);
    const config::class_config& p = queues_[c].policy();
    for (request& r : expired) {
      if (demote_target_[c]) {
        class_id t = *demote_target_[c];
        policy_queue& target = queues_[t];
        if (r.tokens > target.policy().max_batch_tokens || target.full()) {
          ++counters_[c].rejected_timeout;
          rejected_.push_back({r, status::resource_exhausted(
                                      "request " + std::to_string(r.id) + " timed out in class '" +
                                      p.name + "' and its demote target '" +
                                      target.policy().name + "' cannot take it")});
          continue;
        }
        ++counters_[c].demoted_out;
        r.cls = t;
        ++r.demotions;
        r.deadline_ns = target.policy().timeout_ms > 0
                            ? now + static_cast<int64_t>(target.policy().timeout_ms) * 1'000'000
                            : no_deadline;
        // Keeps its arrival order (seq) among the target's requests.
        target.requeue(r);
      } else {
        ++counters_[c].rejected_timeout;
        rejected_.push_back(
            {r, status::deadline_exceeded("request " + std::to_string(r.id) + " waited past its "
                                          "deadline in class '" + p.name + "' (timeout_ms = " +
                                          std::to_string(p.timeout_ms) + ")")});
      }
    }
  }
}

bool batch_former::starving(class_id c, time_point_ns now) const {
  const policy_queue& q = queues_[c];
  const config::class_config& p = q.policy();
  // The most urgent level has nothing to be lifted above.
  if (p.aging_us == 0 || q.empty() || p.priority == top_priority_) return false;
  const int64_t interval_ns = static_cast<int64_t>(p.aging_us) * 1000;
  if (now - q.oldest()->enqueue_ns < interval_ns) return false;
  // Served within the interval (when the device was idle, or its last
  // starving turn): its share is met, the urgent order holds.
  return last_start_ns_[c] == no_batch_yet || now - last_start_ns_[c] >= interval_ns;
}

bool batch_former::high_tier_work_queued(class_id except) const {
  for (class_id c = 0; c < queues_.size(); ++c) {
    if (c != except && !queues_[c].empty() &&
        queues_[c].policy().preferred_tier == config::device_tier::high) {
      return true;
    }
  }
  return false;
}

batch_former::ready_batch batch_former::best_batch(class_id c, time_point_ns now) const {
  const policy_queue& q = queues_[c];
  const config::class_config& p = q.policy();
  const int64_t delay_ns = static_cast<int64_t>(p.max_queue_delay_us) * 1000;
  // max_batch_ms shrinks the token budget to what the class's slowest
  // eligible device runs in that time (device_picker::batch_budget_tokens).
  const uint64_t budget = picker_.batch_budget_tokens(p);
  ready_batch best;
  for (size_t b = 0; b < bucket_count; ++b) {
    policy_queue::plan plan = q.plan_bucket(b, budget);
    if (plan.count == 0) continue;
    bool ready = plan.full ||
                 (p.preferred_batch_tokens > 0 && plan.padded_tokens >= p.preferred_batch_tokens) ||
                 now - plan.head_enqueue_ns >= delay_ns;
    if (ready) {
      // Among ready buckets, the one whose head has waited longest goes first.
      if (!best.ready || plan.head_seq < best.plan.head_seq) {
        best.plan = plan;
        best.ready = true;
      }
    } else {
      best.wake_ns = std::min(best.wake_ns, plan.head_enqueue_ns + delay_ns);
    }
  }
  return best;
}

decision batch_former::next(time_point_ns now) {
  expire(now);

  order_.clear();
  time_point_ns wake = no_deadline;
  for (class_id c = 0; c < queues_.size(); ++c) {
    if (queues_[c].empty()) continue;
    order_.push_back(c);
    wake = std::min(wake, queues_[c].earliest_deadline_ns());
  }
  // A starving class first (its one turn of minimum share, rule 3), then
  // most urgent first; equal urgency goes to the class whose oldest request
  // came first.
  std::vector<uint8_t>& hungry = starving_scratch_;
  hungry.assign(queues_.size(), 0);
  for (class_id c : order_) hungry[c] = starving(c, now) ? 1 : 0;
  std::sort(order_.begin(), order_.end(), [&](class_id a, class_id b) {
    if (hungry[a] != hungry[b]) return hungry[a] > hungry[b];
    const uint32_t pa = queues_[a].policy().priority, pb = queues_[b].policy().priority;
    if (pa != pb) return pa < pb;
    return queues_[a].oldest()->seq < queues_[b].oldest()->seq;
  });

  for (class_id c : order_) {
    ready_batch rb = best_batch(c, now);
    if (!rb.ready) {
      wake = std::min(wake, rb.wake_ns);
      continue;
    }
    const config::class_config& p = queues_[c].policy();
    std::optional<device_id> d =
        picker_.pick(p, rb.plan.padded_tokens, now, high_tier_work_queued(c), hungry[c] != 0);
    // Ready but its device is busy: a completion will call next() again.
    if (!d) continue;

    decision out;
    out.kind = decision_kind::send_now;
    out.device = *d;
    out.work.id = next_batch_id_++;
    out.work.cls = c;
    out.work.max_tokens = rb.plan.max_tokens;
    out.work.requests = queues_[c].pop(rb.plan);
    last_start_ns_[c] = now;
    counters_[c].sent_batches += 1;
    counters_[c].sent_requests += out.work.requests.size();
    batch_size_[c * picker_.size() + *d].observe(static_cast<double>(out.work.requests.size()));
    batch_tokens_[c * picker_.size() + *d].observe(static_cast<double>(out.work.padded_tokens()));
    for (const auto& r : out.work.requests)
      queue_wait_[c].observe(static_cast<double>(std::max<time_point_ns>(0, now - r.enqueue_ns)) / 1e9);
    device_picker::in_flight f;
    f.work = out.work;
    f.start_ns = now;
    f.estimated_finish_ns = now + picker_.duration_ns(*d, out.work.padded_tokens());
    picker_.at(*d).running = std::move(f);
    return out;
  }

  decision out;
  if (wake == no_deadline) {
    out.kind = decision_kind::idle;
  } else {
    out.kind = decision_kind::wait_for;
    out.wait_ns = std::max<int64_t>(1, wake - now);
  }
  return out;
}

std::vector<rejected_request> batch_former::take_rejected() {
  std::vector<rejected_request> out;
  out.swap(rejected_);
  return out;
}

void batch_former::charge(device_id d, const device_picker::in_flight& f, time_point_ns now) {
  const auto& dev = picker_.at(d);
  ledger_.charge(queues_[f.work.cls].policy().name, dev.config.name,
                 std::max<int64_t>(0, now - f.start_ns), dev.config.cost_per_hour,
                 f.work.requests.size(), f.work.padded_tokens());
}

void batch_former::requeue(const batch& b) {
  for (const request& r : b.requests) {
    queues_[r.cls].requeue(r);
    ++counters_[r.cls].requeued;
  }
}

status batch_former::complete(uint64_t batch_id, time_point_ns now) {
  for (device_id d = 0; d < picker_.size(); ++d) {
    auto& dev = picker_.at(d);
    if (!dev.running || dev.running->work.id != batch_id) continue;
    charge(d, *dev.running, now);
    picker_.observe(d, dev.running->work.padded_tokens(), now - dev.running->start_ns);
    dev.running.reset();
    ++dev.completed_batches;
    if (dev.state == device_state::draining) dev.state = device_state::left;
    return status::ok_status();
  }
  return status::not_found("batch " + std::to_string(batch_id) +
                           " is not running (re-queued after a device failure or drain?)");
}

status batch_former::device_failed(device_id d, time_point_ns now) {
  if (d >= picker_.size()) {
    return status::invalid_argument("unknown device id " + std::to_string(d));
  }
  auto& dev = picker_.at(d);
  if (dev.running) {
    charge(d, *dev.running, now);
    requeue(dev.running->work);
    dev.running.reset();
  }
  dev.state = device_state::down;
  return status::ok_status();
}

status batch_former::drain(device_id d, drain_mode mode, time_point_ns now) {
  if (d >= picker_.size()) {
    return status::invalid_argument("unknown device id " + std::to_string(d));
  }
  auto& dev = picker_.at(d);
  if (dev.state == device_state::down || dev.state == device_state::left) {
    return status::failed_precondition("device '" + dev.config.name + "' is " +
                                       to_string(dev.state) + ", not in the pool");
  }
  if (dev.running && mode == drain_mode::move_in_flight) {
    charge(d, *dev.running, now);
    requeue(dev.running->work);
    dev.running.reset();
  }
  dev.state = dev.running ? device_state::draining : device_state::left;
  return status::ok_status();
}

status batch_former::readmit(device_id d) {
  if (d >= picker_.size()) {
    return status::invalid_argument("unknown device id " + std::to_string(d));
  }
  auto& dev = picker_.at(d);
  if (dev.state == device_state::up) {
    return status::failed_precondition("device '" + dev.config.name + "' is already up");
  }
  dev.state = device_state::up;
  return status::ok_status();
}

size_t batch_former::in_flight_batches() const {
  size_t n = 0;
  for (const auto& d : picker_.all()) n += d.running ? 1 : 0;
  return n;
}

time_point_ns batch_former::estimated_completion_ns(class_id c, uint32_t tokens,
                                                    time_point_ns now) const {
  const config::class_config& p = queues_.at(c).policy();
  // Devices that may serve the class: a high class may spill anywhere; a low
  // class counts on its own tier when it has one.
  bool own_tier = picker_.any_usable_in(p.preferred_tier);
  bool spill = p.preferred_tier == config::device_tier::high;
  double capacity_tps = 0;
  int64_t first_free_ns = INT64_MAX;
  int64_t fastest_ns = INT64_MAX;
  for (device_id d = 0; d < picker_.size(); ++d) {
    const auto& dev = picker_.at(d);
    if (!dev.usable()) continue;
    if (own_tier && !spill && dev.config.tier != p.preferred_tier) continue;
    capacity_tps += dev.speed.tokens_per_s();
    int64_t busy = dev.running ? std::max<int64_t>(0, dev.running->estimated_finish_ns - now) : 0;
    first_free_ns = std::min(first_free_ns, busy);
    fastest_ns = std::min(fastest_ns, picker_.duration_ns(d, tokens));
  }
  if (capacity_tps <= 0) return no_deadline;
  // Work ahead: everything queued in classes at least as urgent as this one.
  uint64_t ahead_tokens = 0;
  for (const auto& q : queues_) {
    if (q.policy().priority <= p.priority) ahead_tokens += q.queued_tokens();
  }
  int64_t backlog_ns = static_cast<int64_t>(static_cast<double>(ahead_tokens) * 1e9 / capacity_tps);
  int64_t delay_ns = static_cast<int64_t>(p.max_queue_delay_us) * 1000;
  return now + first_free_ns + backlog_ns + delay_ns + fastest_ns;
}

}  // namespace winnow::scheduler
