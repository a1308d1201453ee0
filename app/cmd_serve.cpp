// `winnow serve [--config FILE] [--data DIR] [--listen HOST:PORT]`: the HTTP
// service. Runs until SIGTERM or SIGINT, then stops accepting, drains in-flight
// requests, flushes the index and closes storage.
//
// The engine behind the server is the actor engine (actors/engine.hpp) through
// app/actor_engine_api.hpp; without --config it runs config::embedded_default().
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>

#include "app/command_registry.hpp"
#include "common/status_or.hpp"
#include "actors/engine.hpp"
#include "app/actor_engine_api.hpp"
#include "app/engine_metrics_feeder.hpp"
#include "app/engine_metrics_poller.hpp"
#include "app/model_location.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"

#include "config/load_config.hpp"
#include "actors/cluster/cluster_node.hpp"  // [CLUSTER] --node

namespace winnow::app {
namespace {

struct serve_args {
  std::string config;
  std::string data;    // empty: from the config, else ./winnow-data
  std::string listen;  // empty: from the config, else 127.0.0.1:8080
  std::string model;   // empty: from the config
  unsigned io_threads = 2;
  std::string node;    // [CLUSTER] empty: one process; else a [cluster] node name
};

// "HOST:PORT", "[::1]:PORT" → host, port.
status parse_listen(const std::string& s, std::string* host, uint16_t* port) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon + 1 == s.size())
    return status::invalid_argument("--listen '" + s + "': expected HOST:PORT");
  std::string h = s.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  std::string p = s.substr(colon + 1);
  char* end = nullptr;
  unsigned long v = std::strtoul(p.c_str(), &end, 10);
  if (*end != '\0' || v > 65535)
    return status::invalid_argument("--listen '" + s + "': port '" + p + "' is not in [0, 65535]");
  *host = h;
  *port = static_cast<uint16_t>(v);
  return status::ok_status();
}

// Many keep-alive clients need many descriptors: lift the soft limit to the hard one.
void raise_fd_limit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

http::role to_http_role(config::api_role r) {
  switch (r) {
    case config::api_role::read: return http::role::read;
    case config::api_role::write: return http::role::write;
    case config::api_role::admin: return http::role::admin;
  }
  return http::role::read;
}

// Maps the validated config onto the server's options.
void apply_config(const config::engine_config& c, http::server_options* so, std::string* listen) {
  *listen = c.http.listen;
  so->max_ingest_body_bytes = c.http.max_body_bytes;
  for (const auto& k : c.http.api_keys) {
    http::api_key key;
    key.key = k.key;
    for (auto r : k.roles) key.roles.push_back(to_http_role(r));
    so->api_keys.push_back(std::move(key));
  }
  std::vector<const config::class_config*> by_priority;
  for (const auto& cls : c.classes) by_priority.push_back(&cls);
  std::stable_sort(by_priority.begin(), by_priority.end(),
                   [](auto* a, auto* b) { return a->priority < b->priority; });
  so->classes.clear();
  for (auto* cls : by_priority) so->classes.push_back(cls->name);
  so->admission.clear();
  for (auto* cls : by_priority)
    so->admission.push_back({cls->name, cls->max_in_flight, cls->target_latency_ms});
  so->default_search_class = c.engine.default_class;
  so->default_ingest_class = c.engine.ingest_class;
}

int run_serve(const serve_args& a) {
  http::server_options so;
  config::engine_config cfg = config::embedded_default();
  if (!a.config.empty()) {
    auto c = config::load_config(a.config);
    if (!c.ok()) {
      std::fprintf(stderr, "winnow serve: %s\n", c.get_status().to_string().c_str());
      return 2;
    }
    cfg = std::move(c).value();
  }
  std::string listen;
  apply_config(cfg, &so, &listen);
  if (!a.listen.empty()) listen = a.listen;
  if (status s = parse_listen(listen, &so.listen_host, &so.listen_port); !s.ok()) {
    std::fprintf(stderr, "winnow serve: %s\n", s.to_string().c_str());
    return 2;
  }
  so.io_threads = a.io_threads;
  raise_fd_limit();

  // Every thread started from here on inherits the blocked signals, so only
  // the sigwait below sees SIGTERM/SIGINT.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  http::metrics metrics;
  actors::engine_options eo;
  eo.data_dir = a.data;
  // A relative model dir missing from the working directory is looked up in the
  // install prefix (app/model_location.hpp).
  eo.model_dir = resolve_model_dir(a.model.empty() ? cfg.model.dir : a.model);
  // A CPU device left at threads = 0 gets half the cores: with all of them,
  // every matrix product of a query waits to fork onto a core that HTTP, BM25
  // or the re-ranker holds (on 2 cores, 1 encoder thread served 196 hybrid
  // searches/s at p99 37 ms where 2 threads served 174-186/s at p99 50-70 ms;
  // bench/RESULTS.md, load test).
  eo.auto_cpu_threads = std::max(1u, std::thread::hardware_concurrency() / 2);
  // [CLUSTER] begin: --node NAME runs one node of [cluster] (actors/cluster/cluster_node.hpp).
  std::optional<actors::cluster::node_plan> plan;
  if (!a.node.empty()) {
    auto p = actors::cluster::plan_node(cfg, a.node, a.data);
    if (!p.ok()) {
      std::fprintf(stderr, "winnow serve: %s\n", p.get_status().to_string().c_str());
      return 2;
    }
    plan = std::move(p).value();
    if (!plan->notice.empty()) std::fprintf(stderr, "winnow serve: %s\n", plan->notice.c_str());
    plan->apply(&eo);
  }
  // [CLUSTER] end
  auto opened = actors::engine::open(cfg, eo);
  if (!opened.ok()) {
    std::fprintf(stderr, "winnow serve: %s\n", opened.get_status().to_string().c_str());
    return 1;
  }
  std::unique_ptr<actors::engine> engine = std::move(opened).value();
  if (plan && !plan->frontend) {  // [CLUSTER] no HTTP: serve peers until stopped
    std::printf("winnow: %s ready (data in %s)\n", plan->describe().c_str(), plan->data_dir.c_str());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&stop_signals, &sig);
    engine.reset();
    std::fprintf(stderr, "winnow serve: node %s stopped\n", plan->name.c_str());
    return 0;
  }
  if (plan) std::printf("winnow: %s ready\n", plan->describe().c_str());
  auto api = std::make_unique<actor_engine_api>(*engine);
  auto server = std::make_unique<http::server>(*api, metrics, so);
  if (status s = server->start(); !s.ok()) {
    std::fprintf(stderr, "winnow serve: %s\n", s.to_string().c_str());
    return 1;
  }
  std::printf("winnow: serving on %s (actor engine, %u shard(s), %zu device(s), data in %s)\n",
              server->url().c_str(), engine->config().engine.shards,
              engine->config().devices.size(), engine->config().engine.data_dir.c_str());
  std::fflush(stdout);
  // The engine's queues, devices, cost and document counts → /metrics, once a second.
  engine_metrics_feeder feeder(metrics);
  engine_metrics_poller poller([e = engine.get()] { return e->stats(); }, feeder);
  poller.start();

  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::fprintf(stderr, "winnow serve: %s received, shutting down\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  uint32_t failed = server->stop(std::chrono::seconds(10));
  poller.stop();  // before the engine it polls goes away
  engine.reset();  // stops the actors (pending callbacks complete or are dropped), closes RocksDB
  server.reset();
  api.reset();
  std::fprintf(stderr, "winnow serve: stopped (%u requests failed during shutdown)\n", failed);
  return 0;
}

void add_serve_command(CLI::App& root) {
  auto args = std::make_shared<serve_args>();
  auto* cmd = root.add_subcommand("serve", "run the HTTP service: search and ingest API, /metrics, search page");
  cmd->add_option("--config", args->config, "TOML configuration file (default: the embedded default)");
  cmd->add_option("--data", args->data, "data directory (default: [engine] data_dir)");
  cmd->add_option("--listen", args->listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  cmd->add_option("--io-threads", args->io_threads, "HTTP io threads")->capture_default_str();
  cmd->add_option("--model", args->model, "model directory (default: [model] dir)");
  cmd->add_option("--node", args->node,
                  "run as this node of the config's [cluster] (default: one process serving everything)");
  cmd->callback([args] {
    int rc = run_serve(*args);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

const command_registrar registrar{"serve", add_serve_command};

}  // namespace
}  // namespace winnow::app
