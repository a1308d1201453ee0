#pragma once
// api_handler — routes, access control, validation and JSON for the winnow API.
// It turns an api_request into engine calls and answers through a responder;
// it knows nothing of sockets (see connection.hpp).
//
//   GET    /                     search page (public)
//   GET    /healthz              process up (public)
//   GET    /readyz               engine readiness (public)
//   GET    /openapi.yaml         this API's contract, docs/openapi.yaml (public)
//   GET    /metrics              Prometheus text (role admin)
//   POST   /v1/search            role read
//   POST   /v1/documents         role write; ?class= picks the ingest class
//   GET    /v1/documents/{id}    role read
//   DELETE /v1/documents/{id}    role write
//
// Thread-safety: handle() may be called concurrently from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "http/api_message.hpp"
#include "http/authenticator.hpp"
#include "http/class_admission.hpp"
#include "http/server_options.hpp"

namespace winnow::http {

class engine_api;
class metrics;
class responder;

class api_handler {
 public:
  // REQUIRES: `engine` and `m` outlive this object and every responder it made.
  api_handler(engine_api& engine, metrics& m, server_options opts);
  api_handler(const api_handler&) = delete;
  api_handler& operator=(const api_handler&) = delete;

  // A responder counted as in flight until it answers (or is destroyed).
  std::shared_ptr<responder> make_responder(std::function<void(api_response)> sink);

  // Answers `r` exactly once: synchronously for validation errors and the
  // local routes, later (from an engine thread) for engine calls.
  void handle(const api_request& req, const std::shared_ptr<responder>& r);

  // Current in-flight limit of a class (0 = none); see class_admission.
  uint32_t class_limit(const std::string& class_name) const { return admission_.limit(class_name); }

  // Requests answered or in progress but not yet answered.
  uint32_t in_flight() const { return in_flight_.load(); }

  const server_options& options() const { return opts_; }

 private:
  void handle_search(const api_request& req, const std::shared_ptr<responder>& r);
  void handle_ingest(const api_request& req, const std::string& query,
                     const std::shared_ptr<responder>& r);
  void handle_get_document(const std::string& id, const std::shared_ptr<responder>& r);
  void handle_delete_document(const std::string& id, const std::shared_ptr<responder>& r);
  void handle_readyz(const std::shared_ptr<responder>& r);
  // Admits a search or ingest of `cls`, or answers 429 (counted) and returns null.
  std::shared_ptr<admission_slot> admit(const std::string& cls, const std::shared_ptr<responder>& r);

  engine_api& engine_;
  metrics& metrics_;
  server_options opts_;
  authenticator auth_;
  steady_clock clock_;
  class_admission admission_;
  std::atomic<uint32_t> in_flight_{0};
};

}  // namespace winnow::http
