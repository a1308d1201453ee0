#include "index/segment/segment_merger.hpp"

#include <algorithm>
#include <queue>

#include "index/segment/segment_serializer.hpp"

namespace winnow::index {

std::string merge_segments(const std::vector<segment_reader>& inputs) {
  segment_serializer ser;
  std::vector<std::vector<uint32_t>> remap(inputs.size());
  uint32_t next = 0;
  for (size_t s = 0; s < inputs.size(); ++s) {
    const segment& seg = *inputs[s].seg;
    remap[s].assign(seg.doc_count(), UINT32_MAX);
    for (uint32_t d = 0; d < seg.doc_count(); ++d) {
      if (inputs[s].is_deleted(d)) continue;
      remap[s][d] = next++;
      ser.add_doc(seg.external_id(d), seg.length(d));
    }
  }
  if (next == 0) return {};

  // k-way merge of the sorted term dictionaries.
  using cursor = std::pair<std::string_view, size_t>;  // (term, input)
  auto greater = [](const cursor& a, const cursor& b) { return a.first > b.first || (a.first == b.first && a.second > b.second); };
  std::priority_queue<cursor, std::vector<cursor>, decltype(greater)> heap(greater);
  std::vector<size_t> pos(inputs.size(), 0);
  for (size_t s = 0; s < inputs.size(); ++s) {
    if (!inputs[s].seg->terms().empty()) heap.emplace(inputs[s].seg->terms()[0].first, s);
  }
  std::vector<uint32_t> docs, tfs;
  while (!heap.empty()) {
    const std::string_view term = heap.top().first;
    docs.clear();
    tfs.clear();
    // Inputs pop in ascending input order for equal terms, so the new doc ids
    // stay ascending.
    while (!heap.empty() && heap.top().first == term) {
      const size_t s = heap.top().second;
      heap.pop();
      const segment& seg = *inputs[s].seg;
      const term_info& ti = seg.terms()[pos[s]].second;
      for (postings_iterator it = seg.postings(ti); it.doc() != terminated; it.advance()) {
        const uint32_t nd = remap[s][it.doc()];
        if (nd == UINT32_MAX) continue;
        docs.push_back(nd);
        tfs.push_back(it.tf());
      }
      if (++pos[s] < seg.terms().size()) heap.emplace(seg.terms()[pos[s]].first, s);
    }
    if (!docs.empty()) ser.add_term(term, docs.data(), tfs.data(), static_cast<uint32_t>(docs.size()));
  }
  return ser.finish();
}

}  // namespace winnow::index
