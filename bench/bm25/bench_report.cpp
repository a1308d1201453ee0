#include "bench/bm25/bench_report.hpp"

#include <cstdio>

namespace winnow::bench {

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string row(const std::string& metric, double w, double x, const char* f,
                bool higher_is_better) {
  const std::string ratio = x > 0 ? fmt("%.2f×", w / x) : "–";
  return "| " + metric + " | " + fmt(f, w) + " | " + fmt(f, x) + " | " + ratio + " | " +
         (higher_is_better ? "higher" : "lower") + " is better |\n";
}

}  // namespace

std::string render_markdown(const corpus_figures& c) {
  const engine_figures& w = c.winnow;
  const engine_figures& x = c.xapian;
  std::string out = "### " + c.name + " (" + std::to_string(c.docs) + " documents, " +
                    std::to_string(c.queries) + " queries)\n\n";
  out += "| metric | winnow | Xapian | winnow/Xapian | |\n|---|---:|---:|---:|---|\n";
  out += row("ingest docs/s", w.docs_per_s(), x.docs_per_s(), "%.0f", true);
  if (x.analysis_s > 0 && x.ingest_s > x.analysis_s) {
    out += row("ingest docs/s, Xapian without analysis", w.docs_per_s(),
               x.docs / (x.ingest_s - x.analysis_s), "%.0f", true);
  }
  out += row("ingest seconds", w.ingest_s, x.ingest_s, "%.2f", false);
  out += row("index bytes / posting", w.bytes_per_posting(), x.bytes_per_posting(), "%.3f", false);
  out += row("postings", static_cast<double>(w.postings), static_cast<double>(x.postings), "%.0f",
             true);
  out += row("directory MiB (docs + index)", w.total_bytes / 1048576.0, x.total_bytes / 1048576.0,
             "%.1f", false);
  out += row("top-100 latency p50 ms", w.latency.p50_ms, x.latency.p50_ms, "%.3f", false);
  out += row("top-100 latency p99 ms", w.latency.p99_ms, x.latency.p99_ms, "%.3f", false);
  out += row("QPS (1 thread)", w.qps, x.qps, "%.0f", true);
  if (w.ndcg_at_10 && x.ndcg_at_10) {
    out += row("nDCG@10", *w.ndcg_at_10, *x.ndcg_at_10, "%.4f", true);
  }
  if (w.recall_at_100 && x.recall_at_100) {
    out += row("recall@100", *w.recall_at_100, *x.recall_at_100, "%.4f", true);
  }
  if (w.merge_s > 0) out += "\nwinnow force_merge after ingest: " + fmt("%.2f s", w.merge_s) + "\n";
  return out;
}

}  // namespace winnow::bench
