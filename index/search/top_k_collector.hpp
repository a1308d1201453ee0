#pragma once
// Keeps the k best (score, id) pairs seen. "Better" is a higher score, and on
// equal scores the smaller external id, so results are reproducible whatever
// the segment layout. Not thread-safe (one per search).

#include <algorithm>
#include <cstddef>
#include <limits>
#include <string_view>
#include <vector>

namespace winnow::index {

struct scored_doc {
  float score;
  std::string_view id;  // valid while the snapshot the search runs on lives
};

inline bool better(const scored_doc& a, const scored_doc& b) {
  return a.score > b.score || (a.score == b.score && a.id < b.id);
}

class top_k_collector {
 public:
  explicit top_k_collector(size_t k) : k_(k) { heap_.reserve(k); }

  // The score a document must reach (ties are then decided by id) to enter;
  // -infinity while fewer than k were collected.
  float threshold() const {
    return heap_.size() < k_ || k_ == 0 ? -std::numeric_limits<float>::infinity() : heap_.front().score;
  }
  bool full() const { return k_ > 0 && heap_.size() == k_; }

  // Returns true when the threshold may have risen.
  bool collect(float score, std::string_view id) {
    if (k_ == 0) return false;
    const scored_doc d{score, id};
    if (heap_.size() < k_) {
      heap_.push_back(d);
      std::push_heap(heap_.begin(), heap_.end(), better);  // front = worst
      return heap_.size() == k_;
    }
    if (!better(d, heap_.front())) return false;
    std::pop_heap(heap_.begin(), heap_.end(), better);
    heap_.back() = d;
    std::push_heap(heap_.begin(), heap_.end(), better);
    return true;
  }

  // The collected documents, best first. The collector is spent afterwards.
  std::vector<scored_doc> harvest() {
    std::sort(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<scored_doc> heap_;
};

}  // namespace winnow::index
