#pragma once
// cluster_view — which node owns each shard id and whether it is reachable
// now, as the frontend's node watcher sees it. Read by the ingest gate (to
// refuse documents of unreachable shards before they are stored) and by
// status output; written only by the node watcher. Plain C++, thread-safe
// (one mutex: reads and writes are a few words).

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace winnow::actors::cluster {

class cluster_view {
 public:
  // owners[s] = the name of the node owning shard s.
  explicit cluster_view(std::vector<std::string> owners)
      : owners_(std::move(owners)), up_(owners_.size(), false) {}

  uint32_t shard_count() const { return static_cast<uint32_t>(owners_.size()); }
  const std::string& owner(uint32_t shard) const { return owners_.at(shard); }

  void set_up(uint32_t shard, bool up) {
    std::lock_guard<std::mutex> lock(mu_);
    up_.at(shard) = up;
  }
  bool up(uint32_t shard) const {
    std::lock_guard<std::mutex> lock(mu_);
    return up_.at(shard);
  }

 private:
  const std::vector<std::string> owners_;
  mutable std::mutex mu_;
  std::vector<bool> up_;  // guarded by mu_
};

}  // namespace winnow::actors::cluster
