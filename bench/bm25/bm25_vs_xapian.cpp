// bm25_vs_xapian: in one run, indexes the same documents in winnow and in
// Xapian (BM25Weight with winnow's k1 and b) and reports, per corpus, ingest
// docs/s, index bytes per posting, top-100 latency p50/p99 and QPS on one
// thread, and — for SciFact — nDCG@10 and recall@100 on the test queries,
// each with its winnow/Xapian ratio (bench_report.hpp).
//
//   bm25_vs_xapian [--scifact DIR] [--zipf-docs N] [--zipf-queries N]
//                  [--work DIR] [--passes N] [--markdown FILE]
//
// Both engines get the same documents in the same order and batches, and
// the same analyzed terms (xapian_engine.hpp). winnow's ingest is durable
// per batch (synced WAL); Xapian commits once at the end (its default
// behaviour, which favours it). Timings exclude generating or reading the
// corpus. This is a whole-system comparison, so it is a plain binary rather
// than a Google Benchmark fixture.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/beir_reader.hpp"
#include "app/evaluator.hpp"
#include "app/qrels.hpp"
#include "app/query_ranker.hpp"
#include "bench/bm25/bench_report.hpp"
#include "bench/bm25/xapian_engine.hpp"
#include "bench/bm25/zipf_corpus.hpp"
#include "common/clock.hpp"
#include "index/search_index.hpp"
#include "storage/db.hpp"

namespace winnow::bench {
namespace {

struct bench_options {
  std::string scifact;           // "" = skip SciFact
  uint64_t zipf_docs = 1000000;  // 0 = skip the synthetic corpus
  size_t zipf_queries = 1000;
  std::string work = "bench/out/bm25";
  int passes = 3;
  size_t batch = 1000;
  std::string markdown;
};

[[noreturn]] void die(const status& s) {
  std::fprintf(stderr, "bm25_vs_xapian: %s\n", s.to_string().c_str());
  std::exit(1);
}
template <class T>
T check(status_or<T> v) {
  if (!v.ok()) die(v.get_status());
  return std::move(v).value();
}
void check(const status& s) {
  if (!s.ok()) die(s);
}

double now_s() { return static_cast<double>(monotonic_now_ns()) / 1e9; }

uint64_t dir_bytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
    if (e.is_regular_file(ec)) total += e.file_size(ec);
  }
  return total;
}

using doc_source = std::function<storage::document(uint64_t)>;

// The two engines over one corpus.
struct engines {
  std::unique_ptr<storage::db> db;
  std::unique_ptr<index::search_index> index;
  std::unique_ptr<xapian_engine> xapian;
  std::string winnow_dir, xapian_dir;
  ~engines() { index.reset(); }
};

// winnow's BM25 over the one index, without the engine around it.
class winnow_ranker final : public app::query_ranker {
 public:
  explicit winnow_ranker(const index::search_index& index) : index_(index) {}
  status_or<std::vector<index::hit>> rank(std::string_view query, size_t k) const override {
    return index_.search(query, k);
  }

 private:
  const index::search_index& index_;
};

class xapian_ranker final : public app::query_ranker {
 public:
  xapian_ranker(const index::search_index& analyzer, const xapian_engine& xapian)
      : analyzer_(analyzer), xapian_(xapian) {}
  status_or<std::vector<index::hit>> rank(std::string_view query, size_t k) const override {
    WINNOW_ASSIGN_OR_RETURN(auto terms, analyzer_.analyze(query));
    return xapian_.search(terms, k);
  }

 private:
  const index::search_index& analyzer_;
  const xapian_engine& xapian_;
};

void build(engines& e, const std::string& dir, uint64_t count, const doc_source& source,
           const bench_options& o, corpus_figures& fig) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  e.winnow_dir = dir + "/winnow";
  e.xapian_dir = dir + "/xapian";
  e.db = check(storage::db::open(e.winnow_dir, storage::db_options{}));
  e.index = check(index::search_index::open(*e.db, index::index_options{}));
  const auto& bm25 = e.index->options().bm25;
  e.xapian = check(xapian_engine::create(e.xapian_dir, bm25.k1, bm25.b));

  std::vector<storage::document> batch;
  double winnow_s = 0, xapian_s = 0, analysis_s = 0;
  for (uint64_t start = 0; start < count; start += o.batch) {
    batch.clear();
    for (uint64_t i = start; i < count && i < start + o.batch; ++i) batch.push_back(source(i));
    double t = now_s();
    check(e.db->put_documents(batch));
    check(e.index->add(batch));
    winnow_s += now_s() - t;
    t = now_s();
    for (const auto& d : batch) {
      const double a = now_s();
      const auto terms = check(e.index->analyze(d.title + " " + d.text));
      analysis_s += now_s() - a;
      check(e.xapian->add(d.id, terms, d.title + "\n" + d.text));
    }
    xapian_s += now_s() - t;
    if ((start / o.batch) % 100 == 99) {
      std::fprintf(stderr, "  %s: %llu / %llu docs\n", fig.name.c_str(),
                   static_cast<unsigned long long>(start + batch.size()),
                   static_cast<unsigned long long>(count));
    }
  }
  double t = now_s();
  check(e.index->flush());
  winnow_s += now_s() - t;
  t = now_s();
  check(e.index->force_merge());
  fig.winnow.merge_s = now_s() - t;
  t = now_s();
  check(e.xapian->commit());
  xapian_s += now_s() - t;

  fig.docs = count;
  fig.winnow.docs = fig.xapian.docs = count;
  fig.winnow.ingest_s = winnow_s;
  fig.xapian.ingest_s = xapian_s;
  fig.xapian.analysis_s = analysis_s;
  const auto stats = e.index->stats();
  fig.winnow.postings = stats.postings;
  fig.winnow.index_bytes = stats.bytes;
  fig.winnow.total_bytes = dir_bytes(e.winnow_dir);
  fig.xapian.postings = check(e.xapian->postings());
  fig.xapian.index_bytes = e.xapian->postlist_bytes();
  fig.xapian.total_bytes = e.xapian->total_bytes();
}

// One warm-up pass, then `passes` timed passes over the queries, alternating
// engines pass by pass so that neither always runs on a colder machine.
void time_queries(const app::query_ranker& w, const app::query_ranker& x,
                  const std::vector<std::string>& queries, const bench_options& o,
                  corpus_figures& fig) {
  std::vector<double> wl, xl;
  double w_total = 0, x_total = 0;
  auto run = [&](const app::query_ranker& r, std::vector<double>* lat, double* total) {
    for (const auto& q : queries) {
      const time_point_ns start = monotonic_now_ns();
      auto hits = r.rank(q, 100);
      const double ms = static_cast<double>(monotonic_now_ns() - start) / 1e6;
      check(hits.get_status());
      if (lat != nullptr) {
        lat->push_back(ms);
        *total += ms / 1e3;
      }
    }
  };
  run(w, nullptr, nullptr);
  run(x, nullptr, nullptr);
  for (int p = 0; p < o.passes; ++p) {
    if (p % 2 == 0) {
      run(w, &wl, &w_total);
      run(x, &xl, &x_total);
    } else {
      run(x, &xl, &x_total);
      run(w, &wl, &w_total);
    }
  }
  fig.queries = queries.size();
  fig.winnow.latency = app::summarize_latency(wl);
  fig.xapian.latency = app::summarize_latency(xl);
  fig.winnow.qps = w_total > 0 ? wl.size() / w_total : 0;
  fig.xapian.qps = x_total > 0 ? xl.size() / x_total : 0;
}

corpus_figures run_scifact(const bench_options& o) {
  corpus_figures fig;
  fig.name = "SciFact (BEIR), test queries";
  std::vector<storage::document> docs;
  {
    auto reader = check(app::beir_corpus_reader::open(o.scifact + "/corpus.jsonl.gz"));
    app::beir_document d;
    while (check(reader->next(&d))) docs.push_back({d.id, d.title, d.text, d.metadata_json});
  }
  const auto queries = check(app::read_queries(o.scifact + "/queries.jsonl"));
  const auto judged = check(app::read_qrels(o.scifact + "/qrels/test.tsv"));

  engines e;
  build(e, o.work + "/scifact", docs.size(), [&](uint64_t i) { return docs[i]; }, o, fig);
  const winnow_ranker w(*e.index);
  xapian_ranker x(*e.index, *e.xapian);

  const auto wq = check(app::evaluate(w, queries, judged, {}));
  const auto xq = check(app::evaluate(x, queries, judged, {}));
  fig.winnow.ndcg_at_10 = wq.ndcg_at_10;
  fig.winnow.recall_at_100 = wq.recall_at_100;
  fig.xapian.ndcg_at_10 = xq.ndcg_at_10;
  fig.xapian.recall_at_100 = xq.recall_at_100;

  std::vector<std::string> texts;
  for (const auto& q : queries) {
    auto it = judged.find(q.id);
    if (it != judged.end() && app::relevant_count(it->second) > 0) texts.push_back(q.text);
  }
  time_queries(w, x, texts, o, fig);
  return fig;
}

corpus_figures run_zipf(const bench_options& o) {
  corpus_figures fig;
  fig.name = "Synthetic Zipfian corpus (s = 1.07, 200k words, seed 1)";
  const zipf_corpus corpus(zipf_options{});
  engines e;
  build(e, o.work + "/zipf", o.zipf_docs, [&](uint64_t i) { return corpus.document(i); }, o, fig);
  const winnow_ranker w(*e.index);
  xapian_ranker x(*e.index, *e.xapian);
  time_queries(w, x, corpus.queries(o.zipf_queries), o, fig);
  return fig;
}

bench_options parse(int argc, char** argv) {
  bench_options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(status::invalid_argument(a + " needs a value"));
      return argv[++i];
    };
    if (a == "--scifact") o.scifact = value();
    else if (a == "--zipf-docs") o.zipf_docs = std::stoull(value());
    else if (a == "--zipf-queries") o.zipf_queries = std::stoull(value());
    else if (a == "--work") o.work = value();
    else if (a == "--passes") o.passes = std::stoi(value());
    else if (a == "--batch") o.batch = std::stoull(value());
    else if (a == "--markdown") o.markdown = value();
    else die(status::invalid_argument("unknown argument " + a));
  }
  return o;
}

}  // namespace
}  // namespace winnow::bench

int main(int argc, char** argv) {
  using namespace winnow::bench;
  const bench_options o = parse(argc, argv);
  std::string report;
  if (!o.scifact.empty()) {
    std::fprintf(stderr, "SciFact from %s\n", o.scifact.c_str());
    report += render_markdown(run_scifact(o)) + "\n";
  }
  if (o.zipf_docs > 0) {
    std::fprintf(stderr, "Zipfian corpus, %llu documents\n",
                 static_cast<unsigned long long>(o.zipf_docs));
    report += render_markdown(run_zipf(o)) + "\n";
  }
  std::printf("%s", report.c_str());
  if (!o.markdown.empty()) {
    std::FILE* f = std::fopen(o.markdown.c_str(), "w");
    if (f != nullptr) {
      std::fputs(report.c_str(), f);
      std::fclose(f);
    }
  }
  return 0;
}
