#pragma once
// reranker — the second stage (architecture.md §1): loads the candidates'
// stored passage vectors and ranks them by mode (bm25 | dense | hybrid) with
// actors/policy/score_fusion.hpp, parameters from config [ranking]; and
// fetches titles and snippets of the final hits. Reads RocksDB (block-cached
// point lookups), so it runs on the shared scheduler threads.

#include <vector>

#include <caf/all.hpp>

#include "actors/messages.hpp"
#include "actors/policy/score_fusion.hpp"
#include "storage/db.hpp"

namespace winnow::actors {

using reranker_actor = caf::typed_actor<
    caf::replies_to<rerank_atom, rerank_request>::with<std::vector<result_hit>>,
    caf::replies_to<fetch_atom, std::vector<result_hit>>::with<std::vector<result_hit>>>;

// REQUIRES: validate(params).ok(); `db` outlives the actor.
reranker_actor spawn_reranker(caf::actor_system& sys, const storage::db* db,
                              policy::fusion_params params);

}  // namespace winnow::actors
