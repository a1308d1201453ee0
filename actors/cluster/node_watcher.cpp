#include "actors/cluster/node_watcher.hpp"

#include <algorithm>

#include "actors/cluster/cluster_messages.hpp"
#include "common/clock.hpp"

namespace winnow::actors::cluster {

namespace {

struct peer_state {
  config::node_config node;
  node_agent_actor agent;       // null while not connected
  bool connecting = false;
  bool attempted = false;       // first attempt settled
  bool was_up = false;
  uint32_t failures = 0;        // since the last success
  time_point_ns lost_at_ns = 0;
};

struct watcher_state {
  node_watcher_options options;
  std::vector<peer_state> peers;
  static const char* name;
};
const char* watcher_state::name = "node_watcher";

using self_ptr = node_watcher_actor::stateful_pointer<watcher_state>;

std::string endpoint(const config::node_config& n) { return n.host + ":" + std::to_string(n.port); }

std::string join_ids(const std::vector<uint32_t>& ids) {
  std::string s;
  for (uint32_t id : ids) s += (s.empty() ? "" : ",") + std::to_string(id);
  return s;
}

void try_connect(self_ptr self, uint32_t i);

void connect_failed(self_ptr self, uint32_t i, const std::string& why) {
  auto& st = self->state;
  auto& p = st.peers[i];
  p.connecting = false;
  p.attempted = true;
  // One line per outage, not one per retry.
  if (p.failures++ == 0) {
    st.options.log("cannot reach node \"" + p.node.name + "\" at " + endpoint(p.node) + ": " + why +
                   "; retrying every " + std::to_string(st.options.retry_delay.count()) + " ms");
  }
  self->delayed_send(self, st.options.retry_delay, retry_atom::value, i);
}

void attach(self_ptr self, uint32_t i, node_agent_actor agent, const node_info& info) {
  auto& st = self->state;
  auto& p = st.peers[i];
  if (info.name != p.node.name) {
    return connect_failed(self, i, "the node there calls itself \"" + info.name + "\"");
  }
  std::vector<uint32_t> want = p.node.has_role(config::node_role::shard) ? p.node.shard_ids
                                                                         : std::vector<uint32_t>{};
  std::vector<uint32_t> got = info.shard_ids;
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  if (want != got) {
    return connect_failed(self, i, "it serves shards [" + join_ids(info.shard_ids) +
                                       "] but this node's config says [" + join_ids(p.node.shard_ids) +
                                       "] (different config files?)");
  }
  p.connecting = false;
  p.attempted = true;
  p.failures = 0;
  p.agent = agent;
  self->monitor(agent);
  for (size_t k = 0; k < info.shard_ids.size(); ++k) {
    const uint32_t s = info.shard_ids[k];
    if (s < st.options.slots.size())
      self->send(st.options.slots[s], attach_atom::value, p.node.name, info.rankers[k], info.stores[k]);
  }
  if (info.batcher && st.options.dispatcher)
    self->send(*st.options.dispatcher, attach_atom::value, p.node.name, info.batcher, info.tiers);
  std::string what = "node \"" + p.node.name + "\" at " + endpoint(p.node) +
                     (p.was_up ? " is back" : " connected");
  if (p.was_up && p.lost_at_ns != 0)
    what += " after " + std::to_string((monotonic_now_ns() - p.lost_at_ns) / 1000000) + " ms";
  what += " (shards [" + join_ids(info.shard_ids) + "]" + (info.batcher ? ", gpu" : "") + ")";
  st.options.log(what);
  p.was_up = true;
}

void try_connect(self_ptr self, uint32_t i) {
  auto& st = self->state;
  auto& p = st.peers[i];
  if (p.agent || p.connecting) return;
  p.connecting = true;
  const auto timeout = st.options.connect_timeout;
  self->request(st.options.middleman, timeout, caf::connect_atom::value, p.node.host, p.node.port)
      .then(
          [=](const caf::node_id&, caf::strong_actor_ptr& ptr, const std::set<std::string>& ifs) {
            if (!ptr) return connect_failed(self, i, "no actor is published on that port");
            if (!self->system().assignable<node_agent_actor>(ifs))
              return connect_failed(self, i, "the actor there is not a winnow node (other version?)");
            auto agent = caf::actor_cast<node_agent_actor>(std::move(ptr));
            self->request(agent, timeout, node_atom::value)
                .then([=](node_info& info) { attach(self, i, agent, info); },
                      [=](caf::error& e) {
                        connect_failed(self, i, "the node did not describe itself: " +
                                                    self->system().render(e));
                      });
          },
          [=](caf::error& e) {
            std::string why = self->system().render(e);
            if (self->state.options.tls && e == caf::sec::disconnect_during_handshake)
              why += " (TLS refused: its certificate or ours is not signed by the configured cafile)";
            connect_failed(self, i, why);
          });
}

void on_down(self_ptr self, const caf::down_msg& dm) {
  auto& st = self->state;
  for (uint32_t i = 0; i < st.peers.size(); ++i) {
    auto& p = st.peers[i];
    if (!p.agent || p.agent.address() != dm.source) continue;
    p.agent = nullptr;
    p.lost_at_ns = monotonic_now_ns();
    const std::string reason = "lost (" + self->system().render(dm.reason) + ")";
    st.options.log("node \"" + p.node.name + "\" at " + endpoint(p.node) + " " + reason +
                   (p.node.shard_ids.empty() ? "" : ": shards [" + join_ids(p.node.shard_ids) + "] missing"));
    for (uint32_t s : p.node.shard_ids)
      if (s < st.options.slots.size()) self->send(st.options.slots[s], detach_atom::value, reason);
    if (st.options.dispatcher) self->send(*st.options.dispatcher, detach_atom::value, p.node.name, reason);
    p.failures = 1;  // the loss was logged; log again only after the next success
    self->delayed_send(self, st.options.retry_delay, retry_atom::value, i);
  }
}

node_watcher_actor::behavior_type node_watcher(self_ptr self, node_watcher_options options) {
  auto& st = self->state;
  st.options = std::move(options);
  for (auto& n : st.options.peers) st.peers.push_back(peer_state{n, {}, false, false, false, 0, 0});
  self->set_down_handler([=](caf::down_msg& dm) { on_down(self, dm); });
  for (uint32_t i = 0; i < st.peers.size(); ++i) self->send(self, retry_atom::value, i);
  return {
      [=](get_atom) {
        uint32_t n = 0;
        for (const auto& p : self->state.peers) n += p.attempted ? 1 : 0;
        return n;
      },
      [=](retry_atom, uint32_t i) {
        if (i < self->state.peers.size()) try_connect(self, i);
      },
  };
}

}  // namespace

node_watcher_actor spawn_node_watcher(caf::actor_system& sys, node_watcher_options options) {
  return sys.spawn(node_watcher, std::move(options));
}

}  // namespace winnow::actors::cluster
