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

// As a type, so that the heap algorithms inline it.
struct better_order {
  bool operator()(const scored_doc& a, const scored_doc& b) const { return better(a, b); }
};

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
      std::push_heap(heap_.begin(), heap_.end(), better_order{});  // front = worst
      return heap_.size() == k_;
    }
    if (score < heap_.front().score || !better(d, heap_.front())) return false;
    // Replace the worst and sift it down (one pass instead of pop + push).
    const size_t n = heap_.size();
    size_t i = 0;
    for (;;) {
      size_t c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && better(heap_[c], heap_[c + 1])) ++c;  // the worse child
      if (!better(d, heap_[c])) break;                        // d is worse than it: stop
      heap_[i] = heap_[c];
      i = c;
    }
    heap_[i] = d;
    return true;
  }

  // The collected documents, best first. The collector is spent afterwards.
  std::vector<scored_doc> harvest() {
    std::sort(heap_.begin(), heap_.end(), better_order{});
    return std::move(heap_);
  }

 private:
  size_t k_;
  std::vector<scored_doc> heap_;
};

}  // namespace winnow::index
