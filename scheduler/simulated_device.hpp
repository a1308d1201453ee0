#pragma once
// simulated_device — the timing model behind a "sim:" device (a simulated
// A100 or RTX 4090). It is not a device: it computes nothing. The device actor
// runs the real CPU encoder, then holds the result until finish_ns() says the
// simulated card would have been done; tests use it to play a device's part.
//
// Batches run one after another: a batch submitted while another runs starts
// when that one finishes. Plain class, not thread-safe.

#include <cstdint>
#include <string>

#include "common/clock.hpp"
#include "common/status_or.hpp"
#include "config/engine_config.hpp"

namespace winnow::scheduler {

class simulated_device {
 public:
  // From a "sim:" device config (tokens_per_s and launch overhead filled in by
  // the profile or overridden in the file).
  static status_or<simulated_device> from_config(const config::device_config& cfg);

  simulated_device(std::string name, double tokens_per_s, int64_t launch_overhead_ns);

  const std::string& name() const { return name_; }

  // Model time of one batch, in ns.
  int64_t duration_ns(uint64_t padded_tokens) const;

  // Accepts a batch at `now_ns`; returns when it would be finished.
  time_point_ns submit(uint64_t padded_tokens, time_point_ns now_ns);

  // When the last submitted batch finishes (or 0 before the first).
  time_point_ns busy_until_ns() const { return busy_until_ns_; }

 private:
  std::string name_;
  double tokens_per_s_;
  int64_t launch_overhead_ns_;
  time_point_ns busy_until_ns_ = 0;
};

}  // namespace winnow::scheduler
