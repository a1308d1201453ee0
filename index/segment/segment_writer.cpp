#include "index/segment/segment_writer.hpp"

#include <algorithm>
#include <numeric>

#include "index/segment/segment_serializer.hpp"

namespace winnow::index {

void segment_writer::add(std::string_view id, const std::vector<std::string>& terms) {
  remove(id);
  const auto doc = static_cast<uint32_t>(ids_.size());
  ids_.emplace_back(id);
  lengths_.push_back(static_cast<uint32_t>(terms.size()));
  dead_.push_back(false);
  id_map_.emplace(std::string(id), doc);
  ++live_;
  estimated_bytes_ += 2 * id.size() + 64;

  scratch_.clear();
  for (const auto& t : terms) {
    auto [it, inserted] = term_ids_.try_emplace(t, static_cast<uint32_t>(postings_.size()));
    if (inserted) {
      term_names_.push_back(it->first);
      postings_.emplace_back();
      estimated_bytes_ += t.size() + 96;
    }
    scratch_.push_back(it->second);
  }
  std::sort(scratch_.begin(), scratch_.end());
  for (size_t i = 0; i < scratch_.size();) {
    size_t j = i;
    while (j < scratch_.size() && scratch_[j] == scratch_[i]) ++j;
    auto& p = postings_[scratch_[i]];
    p.docs.push_back(doc);
    p.tfs.push_back(static_cast<uint32_t>(j - i));
    estimated_bytes_ += 8;
    i = j;
  }
}

bool segment_writer::remove(std::string_view id) {
  auto it = id_map_.find(std::string(id));
  if (it == id_map_.end()) return false;
  dead_[it->second] = true;
  id_map_.erase(it);
  --live_;
  return true;
}

std::string segment_writer::finish(std::vector<std::string>* ids) {
  // Dead documents are dropped: live ones are renumbered densely.
  std::vector<uint32_t> remap(ids_.size(), UINT32_MAX);
  segment_serializer ser;
  uint32_t next = 0;
  for (uint32_t d = 0; d < ids_.size(); ++d) {
    if (dead_[d]) continue;
    remap[d] = next++;
    ser.add_doc(ids_[d], lengths_[d]);
    ids->push_back(ids_[d]);
  }
  std::vector<uint32_t> order(term_names_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::sort(order.begin(), order.end(),
            [&](uint32_t a, uint32_t b) { return term_names_[a] < term_names_[b]; });
  std::vector<uint32_t> docs, tfs;
  for (uint32_t t : order) {
    const auto& p = postings_[t];
    docs.clear();
    tfs.clear();
    for (size_t i = 0; i < p.docs.size(); ++i) {
      const uint32_t nd = remap[p.docs[i]];
      if (nd == UINT32_MAX) continue;
      docs.push_back(nd);
      tfs.push_back(p.tfs[i]);
    }
    if (!docs.empty()) ser.add_term(term_names_[t], docs.data(), tfs.data(), static_cast<uint32_t>(docs.size()));
  }
  std::string out = ser.finish();
  clear();
  return out;
}

void segment_writer::clear() {
  term_names_.clear();
  term_ids_.clear();
  postings_.clear();
  ids_.clear();
  lengths_.clear();
  dead_.clear();
  id_map_.clear();
  live_ = 0;
  estimated_bytes_ = 0;
}

}  // namespace winnow::index
