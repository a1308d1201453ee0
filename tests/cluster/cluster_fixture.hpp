#pragma once
// What the cluster tests add to the harness: a runner for the nodes of one
// test cluster, bounded polling, ranking comparison, and a reference
// single-node engine (in process) over the same documents.

#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "actors/engine.hpp"
#include "config/load_config.hpp"
#include "tests/cluster/cluster_harness.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::cluster_test {

// ---- reference engine ------------------------------------------------------------------

struct ranked {
  std::string id;
  double score = 0;
  bool has_dense = false;
};

inline std::vector<ranked> ranked_of(const json& response) {
  std::vector<ranked> out;
  if (!response.contains("results")) return out;
  for (const auto& h : response["results"])
    out.push_back({h["id"].get<std::string>(), h["score"].get<double>(), h.contains("dense_score")});
  return out;
}

// Same ids in the same order, scores equal within `tol`.
inline ::testing::AssertionResult same_ranking(const std::vector<ranked>& a, const std::vector<ranked>& b,
                                               double tol) {
  if (a.size() != b.size())
    return ::testing::AssertionFailure() << "sizes " << a.size() << " vs " << b.size();
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].id != b[i].id || std::abs(a[i].score - b[i].score) > tol)
      return ::testing::AssertionFailure() << "rank " << i << ": " << a[i].id << " (" << a[i].score
                                           << ") vs " << b[i].id << " (" << b[i].score << ")";
  }
  return ::testing::AssertionSuccess();
}

}  // namespace winnow::cluster_test

namespace winnow::cluster_test {

// The nodes of one test cluster, by name; all killed when it dies.
class cluster_runner {
 public:
  cluster_runner(std::string dir, std::string config) : dir_(std::move(dir)), config_(std::move(config)) {}

  // Starts `winnow serve --config C --node NAME` and waits for its ready line;
  // for a frontend, http_port() is then known. False (with the log) on failure.
  // `prefix` runs the node through another command (e.g. `ip netns exec NS`).
  ::testing::AssertionResult start(const std::string& name, bool frontend = false,
                                   std::chrono::milliseconds timeout = 60s,
                                   std::vector<std::string> prefix = {}) {
    auto& p = procs_[name];
    if (p) p->kill_now();
    p = std::make_unique<node_process>();
    const std::string log = dir_ + "/" + name + ".log";
    std::vector<std::string> args = std::move(prefix);
    args.insert(args.end(), {winnow_binary(), "serve", "--config", config_, "--node", name, "--io-threads", "1",
                              "--listen", "127.0.0.1:0"});
    if (!p->start(args, log))
      return ::testing::AssertionFailure() << "cannot spawn " << winnow_binary();
    const size_t skip = 0;
    auto line = p->wait_for(frontend ? "serving on http://" : "ready (data in", timeout, skip);
    if (!line) return ::testing::AssertionFailure() << name << " did not start:\n" << p->log_text();
    if (frontend) {
      auto at = line->find("127.0.0.1:");
      http_port_ = static_cast<uint16_t>(std::stoi(line->substr(at + 10)));
    }
    return ::testing::AssertionSuccess();
  }

  node_process& node(const std::string& name) { return *procs_.at(name); }
  uint16_t http_port() const { return http_port_; }

 private:
  std::string dir_, config_;
  std::map<std::string, std::unique_ptr<node_process>> procs_;
  uint16_t http_port_ = 0;
};

// Polls `check` every 20 ms until it returns true or `timeout` passes.
template <class F>
bool eventually(std::chrono::milliseconds timeout, F check) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (check()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(20ms);
  }
}

// A single-node engine over the same documents: the answer a cluster must give.
class reference_engine {
 public:
  ::testing::AssertionResult open(const cluster_setup& c, const std::string& dir, bool model) {
    cluster_setup one = c;
    one.shards = 1;
    one.data_dir = dir + "/reference-data";
    auto cfg = config::load_config(write_file(dir + "/reference.toml", toml_of(one, false)));
    if (!cfg.ok()) return ::testing::AssertionFailure() << cfg.get_status().to_string();
    actors::engine_options o;
    o.load_model = model;
    auto e = actors::engine::open(std::move(cfg).value(), o);
    if (!e.ok()) return ::testing::AssertionFailure() << e.get_status().to_string();
    engine_ = std::move(e).value();
    return ::testing::AssertionSuccess();
  }

  void ingest(const std::vector<test_doc>& docs) {
    std::vector<storage::document> v;
    for (const auto& d : docs) v.push_back({d.id, d.title, d.text, ""});
    ASSERT_OK(engine_->ingest(std::move(v)));
    ASSERT_OK(engine_->wait_until_searchable(60s));
  }

  std::vector<ranked> search(const std::string& q, const std::string& mode, uint32_t k = 10) {
    actors::search_query sq;
    sq.text = q;
    sq.k = k;
    sq.mode = mode == "bm25" ? actors::query_mode::bm25 : actors::query_mode::hybrid;
    auto r = engine_->search(sq);
    std::vector<ranked> out;
    if (!r.ok()) return out;
    for (const auto& h : r->hits) out.push_back({h.id, h.score, h.has_cosine});
    return out;
  }

 private:
  std::unique_ptr<actors::engine> engine_;
};

}  // namespace winnow::cluster_test
