#pragma once
// policy_queue — the queue of one priority class, with that class's policy
// (max queue length, timeout, batch size and delay), in the manner of Triton's
// PolicyQueue. Requests are kept per length bucket (scheduler/length_buckets.hpp),
// each bucket in arrival (seq) order.
//
// A plain container with policy helpers: no clock reads, no threads. Not
// thread-safe. Owned by batch_former; tests may use it directly.

#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "config/engine_config.hpp"
#include "scheduler/batch.hpp"
#include "scheduler/length_buckets.hpp"
#include "scheduler/request.hpp"

namespace winnow::scheduler {

class policy_queue {
 public:
  // What the head of one bucket would make as a batch right now.
  struct plan {
    size_t bucket = 0;
    uint32_t count = 0;        // requests that fit the token budget
    uint32_t max_tokens = 0;   // longest of them
    uint64_t padded_tokens = 0;
    bool full = false;         // the next request of the bucket would not fit
    time_point_ns head_enqueue_ns = 0;
    uint64_t head_seq = 0;
  };

  explicit policy_queue(config::class_config policy) : policy_(std::move(policy)) {}

  const config::class_config& policy() const { return policy_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ >= policy_.max_queue; }
  uint64_t queued_tokens() const { return queued_tokens_; }

  // REQUIRES: r.tokens in [1, policy().max_batch_tokens]; r.seq larger than
  // every queued seq (new arrivals). May exceed max_queue: the caller checks full().
  void push(const request& r);

  // Puts back a request that had left in a batch, at its seq position, so
  // that re-queued work keeps its place ahead of later arrivals. Ignores max_queue
  // (nothing is lost on a device failure).
  void requeue(const request& r);

  // The oldest queued request, or nullptr when empty. Valid until the next change.
  const request* oldest() const;

  // Removes every request whose deadline_ns <= now into `expired` (in seq
  // order per bucket). Cheap when nothing can have expired.
  void take_expired(time_point_ns now_ns, std::vector<request>& expired);

  // The earliest deadline of a queued request, or no_deadline.
  time_point_ns earliest_deadline_ns() const { return earliest_deadline_ns_; }

  // What bucket `b` would send now, within policy().max_batch_tokens, or
  // within `budget_tokens` when given (a tighter, time-derived budget; it is
  // clamped to max_batch_tokens). A head request longer than the budget is a
  // batch of its own (count 1, full). count == 0 when the bucket is empty.
  plan plan_bucket(size_t b) const { return plan_bucket(b, policy_.max_batch_tokens); }
  plan plan_bucket(size_t b, uint64_t budget_tokens) const;

  // Removes and returns the `p.count` head requests of bucket `p.bucket`.
  // REQUIRES: p came from plan_bucket() with no change to the queue since.
  std::vector<request> pop(const plan& p);

 private:
  config::class_config policy_;
  std::array<std::deque<request>, bucket_count> buckets_;
  size_t size_ = 0;
  uint64_t queued_tokens_ = 0;
  time_point_ns earliest_deadline_ns_ = no_deadline;
};

}  // namespace winnow::scheduler
