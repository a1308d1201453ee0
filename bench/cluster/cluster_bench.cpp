// cluster_bench — the cost of going multi-node, measured on loopback with the
// real binary: the same documents and queries against
//   single   `winnow serve` (one process, [engine] shards = 2)
//   cluster  `winnow serve --node` x 3: a frontend and two shard nodes
//            (shards 0 and 1), plain BASP on 127.0.0.1
// BM25 mode (no model), so the difference is the network hop of the coarse
// stage (qstats + search to every shard) and of ingest (documents to their
// shard's node, stored there too).
//
//   cluster_bench [--docs 5000] [--queries 2000] [--clients 4] [--dir /tmp/x]
//
// Prints one JSON object per measurement and the cluster/single ratios.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/cluster/cluster_harness.hpp"

namespace winnow::cluster_test {
namespace {

struct options {
  size_t docs = 5000;
  size_t queries = 2000;
  unsigned clients = 4;
  std::string dir;
};

struct figures {
  double ingest_docs_per_s = 0;
  double p50_us = 0, p99_us = 0;
  double qps = 0;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

std::vector<std::string> make_queries(size_t n) {
  std::mt19937_64 rng(99);
  const auto& v = vocabulary();
  std::vector<std::string> q;
  for (size_t i = 0; i < n; ++i) q.push_back(v[rng() % v.size()] + " " + v[rng() % v.size()]);
  return q;
}

// Starts a process and returns the HTTP port from its "serving on" line (0 on failure).
uint16_t start_frontend(node_process& p, const std::vector<std::string>& args, const std::string& log) {
  if (!p.start(args, log)) return 0;
  auto line = p.wait_for("serving on http://", std::chrono::seconds(60));
  if (!line) return 0;
  return static_cast<uint16_t>(std::stoi(line->substr(line->find("127.0.0.1:") + 10)));
}

figures measure(uint16_t port, const std::vector<test_doc>& corpus, const std::vector<std::string>& qs,
                unsigned clients) {
  figures f;
  // Ingest in batches of 500; done when the last document is searchable.
  const auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < corpus.size(); i += 500) {
    std::vector<test_doc> batch(corpus.begin() + i, corpus.begin() + std::min(corpus.size(), i + 500));
    post_docs(port, batch);
  }
  const std::string last = corpus.back().text.substr(corpus.back().text.rfind(' ') + 1);
  for (;;) {
    json r = search(port, last, "bm25", 1);
    if (r.contains("results") && !r["results"].empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  f.ingest_docs_per_s = static_cast<double>(corpus.size()) /
                        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // Latency: one keep-alive client, one query at a time.
  {
    http::testing::test_client c(port);
    std::vector<double> us;
    for (const auto& q : qs) {
      const auto s = std::chrono::steady_clock::now();
      auto r = c.request("POST", "/v1/search", json{{"query", q}, {"k", 10}, {"mode", "bm25"}}.dump());
      us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - s).count());
      if (r.status != 200) std::fprintf(stderr, "search failed: %s\n", r.body.c_str());
    }
    f.p50_us = percentile(us, 0.5);
    f.p99_us = percentile(us, 0.99);
  }
  // Throughput: `clients` keep-alive clients sharing the query list.
  {
    std::atomic<size_t> next{0};
    const auto s = std::chrono::steady_clock::now();
    std::vector<std::thread> ts;
    for (unsigned i = 0; i < clients; ++i) {
      ts.emplace_back([&] {
        http::testing::test_client c(port);
        for (size_t k = next++; k < qs.size(); k = next++)
          c.request("POST", "/v1/search", json{{"query", qs[k]}, {"k", 10}, {"mode", "bm25"}}.dump());
      });
    }
    for (auto& t : ts) t.join();
    f.qps = static_cast<double>(qs.size()) /
            std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
  }
  return f;
}

void print(const char* setup, const options& o, const figures& f) {
  std::printf(
      "{\"setup\":\"%s\",\"docs\":%zu,\"queries\":%zu,\"clients\":%u,\"ingest_docs_per_s\":%.0f,"
      "\"p50_us\":%.0f,\"p99_us\":%.0f,\"qps\":%.0f}\n",
      setup, o.docs, o.queries, o.clients, f.ingest_docs_per_s, f.p50_us, f.p99_us, f.qps);
  std::fflush(stdout);
}

int run(const options& o) {
  const std::string dir = o.dir.empty() ? std::filesystem::temp_directory_path().string() + "/winnow-cluster-bench-" +
                                              std::to_string(::getpid())
                                        : o.dir;
  std::filesystem::create_directories(dir);
  const std::string bin = std::string(WINNOW_BINARY_DIR) + "/app/winnow";
  auto corpus = make_corpus(o.docs, 2026);
  auto qs = make_queries(o.queries);

  cluster_setup c;
  c.shards = 2;
  // [cluster] requires a gpu node; the frontend (and the single node) hold
  // the CPU device, so both setups encode the documents in the background.
  c.model_dir = std::string(WINNOW_SOURCE_DIR) + "/models/all-MiniLM-L6-v2";
  c.heartbeat_ms = 1000;
  c.timeout_ms = 5000;
  figures single, cluster;
  {
    c.data_dir = dir + "/single";
    const std::string cfg = write_file(dir + "/single.toml", toml_of(c, false));
    node_process p;
    uint16_t port = start_frontend(p, {bin, "serve", "--config", cfg, "--listen", "127.0.0.1:0"}, dir + "/single.log");
    if (port == 0) return std::fprintf(stderr, "single node did not start:\n%s\n", p.log_text().c_str()), 1;
    single = measure(port, corpus, qs, o.clients);
    print("single", o, single);
  }
  {
    c.data_dir = dir + "/cluster";
    c.nodes = {{"front", "\"frontend\", \"gpu\"", "", free_port()},
               {"shard-a", "\"shard\"", "0", free_port()},
               {"shard-b", "\"shard\"", "1", free_port()}};
    const std::string cfg = write_file(dir + "/cluster.toml", toml_of(c));
    node_process a, b, f;
    for (auto [p, name] : {std::pair{&a, "shard-a"}, std::pair{&b, "shard-b"}}) {
      if (!p->start({bin, "serve", "--config", cfg, "--node", name}, dir + "/" + name + ".log") ||
          !p->wait_for("ready (data in", std::chrono::seconds(60)))
        return std::fprintf(stderr, "%s did not start:\n%s\n", name, p->log_text().c_str()), 1;
    }
    uint16_t port = start_frontend(f, {bin, "serve", "--config", cfg, "--node", "front", "--listen", "127.0.0.1:0"}, dir + "/front.log");
    if (port == 0) return std::fprintf(stderr, "frontend did not start:\n%s\n", f.log_text().c_str()), 1;
    cluster = measure(port, corpus, qs, o.clients);
    print("cluster-3-nodes", o, cluster);
  }
  std::printf("{\"ratio\":\"cluster/single\",\"ingest\":%.2f,\"p50\":%.2f,\"p99\":%.2f,\"qps\":%.2f}\n",
              cluster.ingest_docs_per_s / single.ingest_docs_per_s, cluster.p50_us / single.p50_us,
              cluster.p99_us / single.p99_us, cluster.qps / single.qps);
  std::error_code ec;
  if (o.dir.empty()) std::filesystem::remove_all(dir, ec);
  return 0;
}

}  // namespace
}  // namespace winnow::cluster_test

int main(int argc, char** argv) {
  winnow::cluster_test::options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--docs") o.docs = std::stoul(v);
    else if (k == "--queries") o.queries = std::stoul(v);
    else if (k == "--clients") o.clients = static_cast<unsigned>(std::stoul(v));
    else if (k == "--dir") o.dir = v;
    else return std::fprintf(stderr, "unknown option %s\n", k.c_str()), 2;
  }
  return winnow::cluster_test::run(o);
}
