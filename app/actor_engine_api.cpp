#include "app/actor_engine_api.hpp"

namespace winnow::app {

namespace {

actors::query_mode to_mode(http::search_mode m) {
  switch (m) {
    case http::search_mode::bm25: return actors::query_mode::bm25;
    case http::search_mode::dense: return actors::query_mode::dense;
    case http::search_mode::hybrid: return actors::query_mode::hybrid;
  }
  return actors::query_mode::config_default;
}

http::search_response to_response(actors::search_result&& r) {
  http::search_response out;
  for (auto& h : r.hits) {
    http::search_hit x;
    x.id = std::move(h.id);
    x.title = std::move(h.title);
    x.snippet = std::move(h.snippet);
    x.score = h.score;
    x.bm25_score = h.bm25;
    if (h.has_cosine) x.dense_score = h.cosine;
    out.results.push_back(std::move(x));
  }
  out.timings.coarse_us = r.timings.coarse_us;
  out.timings.encode_us = r.timings.encode_us;
  out.timings.rerank_us = r.timings.rerank_us;
  out.timings.fetch_us = r.timings.fetch_us;
  out.degraded = r.degraded;
  out.partial = r.partial;
  out.missing_shards = std::move(r.missing_shards);
  if (r.has_vector_counts) out.vectors = http::search_response::vector_counts{r.vectors_encoded, r.vectors_total};
  return out;
}

}  // namespace

void actor_engine_api::search(http::search_request request,
                              http::completion<http::search_response> done) {
  actors::search_query q;
  q.text = std::move(request.query);
  q.k = request.k;
  q.mode = to_mode(request.mode);
  q.class_name = std::move(request.class_name);
  q.budget_ms = request.budget_ms;
  engine_.search_async(std::move(q), [done = std::move(done)](status_or<actors::search_result> r) {
    if (!r.ok()) return done(r.get_status());
    done(to_response(std::move(r).value()));
  });
}

void actor_engine_api::ingest(http::ingest_request request,
                              http::completion<std::vector<http::document_result>> done) {
  // The encoding class of ingest work is the engine's [engine] ingest_class;
  // request.class_name only selected the admission queue in the server.
  std::vector<storage::document> docs;
  docs.reserve(request.documents.size());
  for (auto& d : request.documents) {
    docs.push_back({std::move(d.id), std::move(d.title), std::move(d.text),
                    std::move(d.metadata_json)});
  }
  engine_.ingest_async(std::move(docs), [done = std::move(done)](status_or<actors::ingest_ack> a) {
    if (!a.ok()) return done(a.get_status());
    std::vector<http::document_result> out;
    for (auto& d : a->docs) {
      http::document_result r;
      r.id = std::move(d.id);
      r.state = d.state == "accepted" ? http::document_state::accepted
                                      : http::document_state::rejected;
      r.error = std::move(d.error);
      out.push_back(std::move(r));
    }
    done(std::move(out));
  });
}

void actor_engine_api::get_document(std::string id, http::completion<http::document> done) {
  engine_.get_document_async(std::move(id), [done = std::move(done)](status_or<storage::document> d) {
    if (!d.ok()) return done(d.get_status());
    done(http::document{std::move(d->id), std::move(d->title), std::move(d->text),
                        std::move(d->metadata_json)});
  });
}

void actor_engine_api::delete_document(std::string id, std::function<void(status)> done) {
  // not_found for an absent id (the interface's contract): look it up first.
  actors::engine* e = &engine_;
  engine_.get_document_async(id, [e, id, done = std::move(done)](status_or<storage::document> d) {
    if (!d.ok()) return done(d.get_status());
    e->remove_async({id}, done);
  });
}

http::readiness actor_engine_api::get_readiness() const {
  http::readiness r;
  r.checks.push_back({"storage", true, engine_.config().engine.data_dir});
  r.checks.push_back({"model", engine_.has_model(),
                      engine_.has_model() ? engine_.config().model.dir : "no model loaded"});
  return r;
}

}  // namespace winnow::app
