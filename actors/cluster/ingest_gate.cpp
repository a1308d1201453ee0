#include "actors/cluster/ingest_gate.hpp"

#include "actors/policy/shard_of.hpp"

namespace winnow::actors::cluster {

namespace {

struct gate_state {
  ingest_actor inner;
  std::shared_ptr<cluster_view> view;
  static const char* name;
};
const char* gate_state::name = "ingest_gate";

using self_ptr = ingest_actor::stateful_pointer<gate_state>;

caf::result<ingest_ack> gate(self_ptr self, std::vector<storage::document>& docs) {
  auto& st = self->state;
  const uint32_t n = st.view->shard_count();
  // refused[i]: the ack of input i when its shard is unreachable.
  std::vector<std::optional<doc_ack>> refused(docs.size());
  std::vector<storage::document> pass;
  for (size_t i = 0; i < docs.size(); ++i) {
    const uint32_t s = policy::shard_of(docs[i].id, n);
    if (st.view->up(s)) {
      pass.push_back(std::move(docs[i]));
      continue;
    }
    refused[i] = doc_ack{docs[i].id, "rejected",
                         "shard " + std::to_string(s) + " is unavailable (node \"" + st.view->owner(s) +
                             "\" is not connected); nothing was stored, retry later"};
  }
  auto merge = [refused](ingest_ack inner) {
    ingest_ack out;
    size_t next = 0;
    for (const auto& r : refused) {
      if (r) out.docs.push_back(*r);
      else if (next < inner.docs.size()) out.docs.push_back(std::move(inner.docs[next++]));
    }
    return out;
  };
  if (pass.empty()) return merge(ingest_ack{});
  auto rp = self->make_response_promise<ingest_ack>();
  self->request(st.inner, caf::infinite, ingest_atom::value, std::move(pass))
      .then([=](ingest_ack& a) mutable { rp.deliver(merge(std::move(a))); },
            [=](caf::error& e) mutable { rp.deliver(e); });
  return rp;
}

ingest_actor::behavior_type ingest_gate(self_ptr self, ingest_actor inner,
                                        std::shared_ptr<cluster_view> view) {
  self->state.inner = std::move(inner);
  self->state.view = std::move(view);
  return {
      [=](ingest_atom, std::vector<storage::document>& docs) { return gate(self, docs); },
      [=](remove_atom a, std::vector<std::string>& ids) {
        return self->delegate(self->state.inner, a, std::move(ids));
      },
      [=](get_atom a, std::string& id) { return self->delegate(self->state.inner, a, std::move(id)); },
      [=](state_atom a, std::string& id) { return self->delegate(self->state.inner, a, std::move(id)); },
      [=](counts_atom a) { return self->delegate(self->state.inner, a); },
      [=](stats_atom a) { return self->delegate(self->state.inner, a); },
      [=](recover_atom a) { return self->delegate(self->state.inner, a); },
      [=](retry_atom a) { self->send(self->state.inner, a); },
  };
}

}  // namespace

ingest_actor spawn_ingest_gate(caf::actor_system& sys, ingest_actor inner,
                               std::shared_ptr<cluster_view> view) {
  return sys.spawn(ingest_gate, std::move(inner), std::move(view));
}

}  // namespace winnow::actors::cluster
