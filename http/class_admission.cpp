#include "http/class_admission.hpp"

#include <utility>

namespace winnow::http {

const char* to_string(admission_outcome o) {
  switch (o) {
    case admission_outcome::admitted: return "admitted";
    case admission_outcome::over_limit: return "over_limit";
    case admission_outcome::shed_for_urgent: return "shed_for_urgent";
  }
  return "admitted";
}

admission_slot::~admission_slot() {
  if (!finished_ && owner_ != nullptr) owner_->release(class_index_, ticket_, -1);
}

void admission_slot::finish(int64_t latency_ns) {
  if (finished_) return;
  finished_ = true;
  if (owner_ != nullptr) owner_->release(class_index_, ticket_, latency_ns);
}

class_admission::class_admission(std::vector<class_limits> by_priority, const clock& c,
                                 int64_t shed_window_ns)
    : clock_(c), shed_window_ns_(shed_window_ns) {
  for (auto& l : by_priority) {
    class_state s;
    if (l.max_in_flight > 0) {
      adaptive_limit_options o;
      o.max_limit = l.max_in_flight;
      o.target_ns = static_cast<int64_t>(l.target_latency_ms) * 1'000'000;
      s.limit = std::make_unique<adaptive_limit>(o);
    }
    s.limits = std::move(l);
    classes_.push_back(std::move(s));
  }
}

admission_decision class_admission::admit(const std::string& class_name) {
  admission_decision d;
  const time_point_ns now = clock_.now_ns();
  std::lock_guard<std::mutex> lock(mu_);
  size_t i = 0;
  while (i < classes_.size() && classes_[i].limits.name != class_name) ++i;
  if (i == classes_.size()) return d;  // not a configured class: nothing to bound
  for (size_t u = 0; u < i; ++u) {
    const class_state& urgent = classes_[u];
    if (urgent.last_refusal_ns && now - *urgent.last_refusal_ns < shed_window_ns_) {
      d.outcome = admission_outcome::shed_for_urgent;
      d.detail = "class '" + class_name + "' is shed while the more urgent class '" +
                 urgent.limits.name + "' is at its in-flight limit (" +
                 std::to_string(urgent.limit->limit()) + ")";
      return d;
    }
  }
  class_state& s = classes_[i];
  limit_ticket t;
  if (s.limit && !s.limit->try_acquire(&t)) {
    s.last_refusal_ns = now;
    d.outcome = admission_outcome::over_limit;
    d.detail = "class '" + class_name + "' has " + std::to_string(s.limit->in_flight()) +
               " requests in flight, its current limit";
    return d;
  }
  d.slot = std::make_shared<admission_slot>(this, i, t);
  return d;
}

uint32_t class_admission::limit(const std::string& class_name) const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& s : classes_)
    if (s.limits.name == class_name) return s.limit ? s.limit->limit() : 0;
  return 0;
}

void class_admission::release(size_t class_index, const limit_ticket& t, int64_t latency_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  class_state& s = classes_[class_index];
  if (s.limit) s.limit->release(t, latency_ns);
}

}  // namespace winnow::http
