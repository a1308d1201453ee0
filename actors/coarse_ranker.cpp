#include "actors/coarse_ranker.hpp"

#include "actors/policy/shard_of.hpp"
#include "actors/result_conversion.hpp"

namespace winnow::actors {

namespace {

struct writer_state {
  index::search_index* index = nullptr;
  static const char* name;
};
const char* writer_state::name = "shard_writer";

status_or<uint64_t> add_and_flush(index::search_index& ix,
                                  const std::vector<storage::document>& docs) {
  WINNOW_RETURN_IF_ERROR(ix.add(docs));
  WINNOW_RETURN_IF_ERROR(ix.flush());
  WINNOW_RETURN_IF_ERROR(ix.maybe_merge());
  return uint64_t{docs.size()};
}

status_or<uint64_t> remove_and_flush(index::search_index& ix, const std::vector<std::string>& ids) {
  for (const auto& id : ids) WINNOW_RETURN_IF_ERROR(ix.remove(id));
  WINNOW_RETURN_IF_ERROR(ix.flush());
  return uint64_t{ids.size()};
}

shard_writer_actor::behavior_type shard_writer(
    shard_writer_actor::stateful_pointer<writer_state> self, index::search_index* ix) {
  self->state.index = ix;
  return {
      [=](add_atom, const std::vector<storage::document>& docs) -> caf::result<uint64_t> {
        return to_result(add_and_flush(*self->state.index, docs));
      },
      [=](remove_atom, const std::vector<std::string>& ids) -> caf::result<uint64_t> {
        return to_result(remove_and_flush(*self->state.index, ids));
      },
      [=](recover_atom, uint32_t shard, uint32_t shards) -> caf::result<uint64_t> {
        return to_result(self->state.index->catch_up(
            [=](std::string_view id) { return policy::shard_of(id, shards) == shard; }));
      },
  };
}

struct ranker_state {
  index::search_index* index = nullptr;
  shard_writer_actor writer;
  static const char* name;
};
const char* ranker_state::name = "coarse_ranker";

coarse_ranker_actor::behavior_type coarse_ranker(
    coarse_ranker_actor::stateful_pointer<ranker_state> self, index::search_index* ix) {
  self->state.index = ix;
  self->state.writer = self->spawn<caf::detached + caf::linked>(shard_writer, ix);
  return {
      [=](qstats_atom, const std::string& q) -> caf::result<index::query_statistics> {
        return to_result(self->state.index->query_stats(q));
      },
      [=](search_atom, const std::string& q, uint32_t k,
          const index::query_statistics& global) -> caf::result<std::vector<index::hit>> {
        return to_result(self->state.index->search(q, k, index::fixed_bm25_stats(global)));
      },
      [=](add_atom a, std::vector<storage::document>& docs) {
        return self->delegate(self->state.writer, a, std::move(docs));
      },
      [=](remove_atom a, std::vector<std::string>& ids) {
        return self->delegate(self->state.writer, a, std::move(ids));
      },
      [=](recover_atom a, uint32_t shard, uint32_t shards) {
        return self->delegate(self->state.writer, a, shard, shards);
      },
  };
}

}  // namespace

coarse_ranker_actor spawn_coarse_ranker(caf::actor_system& sys, index::search_index* index) {
  return sys.spawn(coarse_ranker, index);
}

}  // namespace winnow::actors
