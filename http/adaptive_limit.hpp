#pragma once
// adaptive_limit — how many requests of one priority class may be in flight
// at once, moved by the latency their answers measure.
//
// Why: past its capacity a service that admits everything queues, and every
// request then waits for all those before it (at 2x capacity, seconds). A
// bound on requests in flight turns the excess into immediate refusals that a
// client can retry elsewhere or later, while the admitted ones keep their
// latency. The right bound is capacity x target latency (Little's law) and
// capacity moves (other classes, background encoding, a slower device), so the
// bound is found by feedback: additive increase, multiplicative decrease, as in
// TCP congestion control.
//
// The rule, once per window of `window` answers: if more than `slow_fraction`
// of them took longer than the target, the limit shrinks by `decrease`;
// otherwise, if the limit was reached during the window (a refusal or the
// in-flight count touching it), it grows by one. Answers of requests admitted
// before the last decrease are not judged (they were admitted under the old,
// larger limit and would shrink it twice for one overload).
//
// With target 0 the limit stays fixed at max_limit. Not thread-safe (see
// class_admission, which locks).

#include <cstdint>

namespace winnow::http {

struct adaptive_limit_options {
  uint32_t max_limit = 64;     // the ceiling; >= 1
  uint32_t min_limit = 2;      // never below this (clamped to max_limit)
  // Where an adaptive limit starts (clamped to [min_limit, max_limit]); a fixed
  // one starts and stays at max_limit. Low, like TCP's slow start: a burst
  // arriving at a cold server is refused instead of queued, and the limit
  // grows from here within a few windows where capacity allows (8 ~ Little's
  // law for ~150 searches/s at 50 ms, a 2-core CPU pool).
  uint32_t initial_limit = 8;
  int64_t target_ns = 0;       // 0: fixed limit
  uint32_t window = 40;        // answers per adjustment, >= 1
  double slow_fraction = 0.1;  // share of slow answers that makes a window slow
  double decrease = 0.8;       // limit *= decrease on a slow window
};

// What try_acquire() hands out; give it back to release().
struct limit_ticket {
  uint64_t epoch = 0;
};

class adaptive_limit {
 public:
  explicit adaptive_limit(adaptive_limit_options o);

  // Admits one more request when fewer than limit() are in flight.
  bool try_acquire(limit_ticket* t);
  // The request of `t` finished. `latency_ns` < 0: its answer says nothing about
  // latency (an error from elsewhere), so it only frees the slot.
  void release(const limit_ticket& t, int64_t latency_ns);

  uint32_t limit() const { return limit_; }
  uint32_t in_flight() const { return in_flight_; }

 private:
  void end_window();

  adaptive_limit_options o_;
  uint32_t limit_;
  uint32_t in_flight_ = 0;
  uint64_t epoch_ = 0;
  uint32_t judged_ = 0;      // answers in the current window
  uint32_t slow_ = 0;        // of which slower than the target
  bool saturated_ = false;   // the limit was reached in the current window
};

}  // namespace winnow::http
