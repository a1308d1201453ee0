#pragma once
// Figures bm25_vs_xapian measures for one engine on one corpus, and their
// side-by-side rendering as a Markdown table with winnow/Xapian ratios.

#include <cstdint>
#include <optional>
#include <string>

#include "app/eval_metrics.hpp"

namespace winnow::bench {

struct engine_figures {
  uint64_t docs = 0;
  double ingest_s = 0;        // store + index + final flush/commit (not the merge)
  double merge_s = 0;         // winnow's force_merge after ingest (0 for Xapian)
  double analysis_s = 0;      // Xapian: part of ingest_s spent in winnow's analyzer
  uint64_t postings = 0;      // (term, doc) pairs
  uint64_t index_bytes = 0;   // winnow: segment bytes; Xapian: postlist.glass
  uint64_t total_bytes = 0;   // the engine's whole directory on disk
  app::latency_summary latency;  // top-100, single thread, per query
  double qps = 0;             // queries / total query time (single thread)
  std::optional<double> ndcg_at_10;
  std::optional<double> recall_at_100;

  double docs_per_s() const { return ingest_s > 0 ? docs / ingest_s : 0; }
  double bytes_per_posting() const {
    return postings > 0 ? static_cast<double>(index_bytes) / postings : 0;
  }
};

struct corpus_figures {
  std::string name;
  uint64_t docs = 0;
  size_t queries = 0;
  engine_figures winnow;
  engine_figures xapian;
};

// A Markdown section: a heading with the corpus and a table of metric /
// winnow / Xapian / ratio rows.
std::string render_markdown(const corpus_figures& c);

}  // namespace winnow::bench
