#pragma once
// batch_former — the scheduler's decision core: per-class policy queues,
// token-budget batches with length bucketing, most urgent class first, device
// placement (device_picker), device failure / drain, cost charging (cost_ledger)
// and the admission check used by the HTTP layer.
//
// Pure policy: no threads, no clock reads, no CAF. Every call takes the current
// time as `now` (ns, monotonic, never decreasing between calls). Not
// thread-safe: one owner (the gpu_batcher actor) calls it.
//
// Driving it (the gpu_batcher actor's loop):
//   on request:        s = enqueue(r, now); if !s.ok() reply s (429/400) and stop
//   on request / completion / failure / timer:
//       loop { d = next(now);
//              send_now → send d.work to device d.device; continue the loop
//              wait_for → arm one timer for d.wait_ns (replacing an older one); break
//              idle     → disarm the timer; break }
//       then reply to everything in take_rejected() (timeouts, full demote targets)
//   on device result:  complete(batch_id, now)   (then run the loop above)
//   on device error:   device_failed(device, now) (its batch is back in the queues)
//   on spot notice:    drain(device, mode, now); readmit(device) when it is back
//
// Batching rules (Triton dynamic-batcher semantics, sizes in padded tokens =
// requests × longest request): a class's batch is formed from one length
// bucket in arrival order up to max_batch_tokens. It is ready when it is full
// (the next request would not fit), when it holds preferred_batch_tokens, or
// when its oldest request has waited max_queue_delay_us; otherwise the class
// waits until the oldest request's delay runs out. Ready classes are served
// most urgent first (configured priority, ties to the oldest request); a
// ready class whose device is busy does not block less urgent classes from
// other devices.
//
// Urgent first, always (the scheduling rule; architecture.md §11):
//  1. A device runs one batch at a time and is sent the next one only when it
//     has finished (device_picker: a batch goes only to a free device), so no
//     batches queue in a device's mailbox: a request never waits behind more
//     than the batch running on its device when it becomes ready.
//  2. The order between classes is their configured priority. Waiting never
//     makes a less urgent class rank above a more urgent one.
//  3. Aging is a minimum share, not a priority: a class with aging_us whose
//     oldest request has waited aging_us and that has had no batch started
//     for aging_us is *starving*; its next batch goes first, ahead of more
//     urgent classes, once. Its next turn comes aging_us later at the
//     earliest. So under a flood of urgent work it still gets one batch per
//     aging_us (a share of about batch time / (aging_us + batch time)), and an
//     urgent request waits behind at most one less urgent batch: the running
//     one, or the starving batch that took this turn — never behind a backlog.
//  4. A less urgent class's batch holds its device for at most about
//     max_batch_ms (its token budget at the device's measured speed), so that
//     one batch is also the bound on how long urgent work waits for it.
//  5. Urgent work does not spill onto a background device (os_nice > 0)
//     while its own tier has a usable device (device_picker.hpp).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.hpp"
#include "common/status_or.hpp"
#include "config/engine_config.hpp"
#include "scheduler/cost_ledger.hpp"
#include "scheduler/decision.hpp"
#include "scheduler/device_picker.hpp"
#include "scheduler/fixed_histogram.hpp"
#include "scheduler/policy_queue.hpp"
#include "scheduler/request.hpp"

namespace winnow::scheduler {

// A request the scheduler gave up on, with why (deadline_exceeded: its timeout
// passed with on_timeout = reject; resource_exhausted: its demote target was full).
struct rejected_request {
  request req;
  status reason;
};

// Per-class counters for metrics. Only grow.
struct class_counters {
  uint64_t enqueued = 0;
  uint64_t rejected_queue_full = 0;   // refused by enqueue()
  uint64_t rejected_timeout = 0;      // expired with on_timeout = reject
  uint64_t rejected_late = 0;         // refused by enqueue(): would miss its deadline
  uint64_t demoted_out = 0;           // moved to demote_to
  uint64_t sent_requests = 0;
  uint64_t sent_batches = 0;
  uint64_t requeued = 0;              // came back from a failed or moved batch
};

enum class drain_mode {
  finish_in_flight,  // the running batch completes there, then the device leaves
  move_in_flight,    // the running batch is re-queued now and the device leaves at once
};

class batch_former {
 public:
  // REQUIRES: a validated configuration (config::load_config), i.e. at least
  // one class and one device, demote_to names a less urgent class.
  batch_former(const std::vector<config::class_config>& classes,
               const std::vector<config::device_config>& devices);
  explicit batch_former(const config::engine_config& cfg)
      : batch_former(cfg.classes, cfg.devices) {}

  batch_former(const batch_former&) = delete;
  batch_former& operator=(const batch_former&) = delete;

  // The id of the class called `name`, or invalid_argument naming it.
  status_or<class_id> class_of(const std::string& name) const;
  const config::class_config& class_config(class_id c) const { return queues_.at(c).policy(); }
  size_t class_count() const { return queues_.size(); }

  // Queues `r` (r.cls, r.tokens, r.id, r.enqueue_ns, optional r.deadline_ns).
  // Ownership: copied in on success; on error nothing is kept.
  // Errors: invalid_argument (unknown class, tokens 0 or above the class's
  // max_batch_tokens), resource_exhausted (the class's queue holds max_queue),
  // deadline_exceeded (on_timeout = reject and estimated_completion_ns is past
  // the request's deadline: refused at once rather than after waiting for it,
  // so an overloaded class answers fast instead of late).
  status enqueue(request r, time_point_ns now);

  // Estimated completion time of a request of `tokens` in class `c` if queued
  // now (the basis of enqueue's deadline check; no_deadline when no device is
  // usable).
  time_point_ns estimated_completion_ns(class_id c, uint32_t tokens, time_point_ns now) const;

  // The next thing to do; see the class comment. Expires timed-out requests
  // first (collected for take_rejected()). A send_now has already been
  // recorded as running on d.device.
  decision next(time_point_ns now);

  // Requests given up on since the last call (moved out to the caller).
  std::vector<rejected_request> take_rejected();

  // The batch `batch_id` finished. Charges its device time to its class and
  // device, frees the device, refines the device's speed. not_found when the
  // batch is not running (e.g. it was re-queued after a failure: drop the
  // late result).
  status complete(uint64_t batch_id, time_point_ns now);

  // Device `d` failed: it goes down, and its running batch (if any) returns to
  // the queues in arrival order, ahead of later requests, with nothing lost.
  status device_failed(device_id d, time_point_ns now);

  // Spot / preemption notice: no new batches for `d`; see drain_mode.
  status drain(device_id d, drain_mode mode, time_point_ns now);
  // Back in the pool (after drain or failure). failed_precondition if it is up.
  status readmit(device_id d);

  const device_picker& devices() const { return picker_; }
  const cost_ledger& costs() const { return ledger_; }
  size_t queue_depth(class_id c) const { return queues_.at(c).size(); }
  const class_counters& counters(class_id c) const { return counters_.at(c); }
  size_t in_flight_batches() const;

  // Observations for metrics, taken when next() sends a batch: its request
  // count and padded tokens (requests x longest, what the device computes)
  // per (class, device), and each of its requests' queue wait (now -
  // enqueue_ns, seconds) per class. A request sent again after a device
  // failure or drain is observed again, its wait still counted from its
  // first enqueue. Only grow.
  const fixed_histogram& queue_wait_seconds(class_id c) const { return queue_wait_.at(c); }
  const fixed_histogram& batch_size(class_id c, device_id d) const {
    return batch_size_.at(c * picker_.size() + d);
  }
  const fixed_histogram& batch_tokens(class_id c, device_id d) const {
    return batch_tokens_.at(c * picker_.size() + d);
  }

 private:
  struct ready_batch {
    policy_queue::plan plan;
    bool ready = false;
    time_point_ns wake_ns = no_deadline;  // when it becomes ready by delay
  };

  void expire(time_point_ns now);
  ready_batch best_batch(class_id c, time_point_ns now) const;
  // Rule 3 above: the class has waited aging_us and had no batch started for aging_us.
  bool starving(class_id c, time_point_ns now) const;
  bool high_tier_work_queued(class_id except) const;
  void requeue(const batch& b);
  void charge(device_id d, const device_picker::in_flight& f, time_point_ns now);

  std::vector<policy_queue> queues_;
  std::vector<std::optional<class_id>> demote_target_;
  std::vector<class_counters> counters_;
  std::vector<fixed_histogram> queue_wait_;    // per class
  std::vector<fixed_histogram> batch_size_;    // [class * devices + device]
  std::vector<fixed_histogram> batch_tokens_;  // [class * devices + device]
  uint32_t top_priority_ = 0;
  device_picker picker_;
  cost_ledger ledger_;
  std::vector<rejected_request> rejected_;
  uint64_t next_seq_ = 1;
  uint64_t next_batch_id_ = 1;
  std::vector<class_id> order_;             // scratch for next(), kept to avoid allocations
  std::vector<uint8_t> starving_scratch_;   // starving(c, now) per class, for next()
  // When each class last had a batch started (no_batch_yet: never); the
  // clock of rule 3's minimum share.
  static constexpr time_point_ns no_batch_yet = INT64_MIN;
  std::vector<time_point_ns> last_start_ns_;
};

}  // namespace winnow::scheduler
