#pragma once
// What batch_former::next() tells its driver to do.

#include <cstdint>

#include "scheduler/batch.hpp"
#include "scheduler/request.hpp"

namespace winnow::scheduler {

enum class decision_kind {
  send_now,  // run `work` on `device` now; report with complete() / device_failed()
  wait_for,  // nothing to send; call next() again after `wait_ns` (or on any event)
  idle,      // nothing to send and no timer needed; call next() on the next event
};

const char* to_string(decision_kind k);

struct decision {
  decision_kind kind = decision_kind::idle;
  batch work;              // send_now only
  device_id device = 0;    // send_now only
  int64_t wait_ns = 0;     // wait_for only, > 0
};

}  // namespace winnow::scheduler
