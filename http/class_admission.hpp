#pragma once
// class_admission — the server's per-class admission of searches and ingests,
// before any engine work: an in-flight limit per class (adaptive_limit) and
// "shed the less urgent first".
//
// The second rule: while a class is refusing requests for its limit, every
// less urgent class is refused too, for `shed_window` after the last such
// refusal. Less urgent work (bulk ingest, whose encoding runs later on the same
// devices) must not take capacity from a class that is already turning
// requests away. A class without a limit is never refused for its own sake
// but is still shed for a more urgent one.
//
// Thread-safety: every member may be called concurrently.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.hpp"
#include "http/adaptive_limit.hpp"

namespace winnow::http {

// One priority class as the server sees it.
struct class_limits {
  std::string name;
  uint32_t max_in_flight = 0;      // 0: no bound of its own
  uint32_t target_latency_ms = 0;  // 0: the bound stays at max_in_flight
};

enum class admission_outcome { admitted, over_limit, shed_for_urgent };

// "over_limit" / "shed_for_urgent" (the metrics' reason label) / "admitted".
const char* to_string(admission_outcome o);

class class_admission;

// An admitted request's place; frees it when destroyed, so a request that
// never finishes normally (an exception, a dropped callback) cannot leak it.
// A null owner makes a slot that holds nothing (a class without bounds).
class admission_slot {
 public:
  admission_slot(class_admission* owner, size_t class_index, limit_ticket t)
      : owner_(owner), class_index_(class_index), ticket_(t) {}
  ~admission_slot();
  admission_slot(const admission_slot&) = delete;
  admission_slot& operator=(const admission_slot&) = delete;

  // The request was answered after `latency_ns` (feeds the adaptive limit).
  // Later calls, and the destructor after it, do nothing.
  void finish(int64_t latency_ns);

 private:
  class_admission* owner_;
  size_t class_index_;
  limit_ticket ticket_;
  bool finished_ = false;
};

struct admission_decision {
  admission_outcome outcome = admission_outcome::admitted;
  std::string detail;                     // why, for the error body; empty when admitted
  std::shared_ptr<admission_slot> slot;   // set when admitted (null for unknown classes)
};

class class_admission {
 public:
  // `by_priority`: most urgent first. REQUIRES: `c` outlives this object.
  class_admission(std::vector<class_limits> by_priority, const clock& c,
                  int64_t shed_window_ns);

  admission_decision admit(const std::string& class_name);

  // Current limit of a class (0 = no bound; unknown classes too).
  uint32_t limit(const std::string& class_name) const;

 private:
  friend class admission_slot;
  void release(size_t class_index, const limit_ticket& t, int64_t latency_ns);

  struct class_state {
    class_limits limits;
    std::unique_ptr<adaptive_limit> limit;  // null: no bound
    std::optional<time_point_ns> last_refusal_ns;  // unset: never refused
  };

  const clock& clock_;
  int64_t shed_window_ns_;
  mutable std::mutex mu_;
  std::vector<class_state> classes_;  // most urgent first
};

}  // namespace winnow::http
