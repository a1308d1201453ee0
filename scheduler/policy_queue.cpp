#include "scheduler/policy_queue.hpp"

#include <algorithm>

#include "common/assert.hpp"

namespace winnow::scheduler {

void policy_queue::push(const request& r) {
  WINNOW_ASSERT(r.tokens >= 1 && r.tokens <= policy_.max_batch_tokens,
                "request tokens outside [1, max_batch_tokens]");
  auto& q = buckets_[bucket_of(r.tokens)];
  WINNOW_ASSERT(q.empty() || q.back().seq < r.seq, "push() out of seq order; use requeue()");
  q.push_back(r);
  ++size_;
  queued_tokens_ += r.tokens;
  earliest_deadline_ns_ = std::min(earliest_deadline_ns_, r.deadline_ns);
}

void policy_queue::requeue(const request& r) {
  auto& q = buckets_[bucket_of(r.tokens)];
  auto pos = std::upper_bound(q.begin(), q.end(), r.seq,
                              [](uint64_t seq, const request& x) { return seq < x.seq; });
  q.insert(pos, r);
  ++size_;
  queued_tokens_ += r.tokens;
  earliest_deadline_ns_ = std::min(earliest_deadline_ns_, r.deadline_ns);
}

const request* policy_queue::oldest() const {
  const request* best = nullptr;
  for (const auto& q : buckets_) {
    if (!q.empty() && (best == nullptr || q.front().seq < best->seq)) best = &q.front();
  }
  return best;
}

void policy_queue::take_expired(time_point_ns now_ns, std::vector<request>& expired) {
  if (now_ns < earliest_deadline_ns_) return;
  time_point_ns earliest = no_deadline;
  for (auto& q : buckets_) {
    auto keep = q.begin();
    for (auto it = q.begin(); it != q.end(); ++it) {
      if (it->deadline_ns <= now_ns) {
        expired.push_back(*it);
        --size_;
        queued_tokens_ -= it->tokens;
      } else {
        earliest = std::min(earliest, it->deadline_ns);
        if (keep != it) *keep = std::move(*it);
        ++keep;
      }
    }
    q.erase(keep, q.end());
  }
  earliest_deadline_ns_ = earliest;
}

policy_queue::plan policy_queue::plan_bucket(size_t b, uint64_t budget_tokens) const {
  plan p;
  p.bucket = b;
  const auto& q = buckets_[b];
  if (q.empty()) return p;
  p.head_enqueue_ns = q.front().enqueue_ns;
  p.head_seq = q.front().seq;
  const uint64_t budget = std::min<uint64_t>(budget_tokens, policy_.max_batch_tokens);
  for (const auto& r : q) {
    uint32_t longest = std::max(p.max_tokens, r.tokens);
    // The first request always goes, even past a time-derived budget: it
    // cannot be split, and leaving it queued would starve it.
    if (p.count > 0 && uint64_t{longest} * (p.count + 1) > budget) {
      p.full = true;
      break;
    }
    p.max_tokens = longest;
    ++p.count;
  }
  p.padded_tokens = uint64_t{p.max_tokens} * p.count;
  // Exactly at the budget is full too: no request of any size fits any more.
  if (p.padded_tokens >= budget) p.full = true;
  return p;
}

std::vector<request> policy_queue::pop(const plan& p) {
  auto& q = buckets_[p.bucket];
  WINNOW_ASSERT(p.count <= q.size() && (p.count == 0 || q.front().seq == p.head_seq),
                "pop() with a stale plan");
  std::vector<request> out(std::make_move_iterator(q.begin()),
                           std::make_move_iterator(q.begin() + p.count));
  q.erase(q.begin(), q.begin() + p.count);
  size_ -= p.count;
  bool held_earliest = false;
  for (const auto& r : out) {
    queued_tokens_ -= r.tokens;
    held_earliest |= r.deadline_ns == earliest_deadline_ns_;
  }
  // Keep the earliest deadline exact, so the driver's timer does not fire for
  // requests that already left.
  if (held_earliest) {
    earliest_deadline_ns_ = no_deadline;
    for (const auto& bucket : buckets_) {
      for (const auto& r : bucket) earliest_deadline_ns_ = std::min(earliest_deadline_ns_, r.deadline_ns);
    }
  }
  return out;
}

}  // namespace winnow::scheduler
