#include "actors/policy/encode_backlog.hpp"

#include <algorithm>
#include <unordered_set>

namespace winnow::actors::policy {

void encode_backlog::push(const std::vector<std::string>& ids) {
  // Large ingests push thousands of ids at once: check duplicates with a set
  // built once per call rather than a scan per id.
  std::unordered_set<std::string> seen(queue_.begin(), queue_.end());
  seen.insert(in_flight_ids_.begin(), in_flight_ids_.end());
  for (const auto& id : ids) {
    if (seen.insert(id).second) queue_.push_back(id);
  }
}

std::vector<std::string> encode_backlog::next_chunk() {
  std::vector<std::string> out;
  while (!queue_.empty() && out.size() < chunk_ && in_flight_ + out.size() < max_in_flight_) {
    out.push_back(std::move(queue_.front()));
    queue_.pop_front();
  }
  in_flight_ += out.size();
  in_flight_ids_.insert(in_flight_ids_.end(), out.begin(), out.end());
  return out;
}

void encode_backlog::done(const std::vector<std::string>& ids) {
  for (const auto& id : ids) {
    auto it = std::find(in_flight_ids_.begin(), in_flight_ids_.end(), id);
    if (it == in_flight_ids_.end()) continue;
    in_flight_ids_.erase(it);
    --in_flight_;
  }
}

void encode_backlog::failed(const std::vector<std::string>& ids) {
  done(ids);
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) queue_.push_front(*it);
  ++retries_;
}

}  // namespace winnow::actors::policy
