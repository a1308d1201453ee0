#pragma once
// Time as a value: policy code takes `now` as an argument instead of reading a
// clock, so tests can drive it with a fake clock (style.md §6.5).

#include <atomic>
#include <chrono>
#include <cstdint>

namespace winnow {

using time_point_ns = int64_t;  // nanoseconds since an arbitrary, monotonic epoch

class clock {
 public:
  virtual ~clock() = default;
  virtual time_point_ns now_ns() const = 0;
};

// std::chrono::steady_clock.
class steady_clock final : public clock {
 public:
  time_point_ns now_ns() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that moves only when told to. Thread-safe.
class fake_clock final : public clock {
 public:
  explicit fake_clock(time_point_ns start_ns = 0) : now_(start_ns) {}
  time_point_ns now_ns() const override { return now_.load(); }
  void advance_ns(int64_t delta_ns) { now_ += delta_ns; }
  void set_ns(time_point_ns t) { now_ = t; }

 private:
  std::atomic<time_point_ns> now_;
};

inline time_point_ns monotonic_now_ns() { return steady_clock{}.now_ns(); }

}  // namespace winnow
