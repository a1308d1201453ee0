#pragma once
// One unit of model work: a query or passage of `tokens` word pieces, queued
// in a priority class until it goes out in a batch.

#include <cstdint>
#include <limits>

#include "common/clock.hpp"

namespace winnow::scheduler {

using request_id = uint64_t;
using class_id = uint32_t;   // index into the configured classes, in config order
using device_id = uint32_t;  // index into the configured devices, in config order

inline constexpr time_point_ns no_deadline = std::numeric_limits<time_point_ns>::max();

struct request {
  request_id id = 0;        // the caller's id; the scheduler never interprets it
  class_id cls = 0;         // current class (changes when the request is demoted)
  uint32_t tokens = 0;      // word pieces, > 0
  time_point_ns enqueue_ns = 0;
  // Absolute deadline. enqueue() lowers it to enqueue_ns + the class's
  // timeout_ms when that is sooner; no_deadline = none.
  time_point_ns deadline_ns = no_deadline;
  // Arrival order, assigned by batch_former::enqueue(); callers leave it 0.
  // Queues and re-queued batches are kept in this order.
  uint64_t seq = 0;
  uint32_t demotions = 0;   // times this request moved to a less urgent class
};

}  // namespace winnow::scheduler
