#include "http/responder.hpp"

#include <utility>

#include "common/clock.hpp"
#include "http/metrics.hpp"

namespace winnow::http {

responder::responder(sink s, metrics* m, int64_t start_ns, std::atomic<uint32_t>* in_flight)
    : sink_(std::move(s)), metrics_(m), start_ns_(start_ns), in_flight_(in_flight) {}

responder::~responder() {
  // An answer never given still releases its in-flight slot.
  if (!done_.exchange(true) && in_flight_ != nullptr) in_flight_->fetch_sub(1);
}

void responder::set_labels(std::string route, std::string class_name) {
  std::lock_guard<std::mutex> lock(labels_mu_);
  route_ = std::move(route);
  class_name_ = std::move(class_name);
}

std::string responder::class_name() const {
  std::lock_guard<std::mutex> lock(labels_mu_);
  return class_name_;
}

bool responder::respond(api_response r) {
  if (done_.exchange(true)) return false;
  if (in_flight_ != nullptr) in_flight_->fetch_sub(1);
  if (metrics_ != nullptr) {
    double seconds = static_cast<double>(monotonic_now_ns() - start_ns_) / 1e9;
    std::string route, cls;
    {
      std::lock_guard<std::mutex> lock(labels_mu_);
      route = route_;
      cls = class_name_;
    }
    metrics_->observe_request(route, cls, r.status, seconds);
  }
  sink_(std::move(r));
  return true;
}

}  // namespace winnow::http
