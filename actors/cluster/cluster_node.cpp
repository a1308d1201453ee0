#include "actors/cluster/cluster_node.hpp"

#include <chrono>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <thread>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <caf/openssl/all.hpp>

#include "actors/cluster/cluster_messages.hpp"
#include "actors/cluster/cluster_view.hpp"
#include "actors/cluster/gpu_dispatcher.hpp"
#include "actors/cluster/ingest_gate.hpp"
#include "actors/cluster/node_watcher.hpp"
#include "actors/cluster/openssl_error_queue_guard.hpp"
#include "actors/cluster/shard_slot.hpp"
#include "actors/cluster/shard_store.hpp"
#include "actors/cluster/tls_check.hpp"
#include "actors/engine_extension.hpp"

namespace winnow::actors::cluster {

namespace {

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string shard_list(const std::vector<uint32_t>& ids) {
  std::string s;
  for (uint32_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

node_agent_actor::behavior_type node_agent(node_agent_actor::pointer, node_info info) {
  return {[=](node_atom) { return info; }};
}

class cluster_extension final : public engine_extension {
 public:
  cluster_extension(config::engine_config cfg, config::node_config self, std::FILE* log)
      : cfg_(std::move(cfg)), self_(std::move(self)), log_(log != nullptr ? log : stderr) {}

  status configure(caf::actor_system_config& c) override {
    register_cluster_types(c);
    c.load<caf::io::middleman>();
    const auto& cl = cfg_.cluster;
    c.set("middleman.heartbeat-interval",
          caf::timespan{std::chrono::milliseconds(cl.heartbeat_interval_ms)});
    c.set("middleman.connection-timeout",
          caf::timespan{std::chrono::milliseconds(cl.connection_timeout_ms)});
    if (cl.tls.enabled()) {
      set_tls_refusal_log([this](const std::string& line) { log(line); });  // [OPENSSL_ERROR_QUEUE]
      // Checked by plan_node() already (a bad key must never reach CAF).
      c.load<caf::openssl::manager>();
      c.set("openssl.certificate", cl.tls.cert);
      c.set("openssl.key", cl.tls.key);
      if (!cl.tls.passphrase.empty()) c.set("openssl.passphrase", cl.tls.passphrase);
      c.set("openssl.cafile", cl.tls.cafile);
    }
    return status::ok_status();
  }

  bool local_shard(uint32_t shard) const override {
    return self_.has_role(config::node_role::shard) &&
           std::find(self_.shard_ids.begin(), self_.shard_ids.end(), shard) != self_.shard_ids.end();
  }

  status_or<engine_wiring> wire(caf::actor_system& sys, storage::db& db,
                                const std::vector<coarse_ranker_actor>& local_shards,
                                const std::optional<gpu_batcher_actor>& local_batcher) override {
    const bool frontend = self_.has_role(config::node_role::frontend);
    const auto n = static_cast<uint32_t>(local_shards.size());
    std::vector<std::string> owners(n);
    for (const auto& node : cfg_.cluster.nodes)
      for (uint32_t s : node.shard_ids)
        if (s < n) owners[s] = node.name;
    view_ = std::make_shared<cluster_view>(owners);
    local_batcher_ = local_batcher;

    // What this node serves to its peers.
    node_info info;
    info.name = self_.name;
    for (uint32_t s = 0; s < n; ++s) {
      if (!local_shards[s]) continue;
      auto store = spawn_shard_store(sys, &db, local_shards[s]);
      stores_.push_back(store);
      info.shard_ids.push_back(s);
      info.rankers.push_back(caf::actor_cast<caf::actor>(local_shards[s]));
      info.stores.push_back(caf::actor_cast<caf::actor>(store));
    }
    std::vector<uint8_t> tiers;
    for (const auto& d : cfg_.devices) {
      auto t = static_cast<uint8_t>(d.tier);
      if (std::find(tiers.begin(), tiers.end(), t) == tiers.end()) tiers.push_back(t);
    }
    if (local_batcher) {
      info.batcher = caf::actor_cast<caf::actor>(*local_batcher);
      info.tiers = tiers;
    }
    agent_ = sys.spawn(node_agent, info);
    WINNOW_RETURN_IF_ERROR(publish(sys));

    // The router's and ingest's handles: a slot per shard id; local shards
    // attach at once (writes go straight to the ranker: this node's ingest
    // already stored the documents in the same db).
    engine_wiring w;
    for (uint32_t s = 0; s < n; ++s) {
      shard_slot_options so;
      so.shard = s;
      so.view = view_;
      auto slot = spawn_shard_slot(sys, so);
      if (local_shards[s]) {
        caf::anon_send(slot, attach_atom::value, self_.name, caf::actor_cast<caf::actor>(local_shards[s]),
                       caf::actor_cast<caf::actor>(local_shards[s]));
      }
      slots_.push_back(slot);
      w.shards.push_back(slot);
    }
    bool cluster_has_gpu = false;
    for (const auto& node : cfg_.cluster.nodes) cluster_has_gpu |= node.has_role(config::node_role::gpu);
    if (frontend && cluster_has_gpu) {
      gpu_dispatcher_options go;
      for (const auto& c : cfg_.classes) go.class_tier[c.name] = c.preferred_tier;
      go.log = [this](const std::string& line) { log(line); };
      dispatcher_ = spawn_gpu_dispatcher(sys, go);
      if (local_batcher)
        caf::anon_send(*dispatcher_, attach_atom::value, self_.name, info.batcher, tiers);
      w.batcher = *dispatcher_;
    } else {
      // Only a frontend's ingest encodes (its store keeps the vectors). A
      // shard node's own ingest actor only replays its shards at start, and
      // its store holds documents that are never encoded there.
      w.batcher = std::nullopt;
    }
    if (frontend) WINNOW_RETURN_IF_ERROR(start_watcher(sys));
    return w;
  }

  ingest_actor wrap_ingest(caf::actor_system& sys, ingest_actor inner) override {
    if (!self_.has_role(config::node_role::frontend)) return inner;
    inner_ingest_ = inner;
    return spawn_ingest_gate(sys, inner, view_);
  }

  void stop() override {
    if (cfg_.cluster.tls.enabled()) set_tls_refusal_log(nullptr);  // it refers to this object
    auto kill = [](const auto& h) {
      if (h) caf::anon_send_exit(h, caf::exit_reason::kill);
    };
    kill(watcher_);
    for (auto& s : slots_) kill(s);
    for (auto& s : stores_) kill(s);
    if (dispatcher_) kill(*dispatcher_);
    if (local_batcher_) kill(*local_batcher_);
    kill(inner_ingest_);
    kill(agent_);
    watcher_ = nullptr;
    slots_.clear();
    stores_.clear();
    dispatcher_.reset();
    local_batcher_.reset();
    inner_ingest_ = nullptr;
    agent_ = nullptr;
  }

 private:
  void log(const std::string& line) const {
    char when[32];
    std::time_t t = std::time(nullptr);
    std::strftime(when, sizeof when, "%H:%M:%S", std::gmtime(&t));
    std::fprintf(log_, "winnow[%s] %s %s\n", self_.name.c_str(), when, line.c_str());
    std::fflush(log_);
  }

  status publish(caf::actor_system& sys) {
    const bool tls = cfg_.cluster.tls.enabled();
    // reuse = true: a node restarted at once finds its port in TIME_WAIT.
    auto port = tls ? caf::openssl::publish(agent_, self_.port, nullptr, true)
                    : sys.middleman().publish(agent_, self_.port, "127.0.0.1", true);
    if (!port) {
      return status::unavailable("node \"" + self_.name + "\": cannot listen on port " +
                                 std::to_string(self_.port) + ": " + sys.render(port.error()));
    }
    return status::ok_status();
  }

  status start_watcher(caf::actor_system& sys) {
    const auto& cl = cfg_.cluster;
    node_watcher_options wo;
    for (const auto& node : cl.nodes) {
      if (node.name == self_.name) continue;
      if (node.has_role(config::node_role::shard) || node.has_role(config::node_role::gpu))
        wo.peers.push_back(node);
    }
    wo.middleman = cl.tls.enabled() ? sys.openssl_manager().actor_handle() : sys.middleman().actor_handle();
    wo.slots = slots_;
    wo.dispatcher = dispatcher_;
    wo.connect_timeout = std::chrono::milliseconds(std::max<uint64_t>(cl.connection_timeout_ms, 1000));
    wo.retry_delay = std::chrono::milliseconds(std::max<uint64_t>(cl.heartbeat_interval_ms, 100));
    wo.tls = cl.tls.enabled();
    wo.log = [this](const std::string& line) { log(line); };
    const auto peers = static_cast<uint32_t>(wo.peers.size());
    watcher_ = spawn_node_watcher(sys, std::move(wo));
    // Wait (bounded) for the first connection round, so that a frontend
    // started after its peers serves full answers from its first query.
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(
                                                              std::max<uint64_t>(cl.connection_timeout_ms, 1000)) +
                       std::chrono::seconds(1);
    caf::scoped_actor self{sys};
    while (std::chrono::steady_clock::now() < until) {
      uint32_t settled = 0;
      self->request(watcher_, std::chrono::seconds(1), get_atom::value)
          .receive([&](uint32_t x) { settled = x; }, [&](caf::error&) {});
      if (settled >= peers) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return status::ok_status();
  }

  config::engine_config cfg_;
  config::node_config self_;
  std::FILE* log_;
  std::shared_ptr<cluster_view> view_;
  node_agent_actor agent_;
  std::vector<coarse_ranker_actor> stores_;
  std::vector<shard_slot_actor> slots_;
  std::optional<gpu_dispatcher_actor> dispatcher_;
  std::optional<gpu_batcher_actor> local_batcher_;
  ingest_actor inner_ingest_;
  node_watcher_actor watcher_;
};

}  // namespace

void node_plan::apply(engine_options* o) const {
  o->data_dir = data_dir;
  o->load_model = gpu;
  o->extension = extension;
}

std::string node_plan::describe() const {
  std::string roles;
  auto add = [&](bool on, const char* r) {
    if (on) roles += (roles.empty() ? "" : "+") + std::string(r);
  };
  add(frontend, "frontend");
  add(shard, "shard");
  add(gpu, "gpu");
  return "node " + name + " (" + roles + ") on " + listen + (tls ? ", mutual TLS" : ", no TLS");
}

status_or<node_plan> plan_node(const config::engine_config& cfg, const std::string& node,
                               const std::string& data_override, std::FILE* log) {
  WINNOW_ASSIGN_OR_RETURN(const config::node_config* self, cfg.node(node));
  node_plan p;
  p.name = self->name;
  p.frontend = self->has_role(config::node_role::frontend);
  p.shard = self->has_role(config::node_role::shard);
  p.gpu = self->has_role(config::node_role::gpu);
  p.tls = cfg.cluster.tls.enabled();
  p.data_dir = !data_override.empty() ? data_override : cfg.engine.data_dir + "/" + self->name;
  std::error_code ec;  // the parent of a per-node directory; storage reports real errors
  std::filesystem::create_directories(std::filesystem::path(p.data_dir).parent_path(), ec);
  if (p.tls) {
    if (status s = check_tls_files(cfg.cluster.tls); !s.ok())
      return s.with_context(cfg.source);
    if (!openssl_error_queue_guard_installed())  // [OPENSSL_ERROR_QUEUE]
      return status::internal("cannot find OpenSSL's SSL_read/SSL_write/SSL_accept/SSL_connect");
    p.listen = "0.0.0.0:" + std::to_string(self->port);
  } else {
    p.listen = "127.0.0.1:" + std::to_string(self->port);
    p.notice = "no [cluster.tls] in " + cfg.source +
               ": node links are unauthenticated, so this node listens on 127.0.0.1 only";
    for (const auto& n : cfg.cluster.nodes) {
      if (!is_loopback(n.host)) {
        p.notice += "; node \"" + n.name + "\" at " + n.host +
                    " cannot be reached without TLS (configure [cluster.tls])";
        break;
      }
    }
  }
  if (p.shard) p.notice += std::string(p.notice.empty() ? "" : "; ") + "shards " + shard_list(self->shard_ids);
  p.extension = std::make_shared<cluster_extension>(cfg, *self, log);
  return p;
}

}  // namespace winnow::actors::cluster
