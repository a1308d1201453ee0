#include "actors/policy/encode_tracker.hpp"

namespace winnow::actors::policy {

std::pair<group_id, std::vector<uint64_t>> encode_tracker::add_group(
    std::vector<model::token_ids> texts) {
  const group_id g = next_group_++;
  group& gr = groups_[g];
  gr.vectors.resize(texts.size());
  gr.missing = texts.size();
  std::vector<uint64_t> ids;
  for (size_t i = 0; i < texts.size(); ++i) {
    const uint64_t r = next_request_++;
    slots_[r] = slot{g, i, std::move(texts[i])};
    ids.push_back(r);
  }
  return {g, std::move(ids)};
}

const model::token_ids* encode_tracker::tokens(uint64_t request) const {
  auto it = slots_.find(request);
  return it == slots_.end() ? nullptr : &it->second.tokens;
}

std::optional<std::pair<group_id, std::vector<std::vector<float>>>> encode_tracker::complete(
    uint64_t request, std::vector<float> vector) {
  auto it = slots_.find(request);
  if (it == slots_.end()) return std::nullopt;
  const slot sl = std::move(it->second);
  slots_.erase(it);
  auto git = groups_.find(sl.g);
  if (git == groups_.end()) return std::nullopt;  // the group failed earlier
  group& gr = git->second;
  gr.vectors[sl.index] = std::move(vector);
  if (--gr.missing > 0) return std::nullopt;
  auto out = std::make_pair(sl.g, std::move(gr.vectors));
  groups_.erase(git);
  return out;
}

std::optional<group_id> encode_tracker::fail(uint64_t request) {
  auto it = slots_.find(request);
  if (it == slots_.end()) return std::nullopt;
  const group_id g = it->second.g;
  slots_.erase(it);
  // The group's other requests stay queued in the scheduler; their slots keep
  // the tokens until they complete or are rejected, and are then dropped.
  if (groups_.erase(g) == 0) return std::nullopt;
  return g;
}

}  // namespace winnow::actors::policy
