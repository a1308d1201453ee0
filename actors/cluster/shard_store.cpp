#include "actors/cluster/shard_store.hpp"

namespace winnow::actors::cluster {

namespace {

struct store_state {
  storage::db* db = nullptr;
  coarse_ranker_actor ranker;
  static const char* name;
};
const char* store_state::name = "shard_store";

coarse_ranker_actor::behavior_type shard_store(coarse_ranker_actor::stateful_pointer<store_state> self,
                                               storage::db* db, coarse_ranker_actor ranker) {
  self->state.db = db;
  self->state.ranker = std::move(ranker);
  return {
      [=](qstats_atom a, std::string& q) { return self->delegate(self->state.ranker, a, std::move(q)); },
      [=](search_atom a, std::string& q, uint32_t k, index::query_statistics& g) {
        return self->delegate(self->state.ranker, a, std::move(q), k, std::move(g));
      },
      [=](add_atom a, std::vector<storage::document>& docs) -> caf::result<uint64_t> {
        if (status s = self->state.db->put_documents(docs); !s.ok())
          return to_error(s.with_context("shard node storage"));
        return self->delegate(self->state.ranker, a, std::move(docs));
      },
      [=](remove_atom a, std::vector<std::string>& ids) -> caf::result<uint64_t> {
        if (status s = self->state.db->delete_documents(ids); !s.ok())
          return to_error(s.with_context("shard node storage"));
        return self->delegate(self->state.ranker, a, std::move(ids));
      },
      [=](recover_atom a, uint32_t shard, uint32_t shards) {
        return self->delegate(self->state.ranker, a, shard, shards);
      },
  };
}

}  // namespace

coarse_ranker_actor spawn_shard_store(caf::actor_system& sys, storage::db* db,
                                      coarse_ranker_actor ranker) {
  return sys.spawn<caf::detached>(shard_store, db, std::move(ranker));
}

}  // namespace winnow::actors::cluster
