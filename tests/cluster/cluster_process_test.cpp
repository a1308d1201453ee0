// A real cluster on loopback: `winnow serve --node` processes (frontend, shard
// nodes, gpu nodes with the CPU device) started from the built binary, killed
// (SIGKILL), frozen (SIGSTOP) and restarted, checked against a single-node
// engine over the same documents. Every wait is bounded; every child is
// killed in teardown (cluster_runner / node_process destructors).

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "actors/policy/shard_of.hpp"
#include "tests/cluster/cluster_fixture.hpp"

namespace winnow::cluster_test {
namespace {

using winnow::testing::temp_dir;

int64_t ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<uint32_t> missing_of(const json& r) {
  std::vector<uint32_t> m;
  if (r.contains("missing_shards"))
    for (const auto& x : r["missing_shards"]) m.push_back(x.get<uint32_t>());
  std::sort(m.begin(), m.end());
  return m;
}

// Every query answers like the reference (full, not partial).
bool answers_match(uint16_t port, reference_engine& ref, const std::string& mode, double tol,
                   std::string* why) {
  for (const auto& q : queries()) {
    json r = search(port, q, mode);
    if (!r.contains("partial") || r["partial"].get<bool>()) {
      *why = q + ": " + r.dump();
      return false;
    }
    auto same = same_ranking(ranked_of(r), ref.search(q, mode), tol);
    if (!same) {
      *why = q + ": " + same.message();
      return false;
    }
  }
  return true;
}

// A document id owned by one of `shards` (of `n`), starting the search at `from`.
std::string id_on(const std::vector<uint32_t>& shards, uint32_t n, int from) {
  for (int i = from;; ++i) {
    std::string id = "x" + std::to_string(i);
    uint32_t s = actors::policy::shard_of(id, n);
    if (std::find(shards.begin(), shards.end(), s) != shards.end()) return id;
  }
}

TEST(cluster_process, shard_loss_is_partial_refused_for_ingest_and_healed_by_restart) {
  temp_dir tmp;
  const std::string model = winnow::testing::model_dir();
  if (model.empty()) GTEST_SKIP() << "model files absent (scripts/setup fetches them)";
  cluster_setup c;
  c.model_dir = model;  // [cluster] needs a gpu node: the frontend has the CPU device
  c.data_dir = tmp.str() + "/data";
  c.shards = 4;
  c.mode = "bm25";
  c.nodes = {{"front", "\"frontend\", \"gpu\"", "", free_port()},
             {"shard-a", "\"shard\"", "0, 1", free_port()},
             {"shard-b", "\"shard\"", "2, 3", free_port()}};
  const std::string cfg = write_file(tmp.str() + "/cluster.toml", toml_of(c));
  cluster_runner cl(tmp.str(), cfg);
  ASSERT_TRUE(cl.start("shard-a"));
  ASSERT_TRUE(cl.start("shard-b"));
  ASSERT_TRUE(cl.start("front", true));
  const uint16_t port = cl.http_port();

  reference_engine ref;
  ASSERT_TRUE(ref.open(c, tmp.str(), false));
  auto corpus = make_corpus(40, 7);
  json ack = post_docs(port, corpus);
  ASSERT_EQ(ack.value("accepted", 0), 40u) << ack.dump();
  ref.ingest(corpus);
  std::string why;
  ASSERT_TRUE(eventually(10s, [&] { return answers_match(port, ref, "bm25", 1e-9, &why); })) << why;

  // SIGKILL shard-b: answers become partial, naming shards 2 and 3.
  cl.node("shard-b").signal(SIGKILL);
  auto t0 = std::chrono::steady_clock::now();
  json partial;
  ASSERT_TRUE(eventually(5s, [&] {
    partial = search(port, queries()[0], "bm25");
    return partial.value("partial", false);
  })) << partial.dump();
  std::printf("[ cluster  ] killed shard node noticed after %lld ms\n", static_cast<long long>(ms_since(t0)));
  EXPECT_EQ(missing_of(partial), (std::vector<uint32_t>{2, 3}));
  for (const auto& h : partial["results"]) {
    uint32_t s = actors::policy::shard_of(h["id"].get<std::string>(), 4);
    EXPECT_TRUE(s == 0 || s == 1) << h.dump();
  }

  // Ingest for a missing shard is refused, naming it; the others are stored.
  test_doc lost{id_on({2, 3}, 4, 0), "lost", "storm lantern"};
  test_doc kept{id_on({0, 1}, 4, 0), "kept", "storm lantern"};
  json mixed = post_docs(port, {lost, kept});
  ASSERT_EQ(mixed["documents"].size(), 2u) << mixed.dump();
  EXPECT_EQ(mixed["documents"][0]["state"], "rejected");
  const std::string err = mixed["documents"][0].value("error", "");
  EXPECT_NE(err.find("shard-b"), std::string::npos) << err;
  EXPECT_NE(err.find("unavailable"), std::string::npos) << err;
  EXPECT_EQ(mixed["documents"][1]["state"], "accepted") << mixed.dump();
  ref.ingest({kept});

  // Restart shard-b (same data): full answers again, equal to the reference.
  ASSERT_TRUE(cl.start("shard-b"));
  ASSERT_TRUE(eventually(15s, [&] { return answers_match(port, ref, "bm25", 1e-9, &why); })) << why;
  EXPECT_TRUE(cl.node("front").wait_for("node \"shard-b\"", 1s).has_value());
  EXPECT_NE(cl.node("front").log_text().find("is back"), std::string::npos);

  // SIGSTOP shard-a (a frozen host: no FIN): the heartbeat timeout notices it.
  cl.node("shard-a").signal(SIGSTOP);
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually(10s, [&] {
    partial = search(port, queries()[1], "bm25");
    return partial.value("partial", false);
  })) << partial.dump();
  const int64_t frozen_ms = ms_since(t0);
  std::printf("[ cluster  ] frozen shard node noticed after %lld ms (heartbeat %llu ms, timeout %llu ms)\n",
              static_cast<long long>(frozen_ms), static_cast<unsigned long long>(c.heartbeat_ms),
              static_cast<unsigned long long>(c.timeout_ms));
  ::testing::Test::RecordProperty("frozen_detection_ms", std::to_string(frozen_ms));
  EXPECT_EQ(missing_of(partial), (std::vector<uint32_t>{0, 1}));
  cl.node("shard-a").signal(SIGCONT);
  ASSERT_TRUE(eventually(15s, [&] { return answers_match(port, ref, "bm25", 1e-9, &why); })) << why;
}


// Every document of `docs` has its vector at the frontend: its unique token
// finds it in hybrid mode with a dense score.
bool all_encoded(uint16_t port, const std::vector<test_doc>& docs, std::string* why) {
  for (const auto& d : docs) {
    const std::string token = d.text.substr(d.text.rfind(' ') + 1);
    json r = search(port, token, "hybrid", 1);
    auto hits = ranked_of(r);
    if (hits.empty() || hits[0].id != d.id || !hits[0].has_dense) {
      *why = d.id + ": " + r.dump();
      return false;
    }
  }
  return true;
}

TEST(cluster_process, gpu_node_lost_mid_ingest_loses_no_document) {
  const std::string model = winnow::testing::model_dir();
  if (model.empty()) GTEST_SKIP() << "model files absent (scripts/setup fetches them)";
  temp_dir tmp;
  cluster_setup c;
  c.data_dir = tmp.str() + "/data";
  c.shards = 2;
  c.mode = "hybrid";
  c.model_dir = model;
  // The frontend has its own device too: the lost node's work goes there.
  c.nodes = {{"front", "\"frontend\", \"gpu\"", "", free_port()},
             {"shard-a", "\"shard\"", "0, 1", free_port()},
             {"gpu-1", "\"gpu\"", "", free_port()}};
  const std::string cfg = write_file(tmp.str() + "/cluster.toml", toml_of(c));
  cluster_runner cl(tmp.str(), cfg);
  ASSERT_TRUE(cl.start("shard-a"));
  ASSERT_TRUE(cl.start("gpu-1"));
  ASSERT_TRUE(cl.start("front", true));
  const uint16_t port = cl.http_port();
  EXPECT_TRUE(cl.node("front").wait_for("node \"gpu-1\"", 1s).has_value());

  auto first = make_corpus(24, 11, 0);
  auto second = make_corpus(16, 12, 24);
  // gpu-1 freezes, then dies, with work in hand: the batches below are sent
  // to both gpu nodes (least loaded first) before the freeze is noticed, so
  // gpu-1 certainly holds some when it is killed.
  cl.node("gpu-1").signal(SIGSTOP);
  json ack;
  for (size_t i = 0; i < first.size(); i += 8) {
    ack = post_docs(port, std::vector<test_doc>(first.begin() + i, first.begin() + i + 8));
    ASSERT_EQ(ack.value("accepted", 0), 8u) << ack.dump();
  }
  cl.node("gpu-1").signal(SIGKILL);
  ack = post_docs(port, second);
  ASSERT_EQ(ack.value("accepted", 0), 16u) << ack.dump();
  auto all = first;
  all.insert(all.end(), second.begin(), second.end());
  std::string why;
  ASSERT_TRUE(eventually(60s, [&] { return all_encoded(port, all, &why); })) << why;
  EXPECT_TRUE(cl.node("front").wait_for("of lost gpu node \"gpu-1\"", 1s).has_value())
      << cl.node("front").log_text();

  // Hybrid answers equal a single-node engine's over the same documents.
  reference_engine ref;
  ASSERT_TRUE(ref.open(c, tmp.str(), true));
  ref.ingest(all);
  ASSERT_TRUE(eventually(10s, [&] { return answers_match(port, ref, "hybrid", 1e-3, &why); })) << why;

  // The gpu node comes back and is used again without restarting anything.
  ASSERT_TRUE(cl.start("gpu-1"));
  ASSERT_TRUE(cl.node("front").wait_for("\"gpu-1\" at", 10s, 0).has_value());
  ASSERT_TRUE(eventually(10s, [&] { return cl.node("front").log_text().find("is back") != std::string::npos; }))
      << cl.node("front").log_text();
  auto third = make_corpus(8, 13, 40);
  ack = post_docs(port, third);
  ASSERT_EQ(ack.value("accepted", 0), 8u) << ack.dump();
  ASSERT_TRUE(eventually(60s, [&] { return all_encoded(port, third, &why); })) << why;
}

// Certificates for the TLS test, made with the openssl CLI; false without it.
bool make_cert(const std::string& dir, const std::string& name, const std::string& pass) {
  std::string cmd = "openssl req -x509 -newkey rsa:2048 -days 2 -subj /CN=winnow-" + name + " -keyout " + dir +
                    "/" + name + ".key -out " + dir + "/" + name + ".pem " +
                    (pass.empty() ? "-nodes" : "-passout pass:" + pass) + " > /dev/null 2>&1";
  return std::system(cmd.c_str()) == 0;
}

TEST(cluster_process, tls_links_refuse_a_foreign_certificate_and_bad_files_stop_start_up) {
  temp_dir tmp;
  const std::string d = tmp.str();
  if (!make_cert(d, "node", "s3cret") || !make_cert(d, "rogue", "")) GTEST_SKIP() << "no openssl CLI";
  const std::string model = winnow::testing::model_dir();
  if (model.empty()) GTEST_SKIP() << "model files absent (scripts/setup fetches them)";
  cluster_setup c;
  c.model_dir = model;
  c.data_dir = d + "/data";
  c.shards = 2;
  c.nodes = {{"front", "\"frontend\", \"gpu\"", "", free_port()}, {"shard-a", "\"shard\"", "0, 1", free_port()}};
  c.tls = tls_files{d + "/node.pem", d + "/node.key", "s3cret", d + "/node.pem"};

  // Start-up checks: a wrong passphrase and an unknown node stop the process
  // with a clear message before any connection exists.
  {
    cluster_setup bad = c;
    bad.tls->passphrase = "wrong";
    const std::string cfg = write_file(d + "/bad.toml", toml_of(bad));
    node_process p;
    ASSERT_TRUE(p.start({winnow_binary(), "serve", "--config", cfg, "--node", "shard-a"}, d + "/bad.log"));
    EXPECT_EQ(p.wait_exit(20s), 2) << p.log_text();
    EXPECT_NE(p.log_text().find("node.key': cannot load the private key (wrong passphrase?"), std::string::npos)
        << p.log_text();
    node_process q;
    ASSERT_TRUE(q.start({winnow_binary(), "serve", "--config", cfg, "--node", "nobody"}, d + "/unknown.log"));
    EXPECT_EQ(q.wait_exit(20s), 2) << q.log_text();
    EXPECT_NE(q.log_text().find("unknown node 'nobody' (known nodes: front, shard-a)"), std::string::npos)
        << q.log_text();
  }

  const std::string cfg = write_file(d + "/cluster.toml", toml_of(c));
  cluster_runner cl(d, cfg);
  ASSERT_TRUE(cl.start("shard-a"));
  ASSERT_TRUE(cl.start("front", true));
  EXPECT_NE(cl.node("shard-a").log_text().find("mutual TLS"), std::string::npos);
  auto docs = make_corpus(12, 5);
  json ack = post_docs(cl.http_port(), docs);
  ASSERT_EQ(ack.value("accepted", 0), 12u) << ack.dump();
  json r;
  ASSERT_TRUE(eventually(10s, [&] {
    r = search(cl.http_port(), queries()[0], "bm25");
    return r.contains("partial") && !r["partial"].get<bool>() && !r["results"].empty();
  })) << r.dump();

  // A frontend with a self-signed certificate the cluster does not trust is
  // refused during the handshake, and says so.
  cluster_setup rogue = c;
  rogue.data_dir = d + "/rogue-data";
  rogue.nodes[0].port = free_port();
  rogue.tls = tls_files{d + "/rogue.pem", d + "/rogue.key", "", d + "/rogue.pem"};
  std::filesystem::create_directories(d + "/rogue");
  cluster_runner rc(d + "/rogue", write_file(d + "/rogue.toml", toml_of(rogue)));
  ASSERT_TRUE(rc.start("front", true));
  auto refused = rc.node("front").wait_for("cannot reach node \"shard-a\"", 10s);
  ASSERT_TRUE(refused.has_value()) << rc.node("front").log_text();
  EXPECT_NE(refused->find("TLS refused"), std::string::npos) << *refused;
  // The refusing node logs the refusal too.
  auto logged = cl.node("shard-a").wait_for("refused a TLS connection from 127.0.0.1:", 5s);
  ASSERT_TRUE(logged.has_value()) << cl.node("shard-a").log_text();
  EXPECT_NE(logged->find("SSL routines"), std::string::npos) << *logged;
  // The cluster itself is unaffected.
  r = search(cl.http_port(), queries()[0], "bm25");
  EXPECT_FALSE(r.value("partial", true)) << r.dump() << "\n" << cl.node("front").log_text() << "\n"
                                         << cl.node("shard-a").log_text();
}

// A network namespace holding one end of a veth pair; removed with the object.
class netns_link {
 public:
  netns_link() {
    const std::string id = std::to_string(::getpid() % 100000);
    ns_ = "wn" + id;
    host_if_ = "wnh" + id;
    peer_if_ = "wnp" + id;
    const std::string net = "10.77." + std::to_string(::getpid() % 250) + ".";
    host_ip_ = net + "1";
    peer_ip_ = net + "2";
    ok_ = sh("ip netns add " + ns_) && sh("ip link add " + host_if_ + " type veth peer name " + peer_if_) &&
          sh("ip link set " + peer_if_ + " netns " + ns_) && sh("ip addr add " + host_ip_ + "/30 dev " + host_if_) &&
          sh("ip link set " + host_if_ + " up") && in_ns("ip addr add " + peer_ip_ + "/30 dev " + peer_if_) &&
          in_ns("ip link set " + peer_if_ + " up") && in_ns("ip link set lo up");
  }
  ~netns_link() {
    sh("ip link del " + host_if_);
    sh("ip netns del " + ns_);
  }
  bool ok() const { return ok_; }
  const std::string& ns() const { return ns_; }
  const std::string& peer_ip() const { return peer_ip_; }
  // Cuts / restores the link on the namespace's side (the host side keeps its
  // address and route, so the frontend's packets are dropped silently, as on a
  // cut cable).
  bool cut() { return in_ns("ip link set " + peer_if_ + " down"); }
  bool heal() { return in_ns("ip link set " + peer_if_ + " up"); }

 private:
  static bool sh(const std::string& cmd) { return std::system((cmd + " > /dev/null 2>&1").c_str()) == 0; }
  bool in_ns(const std::string& cmd) { return sh("ip netns exec " + ns_ + " " + cmd); }
  std::string ns_, host_if_, peer_if_, host_ip_, peer_ip_;
  bool ok_ = false;
};

TEST(cluster_process, network_partition_of_a_shard_node_is_partial_then_heals) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for network namespaces";
  if (std::system("command -v ip > /dev/null 2>&1") != 0) GTEST_SKIP() << "no iproute2 (ip)";
  temp_dir tmp;
  const std::string d = tmp.str();
  if (!make_cert(d, "node", "")) GTEST_SKIP() << "no openssl CLI";
  netns_link link;
  if (!link.ok()) GTEST_SKIP() << "cannot create a network namespace with a veth pair here";
  const std::string model = winnow::testing::model_dir();
  if (model.empty()) GTEST_SKIP() << "model files absent (scripts/setup fetches them)";
  // Across the veth the nodes are not on loopback, so the links use TLS
  // (without it a node listens on 127.0.0.1 only).
  cluster_setup c;
  c.model_dir = model;
  c.data_dir = d + "/data";
  c.shards = 2;
  c.nodes = {{"front", "\"frontend\", \"gpu\"", "", free_port()},
             {"shard-a", "\"shard\"", "0", free_port(), link.peer_ip()},
             {"shard-b", "\"shard\"", "1", free_port()}};
  c.tls = tls_files{d + "/node.pem", d + "/node.key", "", d + "/node.pem"};
  cluster_runner cl(d, write_file(d + "/cluster.toml", toml_of(c)));
  ASSERT_TRUE(cl.start("shard-a", false, 60s, {"ip", "netns", "exec", link.ns()}));
  ASSERT_TRUE(cl.start("shard-b"));
  ASSERT_TRUE(cl.start("front", true));
  const uint16_t port = cl.http_port();
  auto docs = make_corpus(12, 3);
  json ack = post_docs(port, docs);
  ASSERT_EQ(ack.value("accepted", 0), 12u) << ack.dump();
  json r;
  auto full = [&] {
    r = search(port, queries()[0], "bm25");
    return r.contains("partial") && !r["partial"].get<bool>() && !r["results"].empty();
  };
  ASSERT_TRUE(eventually(10s, full)) << r.dump() << cl.node("front").log_text();

  ASSERT_TRUE(link.cut());
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(eventually(10s, [&] {
    r = search(port, queries()[0], "bm25");
    return r.value("partial", false);
  })) << r.dump();
  std::printf("[ cluster  ] partitioned shard node noticed after %lld ms\n",
              static_cast<long long>(ms_since(t0)));
  EXPECT_EQ(missing_of(r), (std::vector<uint32_t>{0}));
  // Ingest for the cut-off shard is refused; the other shard's is accepted.
  ack = post_docs(port, {{id_on({0}, 2, 0), "t", "storm"}, {id_on({1}, 2, 0), "t", "storm"}});
  ASSERT_EQ(ack["documents"].size(), 2u) << ack.dump();
  EXPECT_EQ(ack["documents"][0]["state"], "rejected") << ack.dump();
  EXPECT_EQ(ack["documents"][1]["state"], "accepted") << ack.dump();

  ASSERT_TRUE(link.heal());
  ASSERT_TRUE(eventually(20s, full)) << r.dump() << cl.node("front").log_text();
}

}  // namespace
}  // namespace winnow::cluster_test
