#include "actors/cluster/shard_slot.hpp"

#include <functional>
#include <map>
#include <utility>

namespace winnow::actors::cluster {

namespace {

struct slot_state {
  shard_slot_options options;
  std::string node;            // the owner, once attached
  std::string down_reason = "not connected yet";
  coarse_ranker_actor ranker;  // null while detached
  coarse_ranker_actor store;
  uint64_t next_id = 0;
  // Requests in flight: failed at once on detach.
  std::map<uint64_t, std::function<void(const caf::error&)>> in_flight;
  static const char* name;
};
const char* slot_state::name = "shard_slot";

using self_ptr = shard_slot_actor::stateful_pointer<slot_state>;

caf::error unavailable(self_ptr self) {
  const auto& st = self->state;
  return to_error(status::unavailable(
      "shard " + std::to_string(st.options.shard) + " is unavailable: node \"" +
      st.options.view->owner(st.options.shard) + "\" " + st.down_reason));
}

// Forwards one request to `target` and relays the answer (or the error).
template <class R, class... Ts>
caf::result<R> forward(self_ptr self, const coarse_ranker_actor& target,
                       std::chrono::milliseconds timeout, Ts&&... xs) {
  auto& st = self->state;
  if (!target) return unavailable(self);
  auto rp = self->make_response_promise<R>();
  const uint64_t id = ++st.next_id;
  st.in_flight.emplace(id, [rp](const caf::error& e) mutable { rp.deliver(e); });
  auto settle = [self, id] { return self->state.in_flight.erase(id) == 1; };
  self->request(target, timeout, std::forward<Ts>(xs)...)
      .then([rp, settle](R& r) mutable { if (settle()) rp.deliver(std::move(r)); },
            [rp, settle](caf::error& e) mutable { if (settle()) rp.deliver(e); });
  return rp;
}

void detach(self_ptr self, std::string reason) {
  auto& st = self->state;
  st.ranker = nullptr;
  st.store = nullptr;
  st.down_reason = std::move(reason);
  st.options.view->set_up(st.options.shard, false);
  auto pending = std::move(st.in_flight);
  st.in_flight.clear();
  const caf::error e = unavailable(self);
  for (auto& [id, fail] : pending) fail(e);
}

shard_slot_actor::behavior_type shard_slot(self_ptr self, shard_slot_options options) {
  self->state.options = std::move(options);
  return {
      [=](qstats_atom a, const std::string& q) {
        return forward<index::query_statistics>(self, self->state.ranker,
                                                self->state.options.search_timeout, a, q);
      },
      [=](search_atom a, const std::string& q, uint32_t k, const index::query_statistics& g) {
        return forward<std::vector<index::hit>>(self, self->state.ranker,
                                                self->state.options.search_timeout, a, q, k, g);
      },
      [=](add_atom a, std::vector<storage::document>& docs) {
        return forward<uint64_t>(self, self->state.store, self->state.options.write_timeout, a,
                                 std::move(docs));
      },
      [=](remove_atom a, std::vector<std::string>& ids) {
        return forward<uint64_t>(self, self->state.store, self->state.options.write_timeout, a,
                                 std::move(ids));
      },
      [=](recover_atom a, uint32_t shard, uint32_t shards) -> caf::result<uint64_t> {
        // The owner replays its own storage when it starts; a detached slot
        // has nothing to replay from here.
        if (!self->state.store) return uint64_t{0};
        return forward<uint64_t>(self, self->state.store, self->state.options.write_timeout, a,
                                 shard, shards);
      },
      [=](attach_atom, const std::string& node, const caf::actor& ranker, const caf::actor& store) {
        auto& st = self->state;
        st.node = node;
        st.ranker = caf::actor_cast<coarse_ranker_actor>(ranker);
        st.store = caf::actor_cast<coarse_ranker_actor>(store);
        st.options.view->set_up(st.options.shard, true);
      },
      [=](detach_atom, const std::string& reason) { detach(self, reason); },
  };
}

}  // namespace

shard_slot_actor spawn_shard_slot(caf::actor_system& sys, shard_slot_options options) {
  return sys.spawn(shard_slot, std::move(options));
}

}  // namespace winnow::actors::cluster
