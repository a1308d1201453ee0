#pragma once
// The cluster harness of tests/cluster and bench/cluster (no GoogleTest here):
// free loopback ports, the TOML of a test cluster, a tiny seeded corpus, and
// HTTP calls to a frontend.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/cluster/node_process.hpp"
#include "tests/http/http_test_client.hpp"

namespace winnow::cluster_test {

using json = nlohmann::json;
using namespace std::chrono_literals;

inline std::string winnow_binary() { return std::string(WINNOW_BINARY_DIR) + "/app/winnow"; }

// Whether nothing on loopback holds `port` now (bind without SO_REUSEADDR).
inline bool port_is_free(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

// The first port of the kernel's ephemeral range (net.ipv4.ip_local_port_range).
inline int ephemeral_low() {
  std::ifstream f("/proc/sys/net/ipv4/ip_local_port_range");
  int low = 32768;
  f >> low;
  return low;
}

// A free loopback port for a node that starts later. Taken below the
// ephemeral range: a port from there (bind to 0) can be handed to some
// outgoing connection's source port before the node binds it, and the node
// then fails to start; with many nodes connecting (and tests in parallel)
// that happened. Each test process starts at its own place in the range.
inline uint16_t free_port() {
  static int next = -1;
  const int high = std::min(ephemeral_low(), 65536);
  const int low = 20000;
  if (high - low < 1000) {  // an unusual range: fall back to the kernel's choice
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
  }
  if (next < 0) next = low + static_cast<int>((::getpid() * 7919L) % (high - low));
  for (int tries = 0; tries < high - low; ++tries) {
    const int port = next;
    next = next + 1 < high ? next + 1 : low;
    if (port_is_free(static_cast<uint16_t>(port))) return static_cast<uint16_t>(port);
  }
  return 0;  // nothing free: the node's start-up then fails and says so
}

struct node_spec {
  std::string name;
  std::string roles;      // TOML array body: "\"shard\", \"gpu\""
  std::string shard_ids;  // TOML array body, "" for none
  uint16_t port = 0;
  std::string host = "127.0.0.1";
};

struct tls_files {
  std::string cert, key, passphrase, cafile;
};

struct cluster_setup {
  std::string data_dir;
  uint32_t shards = 4;
  std::string mode = "bm25";
  std::string model_dir;  // "" = none configured
  uint64_t heartbeat_ms = 100;
  uint64_t timeout_ms = 600;
  std::vector<node_spec> nodes;
  std::optional<tls_files> tls;
};

inline std::string toml_of(const cluster_setup& c, bool with_cluster = true) {
  std::string t;
  t += "[engine]\ndata_dir = \"" + c.data_dir + "\"\nshards = " + std::to_string(c.shards) +
       "\nthreads = 2\n";
  if (!c.model_dir.empty()) t += "[model]\ndir = \"" + c.model_dir + "\"\n";
  t += "[ranking]\nmode = \"" + c.mode + "\"\n";
  t += "[[classes]]\nname = \"interactive\"\npriority = 0\nmax_queue_delay_us = 500\n"
       "timeout_ms = 20000\npreferred_tier = \"high\"\n";
  t += "[[classes]]\nname = \"bulk\"\npriority = 10\nmax_queue_delay_us = 5000\n"
       "max_batch_tokens = 2048\nmax_queue = 4096\ntimeout_ms = 0\npreferred_tier = \"high\"\n";
  t += "[[devices]]\nname = \"cpu\"\nbackend = \"cpu\"\ntier = \"high\"\nthreads = 1\n";
  if (!with_cluster) return t;
  t += "[cluster]\nheartbeat_interval_ms = " + std::to_string(c.heartbeat_ms) +
       "\nconnection_timeout_ms = " + std::to_string(c.timeout_ms) + "\n";
  if (c.tls) {
    t += "[cluster.tls]\ncert = \"" + c.tls->cert + "\"\nkey = \"" + c.tls->key + "\"\npassphrase = \"" +
         c.tls->passphrase + "\"\ncafile = \"" + c.tls->cafile + "\"\n";
  }
  for (const auto& n : c.nodes) {
    t += "[[cluster.nodes]]\nname = \"" + n.name + "\"\nhost = \"" + n.host + "\"\nport = " +
         std::to_string(n.port) + "\nroles = [" + n.roles + "]\n";
    if (!n.shard_ids.empty()) t += "shard_ids = [" + n.shard_ids + "]\n";
  }
  return t;
}

inline std::string write_file(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// ---- corpus --------------------------------------------------------------------------

struct test_doc {
  std::string id, title, text;
};

inline const std::vector<std::string>& vocabulary() {
  static const std::vector<std::string> v = {
      "river", "mountain", "engine", "protein", "galaxy", "market", "signal", "forest",
      "cell",  "orbit",    "vaccine", "copper", "storm",  "harbor", "neuron", "glacier",
      "tariff", "enzyme",  "comet",  "bridge", "silicon", "desert", "lantern", "virus"};
  return v;
}

// `n` documents of 6..14 vocabulary words each plus a unique token "uniqNNN".
inline std::vector<test_doc> make_corpus(size_t n, uint64_t seed, size_t first = 0) {
  std::mt19937_64 rng(seed);
  const auto& v = vocabulary();
  std::vector<test_doc> out;
  for (size_t i = first; i < first + n; ++i) {
    test_doc d;
    char id[16];
    std::snprintf(id, sizeof id, "d%04zu", i);
    d.id = id;
    d.title = v[rng() % v.size()] + " " + v[rng() % v.size()];
    const size_t words = 6 + rng() % 9;
    for (size_t w = 0; w < words; ++w) d.text += v[rng() % v.size()] + " ";
    d.text += "uniq" + std::to_string(i);
    out.push_back(std::move(d));
  }
  return out;
}

inline const std::vector<std::string>& queries() {
  static const std::vector<std::string> q = {"river mountain", "protein enzyme cell", "galaxy comet orbit",
                                             "market tariff",  "storm harbor bridge", "neuron virus vaccine"};
  return q;
}

// ---- HTTP ------------------------------------------------------------------------------

inline json docs_json(const std::vector<test_doc>& docs) {
  json a = json::array();
  for (const auto& d : docs) a.push_back({{"id", d.id}, {"title", d.title}, {"text", d.text}});
  return a;
}

// POST /v1/documents; the response body (or {"http_status": code}).
inline json post_docs(uint16_t port, const std::vector<test_doc>& docs) {
  http::testing::test_client c(port);
  auto r = c.request("POST", "/v1/documents", docs_json(docs).dump());
  if (r.status != 200) return json{{"http_status", r.status}, {"body", r.body}};
  return r.json();
}

inline json search(uint16_t port, const std::string& q, const std::string& mode, uint32_t k = 10) {
  http::testing::test_client c(port);
  auto r = c.request("POST", "/v1/search", json{{"query", q}, {"k", k}, {"mode", mode}}.dump());
  if (r.status != 200) return json{{"http_status", r.status}, {"body", r.body}};
  return r.json();
}

}  // namespace winnow::cluster_test
