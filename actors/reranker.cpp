#include "actors/reranker.hpp"

#include "actors/policy/rerank_steps.hpp"
#include "actors/result_conversion.hpp"

namespace winnow::actors {

namespace {

struct reranker_state {
  const storage::db* db = nullptr;
  policy::fusion_params params;
  static const char* name;
};
const char* reranker_state::name = "reranker";

// The configured fusion with the query's mode.
policy::score_fusion fusion_for(const policy::fusion_params& base, query_mode mode) {
  policy::fusion_params p = base;
  if (mode != query_mode::config_default) p.mode = static_cast<config::ranking_mode>(mode);
  return policy::score_fusion(p);
}

reranker_actor::behavior_type reranker(reranker_actor::stateful_pointer<reranker_state> self,
                                       const storage::db* db, policy::fusion_params params) {
  self->state.db = db;
  self->state.params = params;
  return {
      [=](rerank_atom, const rerank_request& r) -> caf::result<std::vector<result_hit>> {
        auto& st = self->state;
        return to_result(policy::rerank(*st.db, fusion_for(st.params, r.mode), r.query_vector,
                                        r.candidates, r.k));
      },
      [=](fetch_atom, std::vector<result_hit>& hits) -> caf::result<std::vector<result_hit>> {
        return to_result(policy::fetch_snippets(*self->state.db, std::move(hits)));
      },
  };
}

}  // namespace

reranker_actor spawn_reranker(caf::actor_system& sys, const storage::db* db,
                              policy::fusion_params params) {
  return sys.spawn(reranker, db, params);
}

}  // namespace winnow::actors
