#pragma once
// http::engine_api over the actor engine: what `winnow serve` hands the HTTP
// server. Every call goes to an engine *_async method (a one-shot actor makes
// the request; caf-0.17.md §3 pattern 1), so no server thread ever blocks on
// the engine; callbacks run on actor threads and the server re-posts them.
//
// The engine must outlive this object; stop the server before destroying the
// engine (http/engine_api.hpp's contract).

#include <memory>

#include "actors/engine.hpp"
#include "http/engine_api.hpp"

namespace winnow::app {

class actor_engine_api final : public http::engine_api {
 public:
  explicit actor_engine_api(actors::engine& e) : engine_(e) {}

  void search(http::search_request request,
              http::completion<http::search_response> done) override;
  void ingest(http::ingest_request request,
              http::completion<std::vector<http::document_result>> done) override;
  void get_document(std::string id, http::completion<http::document> done) override;
  void delete_document(std::string id, std::function<void(status)> done) override;
  http::readiness get_readiness() const override;

 private:
  actors::engine& engine_;
};

}  // namespace winnow::app
