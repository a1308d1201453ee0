#include "index/search/max_score_scorer.hpp"

#include <algorithm>
#include <cmath>

namespace winnow::index {

namespace {

struct cursor {
  postings_iterator it;
  float weight;
  float upper_bound;
  uint32_t query_pos;
};

// Pruning compares partial sums with bounds; summation order and rounding
// may differ from the final score by a few ulps, so pruning tests use a
// threshold lowered by this relative margin (it only costs a little pruning).
constexpr float prune_margin = 1e-5f;

float lowered(float threshold) { return threshold - std::fabs(threshold) * prune_margin; }

}  // namespace

void max_score_search(const segment_reader& reader, const std::vector<query_term>& terms,
                      const bm25_norm_table& norms, top_k_collector* collector) {
  const segment& seg = *reader.seg;
  std::vector<cursor> cs;
  cs.reserve(terms.size());
  for (uint32_t q = 0; q < terms.size(); ++q) {
    if (terms[q].weight <= 0) continue;
    const term_info* ti = seg.find_term(terms[q].term);
    if (ti == nullptr) continue;
    cursor c{seg.postings(*ti), terms[q].weight, 0.f, q};
    float ub = 0;
    for (uint32_t b = 0; b < c.it.blocks(); ++b) {
      const skip_entry e = c.it.block_entry(b);
      ub = std::max(ub, bm25_term_score(c.weight, e.max_tf, norms[e.min_norm]));
    }
    c.upper_bound = ub;
    cs.push_back(std::move(c));
  }
  if (cs.empty()) return;
  std::sort(cs.begin(), cs.end(), [](const cursor& a, const cursor& b) {
    return a.upper_bound < b.upper_bound || (a.upper_bound == b.upper_bound && a.query_pos < b.query_pos);
  });
  const size_t n = cs.size();
  std::vector<float> prefix(n);  // prefix[i] = sum of bounds of cs[0..i], rounded up a little
  float run = 0;
  for (size_t i = 0; i < n; ++i) {
    run += cs[i].upper_bound;
    prefix[i] = run * (1 + prune_margin);
  }
  std::vector<float> contrib(terms.size(), 0.f);
  const uint8_t* doc_norms = seg.norms();

  float theta = lowered(collector->threshold());
  size_t essential = 0;  // cs[essential..n) are essential
  while (essential < n && prefix[essential] < theta) ++essential;

  // The window test is only an optimization (skipping it is always correct),
  // so where it keeps failing it is tried less often: after a failed test
  // the next one waits `stride` more docs, doubling up to max_stride.
  constexpr uint32_t max_stride = 1u << 16;
  uint64_t next_test = 0;
  uint32_t stride = 0;
  bool full = collector->full();
  while (essential < n) {
    uint32_t d = terminated;
    for (size_t i = essential; i < n; ++i) d = std::min(d, cs[i].it.doc());
    if (d == terminated) break;
    if (full && d >= next_test) {
      // Block-max window [BLOCK_MAX]: each essential list's current block at d
      // covers d..its last doc, so up to the smallest of those last docs no
      // document can score more than the sum of those blocks' bounds plus the
      // non-essential lists' whole-list bounds. If that cannot reach the
      // threshold, the essential lists jump past the window.
      uint32_t up_to = terminated;
      float bound = essential > 0 ? prefix[essential - 1] : 0.f;
      for (size_t i = essential; i < n; ++i) {
        if (!cs[i].it.shallow_seek(d)) continue;  // list exhausted: contributes nothing
        up_to = std::min(up_to, cs[i].it.shallow_last_doc());
        bound += bm25_term_score(cs[i].weight, cs[i].it.shallow_max_tf(), norms[cs[i].it.shallow_min_norm()]);
      }
      if (bound * (1 + prune_margin) < theta) {
        if (up_to == terminated) break;
        for (size_t i = essential; i < n; ++i) cs[i].it.seek(up_to + 1);
        stride = 0;
        next_test = 0;
        continue;
      }
      next_test = static_cast<uint64_t>(up_to) + 1 + stride;
      stride = stride == 0 ? 64 : std::min(max_stride, stride * 2);
    }
    if (reader.is_deleted(d)) {
      for (size_t i = essential; i < n; ++i) if (cs[i].it.doc() == d) cs[i].it.advance();
      continue;
    }
    const float norm = norms[doc_norms[d]];
    float partial = 0;
    for (size_t i = essential; i < n; ++i) {
      if (cs[i].it.doc() != d) continue;
      const float s = bm25_term_score(cs[i].weight, cs[i].it.tf(), norm);
      contrib[cs[i].query_pos] = s;
      partial += s;
      cs[i].it.advance();
    }
    bool qualifies = true;
    for (size_t i = essential; i-- > 0;) {
      if (partial + prefix[i] < theta) { qualifies = false; break; }
      cs[i].it.seek(d);
      if (cs[i].it.doc() == d) {
        const float s = bm25_term_score(cs[i].weight, cs[i].it.tf(), norm);
        contrib[cs[i].query_pos] = s;
        partial += s;
      }
    }
    if (qualifies) {
      float score = 0;
      for (float x : contrib) score += x;  // query order [query_terms.hpp]
      if (collector->collect(score, seg.external_id(d))) {
        full = collector->full();
        theta = lowered(collector->threshold());
        while (essential < n && prefix[essential] < theta) ++essential;
      }
    }
    std::fill(contrib.begin(), contrib.end(), 0.f);  // a few floats: cheaper than tracking
  }
}

}  // namespace winnow::index
