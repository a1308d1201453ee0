#pragma once
// ingest_gate — the frontend's ingest_actor in a cluster: before a document
// is stored, its shard's node must be reachable. Documents of an unreachable
// shard are refused (doc_ack "rejected", error naming the shard and its node,
// "retry later"); the others go to the real ingest actor, and the acks come
// back in input order. Choice: refuse, not buffer — the frontend's store
// would hold the document durably, but the shard node keeps its own copy and
// replays only what it received, so a buffered document would need a
// replay protocol of its own; a client retry is simpler and exact.
// Everything else passes through to the inner ingest unchanged.

#include <memory>

#include <caf/all.hpp>

#include "actors/cluster/cluster_view.hpp"
#include "actors/ingest.hpp"

namespace winnow::actors::cluster {

ingest_actor spawn_ingest_gate(caf::actor_system& sys, ingest_actor inner,
                               std::shared_ptr<cluster_view> view);

}  // namespace winnow::actors::cluster
