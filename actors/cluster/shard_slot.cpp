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
  // Requests in flight: failed at once on detach (adds are parked instead).
  std::map<uint64_t, std::function<void(const caf::error&)>> in_flight;
  // Adds that were in flight when the owner was lost, replayed on attach.
  std::vector<std::pair<std::vector<storage::document>, caf::typed_response_promise<uint64_t>>> parked;
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

// Documents accepted by the frontend whose add was in flight when the owner
// was lost: they wait here (the ingest's request stays open, so its
// pending_index counts them) and are sent again when the owner is back. A
// repeated add is harmless: search_index::add replaces a document by id.
void send_add(self_ptr self, std::vector<storage::document> docs,
              caf::typed_response_promise<uint64_t> rp) {
  auto& st = self->state;
  if (!st.store) {
    st.parked.emplace_back(std::move(docs), std::move(rp));
    return;
  }
  const uint64_t id = ++st.next_id;
  auto park = [self, docs, rp](const caf::error&) mutable {
    self->state.parked.emplace_back(std::move(docs), std::move(rp));
  };
  st.in_flight.emplace(id, park);
  self->request(st.store, st.options.write_timeout, add_atom::value, docs)
      .then(
          [self, id, rp](uint64_t n) mutable {
            if (self->state.in_flight.erase(id) == 1) rp.deliver(n);
          },
          [self, id, rp, park](caf::error& e) mutable {
            if (self->state.in_flight.erase(id) != 1) return;
            const status s = to_status(e);
            if (s.code() == status_code::unavailable || s.code() == status_code::deadline_exceeded) park(e);
            else rp.deliver(e);  // the shard refused the documents (e.g. invalid text)
          });
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
      [=](add_atom, std::vector<storage::document>& docs) -> caf::result<uint64_t> {
        auto rp = self->make_response_promise<uint64_t>();
        send_add(self, std::move(docs), rp);
        return rp;
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
        auto parked = std::move(st.parked);
        st.parked.clear();
        for (auto& [docs, rp] : parked) send_add(self, std::move(docs), std::move(rp));
      },
      [=](detach_atom, const std::string& reason) { detach(self, reason); },
  };
}

}  // namespace

shard_slot_actor spawn_shard_slot(caf::actor_system& sys, shard_slot_options options) {
  return sys.spawn(shard_slot, std::move(options));
}

}  // namespace winnow::actors::cluster
