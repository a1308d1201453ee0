#include "actors/policy/vector_coverage.hpp"

#include <algorithm>

namespace winnow::actors::policy {

namespace {
bool live(std::optional<storage::doc_state> s) { return s && *s != storage::doc_state::deleted; }
}  // namespace

bool vector_coverage::has_vector(storage::doc_state s) {
  return s == storage::doc_state::encoded || s == storage::doc_state::searchable;
}

void vector_coverage::reset(counts c) {
  encoded_.store(static_cast<int64_t>(c.encoded), std::memory_order_relaxed);
  total_.store(static_cast<int64_t>(c.total), std::memory_order_relaxed);
}

void vector_coverage::stored(std::optional<storage::doc_state> before) {
  if (!live(before)) {
    total_.fetch_add(1, std::memory_order_relaxed);
  } else if (has_vector(*before)) {
    encoded_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void vector_coverage::encoded(uint64_t n) {
  encoded_.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
}

void vector_coverage::deleted(std::optional<storage::doc_state> before) {
  if (!live(before)) return;
  total_.fetch_sub(1, std::memory_order_relaxed);
  if (has_vector(*before)) encoded_.fetch_sub(1, std::memory_order_relaxed);
}

vector_coverage::counts vector_coverage::get() const {
  const int64_t total = std::max<int64_t>(0, total_.load(std::memory_order_relaxed));
  const int64_t encoded = std::clamp<int64_t>(encoded_.load(std::memory_order_relaxed), 0, total);
  return {static_cast<uint64_t>(encoded), static_cast<uint64_t>(total)};
}

}  // namespace winnow::actors::policy
