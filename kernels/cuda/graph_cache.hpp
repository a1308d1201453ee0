#pragma once
// What the CUDA backend does with a recorded op sequence (backend::
// run_sequence: CUDA graphs for the query path's fixed shapes), as a plain
// class with no CUDA type so its policy is tested on any machine
// (tests/kernels/cuda_plan_policy_test.cpp), like plan_cache.hpp.
//
// The rule, per key (one key = one fixed shape over fixed buffers):
// - first call: warm_up. The ops run as usual: that first run builds the
//   cuBLASLt plans and sizes the scratch the graph will bake in, which
//   cannot happen inside a capture (a cudaMalloc or a stream sync there
//   invalidates it).
// - second call: capture. Record the ops into a graph, instantiate it, launch
//   it; captured() keeps it.
// - later calls: replay the graph, as long as the memory it baked in (the
//   backend's scratch, named by its `epoch`) is still the same; if the scratch
//   was reallocated since, the graph is dropped and captured again.
// - a capture that fails (capture_failed) is remembered with its reason and
//   the key runs the ordinary launches from then on: never retried, so a
//   shape the capture cannot take costs one failed capture, not one per query.
// At most `max_keys` keys are remembered; a call with a new key when full
// needs clear() first (needs_clear): the caller must make sure no launched
// graph is still running before destroying them (the CUDA backend syncs its
// stream).

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace winnow::kernels::cuda {

enum class graph_step { warm_up, capture, replay, eager };

inline const char* to_string(graph_step s) {
  switch (s) {
    case graph_step::warm_up: return "warm_up";
    case graph_step::capture: return "capture";
    case graph_step::replay: return "replay";
    case graph_step::eager: return "eager";
  }
  return "?";
}

struct graph_counters {
  uint64_t captures = 0;   // graphs captured and kept (recaptures included)
  uint64_t replays = 0;    // launches of a kept graph
  uint64_t failures = 0;   // keys whose capture failed (then run eagerly)
  uint64_t eager = 0;      // sequences run as ordinary launches (warm-ups, failed keys)
};

template <class Graph>
class graph_cache {
 public:
  explicit graph_cache(size_t max_keys = 64) : max_keys_(max_keys == 0 ? 1 : max_keys) {}

  // True when `key` is new and the cache is full: clear() before next().
  bool needs_clear(uint64_t key) const { return entries_.size() >= max_keys_ && entries_.count(key) == 0; }

  // What to do for `key` now; `epoch` names the backend memory a graph bakes
  // in besides the caller's buffers (the scratch). REQUIRES: !needs_clear(key).
  graph_step next(uint64_t key, uint64_t epoch) {
    auto it = entries_.find(key);
    if (it == entries_.end()) {
      entries_.emplace(key, entry{});
      ++counters_.eager;
      return graph_step::warm_up;
    }
    entry& e = it->second;
    if (e.failed) {
      ++counters_.eager;
      return graph_step::eager;
    }
    if (e.graph && e.epoch == epoch) {
      ++counters_.replays;
      return graph_step::replay;
    }
    e.graph.reset();  // none yet, or baked-in memory that has moved since
    return graph_step::capture;
  }

  // The graph to launch after next() said replay.
  Graph* graph(uint64_t key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : it->second.graph.get();
  }

  void captured(uint64_t key, uint64_t epoch, std::unique_ptr<Graph> g) {
    entry& e = entries_[key];
    e.graph = std::move(g);
    e.epoch = epoch;
    e.failed = false;
    ++counters_.captures;
  }

  void capture_failed(uint64_t key, std::string why) {
    entry& e = entries_[key];
    e.graph.reset();
    e.failed = true;
    e.why = std::move(why);
    ++counters_.failures;
    ++counters_.eager;  // the caller runs the ops as usual instead
  }

  // Why `key`'s capture failed; null when it has not.
  const std::string* failure(uint64_t key) const {
    auto it = entries_.find(key);
    return it == entries_.end() || !it->second.failed ? nullptr : &it->second.why;
  }

  size_t size() const { return entries_.size(); }
  size_t graphs() const {
    size_t n = 0;
    for (const auto& kv : entries_) n += kv.second.graph ? 1 : 0;
    return n;
  }
  const graph_counters& counters() const { return counters_; }
  void clear() { entries_.clear(); }

 private:
  struct entry {
    std::unique_ptr<Graph> graph;
    uint64_t epoch = 0;
    bool failed = false;
    std::string why;
  };
  size_t max_keys_;
  std::map<uint64_t, entry> entries_;
  graph_counters counters_;
};

}  // namespace winnow::kernels::cuda
