#pragma once
// Every message the engine's actors exchange: atoms, the message structs that
// exist only between actors, the CAF 0.17 `inspect` overloads for them and for
// the plain structs of other modules that travel in messages, and the ONE
// function that registers them all with an actor system
// (register_message_types). Every binary and every test that builds an actor
// system calls it, so that every type can cross CAF's network layer unchanged
// (caf-0.17.md §2: an unregistered type fails only at run time, and only over
// the network; tests/actors/messages_loopback_test.cpp sends each type through
// a real loopback middleman connection).
//
// Errors: a winnow::status travels as a caf::error of category "winnow" whose
// code is the status_code and whose context is the message (to_error /
// to_status).

#include <cstdint>
#include <string>
#include <vector>

#include <caf/all.hpp>

#include "actors/engine_types.hpp"
#include "common/status.hpp"
#include "index/search_index.hpp"
#include "storage/document.hpp"

namespace winnow::actors {

// ---- atoms (<= 10 characters) ------------------------------------------------
using search_atom = caf::atom_constant<caf::atom("search")>;
using qstats_atom = caf::atom_constant<caf::atom("qstats")>;
using add_atom = caf::atom_constant<caf::atom("add")>;
using remove_atom = caf::atom_constant<caf::atom("remove")>;
using recover_atom = caf::atom_constant<caf::atom("recover")>;
using encode_atom = caf::atom_constant<caf::atom("encode")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using batch_atom = caf::atom_constant<caf::atom("batch")>;
using fail_atom = caf::atom_constant<caf::atom("fail")>;
using readmit_atom = caf::atom_constant<caf::atom("readmit")>;
using rerank_atom = caf::atom_constant<caf::atom("rerank")>;
using fetch_atom = caf::atom_constant<caf::atom("fetch")>;
using ingest_atom = caf::atom_constant<caf::atom("ingest")>;
using state_atom = caf::atom_constant<caf::atom("state")>;
using counts_atom = caf::atom_constant<caf::atom("counts")>;
using stats_atom = caf::atom_constant<caf::atom("stats")>;
using get_atom = caf::atom_constant<caf::atom("get")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using probe_atom = caf::atom_constant<caf::atom("probe")>;

// ---- actor-to-actor message structs ---------------------------------------------

// Texts to encode in a priority class; the batcher answers one embedding per
// text, in order, or an error for the whole request.
struct encode_request {
  std::string class_name;
  std::vector<std::string> texts;
  uint64_t budget_us = 0;  // 0 = the class's timeout_ms only
};

// Unit vectors, one per text (or per sequence of a token_batch).
struct embedding_batch {
  std::vector<std::vector<float>> vectors;
};

// One batch for a device worker: token ids, [CLS] ... [SEP] each.
struct token_batch {
  uint64_t batch_id = 0;
  std::vector<std::vector<int32_t>> sequences;
};

// The reranker's input: the query's vector (empty in bm25 mode or when
// degraded), the merged BM25 candidates, the mode, and how many to keep.
struct rerank_request {
  std::vector<float> query_vector;
  std::vector<index::hit> candidates;
  query_mode mode = query_mode::hybrid;
  uint32_t k = 10;
};

// ---- inspect overloads (0.17 signature, caf-0.17.md §2) ---------------------------

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, encode_request& x) {
  return f(caf::meta::type_name("encode_request"), x.class_name, x.texts, x.budget_us);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, embedding_batch& x) {
  return f(caf::meta::type_name("embedding_batch"), x.vectors);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, token_batch& x) {
  return f(caf::meta::type_name("token_batch"), x.batch_id, x.sequences);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, rerank_request& x) {
  return f(caf::meta::type_name("rerank_request"), x.query_vector, x.candidates, x.mode, x.k);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, search_query& x) {
  return f(caf::meta::type_name("search_query"), x.text, x.k, x.mode, x.class_name, x.budget_ms);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, result_hit& x) {
  return f(caf::meta::type_name("result_hit"), x.id, x.title, x.snippet, x.score, x.bm25,
           x.cosine, x.has_cosine);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stage_timings& x) {
  return f(caf::meta::type_name("stage_timings"), x.coarse_us, x.encode_us, x.rerank_us,
           x.fetch_us, x.total_us);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, search_result& x) {
  return f(caf::meta::type_name("search_result"), x.hits, x.timings, x.degraded, x.partial,
           x.missing_shards, x.degraded_reason, x.has_vector_counts, x.vectors_encoded,
           x.vectors_total);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, doc_ack& x) {
  return f(caf::meta::type_name("doc_ack"), x.id, x.state, x.error);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ingest_ack& x) {
  return f(caf::meta::type_name("ingest_ack"), x.docs);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, state_counts& x) {
  return f(caf::meta::type_name("state_counts"), x.accepted, x.indexed, x.encoded, x.searchable,
           x.deleted);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, histogram_snapshot& x) {
  return f(caf::meta::type_name("histogram_snapshot"), x.bounds, x.counts, x.sum);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batch_histograms& x) {
  return f(caf::meta::type_name("batch_histograms"), x.class_name, x.device, x.size, x.tokens);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, class_stats& x) {
  return f(caf::meta::type_name("class_stats"), x.name, x.queue_depth, x.enqueued,
           x.rejected_queue_full, x.rejected_timeout, x.rejected_late, x.demoted_out, x.requeued, x.sent_batches,
           x.sent_requests, x.device_seconds, x.cost_usd, x.queue_wait_seconds);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, device_stats& x) {
  return f(caf::meta::type_name("device_stats"), x.name, x.backend, x.state, x.batches,
           x.failures, x.device_seconds, x.cost_usd);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, batcher_stats& x) {
  return f(caf::meta::type_name("batcher_stats"), x.classes, x.devices, x.in_flight_batches,
           x.batches);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, router_stats& x) {
  return f(caf::meta::type_name("router_stats"), x.queries, x.degraded, x.partial, x.failed);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, ingest_stats& x) {
  return f(caf::meta::type_name("ingest_stats"), x.accepted_total, x.pending_index,
           x.pending_encode, x.encode_retries, x.recovered, x.rejected_backlog_full);
}

// ---- status <-> caf::error ---------------------------------------------------------
caf::error to_error(const status& s);
// A "winnow" error back to its status; CAF's own errors map to the nearest
// code (request_timeout → deadline_exceeded, unreachable peers → unavailable).
status to_status(const caf::error& e);

// Registers every message type above (and the module structs they carry) plus
// the "winnow" error category. Call once on every actor_system_config.
void register_message_types(caf::actor_system_config& cfg);

}  // namespace winnow::actors

// Module structs that travel in messages: their inspect overloads live in
// their own namespaces (found by ADL) but are declared here, in actors/, so
// that storage/ and index/ stay free of CAF (style.md §6.4).
namespace winnow::index {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, hit& x) {
  return f(caf::meta::type_name("hit"), x.id, x.score);
}
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, query_statistics& x) {
  return f(caf::meta::type_name("query_statistics"), x.total_docs, x.total_tokens, x.doc_freqs);
}
}  // namespace winnow::index

namespace winnow::storage {
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, document& x) {
  return f(caf::meta::type_name("document"), x.id, x.title, x.text, x.metadata_json);
}
}  // namespace winnow::storage
