#include "http/api_handler.hpp"

#include <algorithm>
#include <exception>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.hpp"
#include "http/engine_api.hpp"
#include "http/metrics.hpp"
#include "http/openapi_document.hpp"
#include "http/request_parser.hpp"
#include "http/responder.hpp"
#include "http/search_page.hpp"
#include "http/status_mapping.hpp"

namespace winnow::http {

namespace {

using json = nlohmann::json;

// Strings from storage may hold anything; never let dump() throw on them.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

api_response bad_input(const input_error& e) {
  return api_response::error(400, e.error, e.detail, e.field);
}

// Value of `name` in a query string "a=1&class=bulk", percent-decoded.
std::optional<std::string> query_param(const std::string& query, std::string_view name) {
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t end = query.find('&', pos);
    if (end == std::string::npos) end = query.size();
    std::string_view pair(query.data() + pos, end - pos);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name)
      return percent_decode(eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1));
    if (end == query.size()) break;
    pos = end + 1;
  }
  return std::nullopt;
}

// Records admission refusals and degraded answers for the class.
void count_outcome(metrics& m, const std::string& cls, const status& s) {
  if (s.code() == status_code::resource_exhausted) m.add_rejected(cls, "resource_exhausted");
  else if (s.code() == status_code::unavailable) m.add_rejected(cls, "unavailable");
}

}  // namespace

api_handler::api_handler(engine_api& engine, metrics& m, server_options opts)
    : engine_(engine),
      metrics_(m),
      opts_(std::move(opts)),
      auth_(opts_.api_keys),
      admission_(opts_.admission, clock_,
                 static_cast<int64_t>(opts_.retry_after_seconds) * 1'000'000'000) {}

std::shared_ptr<admission_slot> api_handler::admit(const std::string& cls,
                                                   const std::shared_ptr<responder>& r) {
  admission_decision d = admission_.admit(cls);
  if (d.outcome == admission_outcome::admitted) {
    // A class outside the configured list has no bound; it still needs a slot
    // object so the callers need not special-case it.
    return d.slot ? d.slot : std::make_shared<admission_slot>(nullptr, 0, limit_ticket{});
  }
  metrics_.add_rejected(cls, to_string(d.outcome));
  r->respond(error_response(status::resource_exhausted(d.detail), opts_.retry_after_seconds));
  return nullptr;
}

std::shared_ptr<responder> api_handler::make_responder(std::function<void(api_response)> sink) {
  in_flight_.fetch_add(1);
  return std::make_shared<responder>(std::move(sink), &metrics_, monotonic_now_ns(), &in_flight_);
}

void api_handler::handle(const api_request& req, const std::shared_ptr<responder>& r) {
  try {
    std::string path = req.target;
    std::string query;
    if (auto q = path.find('?'); q != std::string::npos) {
      query = path.substr(q + 1);
      path.resize(q);
    }
    // Route table: path → (route label, allowed method, role, public?).
    struct route_match {
      const char* label = nullptr;
      const char* method = nullptr;
      role needed = role::read;
      bool is_public = false;
    };
    route_match m;
    std::string doc_id;
    static constexpr std::string_view doc_prefix = "/v1/documents/";
    if (path == "/") m = {"page", "GET", role::read, true};
    else if (path == "/healthz") m = {"healthz", "GET", role::read, true};
    else if (path == "/readyz") m = {"readyz", "GET", role::read, true};
    else if (path == "/openapi.yaml") m = {"openapi", "GET", role::read, true};
    else if (path == "/metrics") m = {"metrics", "GET", role::admin, false};
    else if (path == "/v1/search") m = {"search", "POST", role::read, false};
    else if (path == "/v1/documents") m = {"documents_post", "POST", role::write, false};
    else if (path.size() > doc_prefix.size() && path.compare(0, doc_prefix.size(), doc_prefix) == 0) {
      doc_id = path.substr(doc_prefix.size());
      if (req.method == "DELETE") m = {"documents_delete", "DELETE", role::write, false};
      else m = {"documents_get", "GET", role::read, false};
    }
    if (m.label == nullptr) {
      r->set_labels("unknown", "");
      r->respond(api_response::error(404, "not_found", "no route for '" + path + "'", "path"));
      return;
    }
    r->set_labels(m.label, "");
    bool is_doc_route = !doc_id.empty();
    if ((is_doc_route && req.method != "GET" && req.method != "DELETE") ||
        (!is_doc_route && req.method != m.method)) {
      auto resp = api_response::error(405, "method_not_allowed",
                                      "method " + req.method + " is not allowed on '" + path + "'",
                                      "method");
      resp.headers.emplace_back("Allow", is_doc_route ? "GET, DELETE" : m.method);
      r->respond(std::move(resp));
      return;
    }
    if (!m.is_public) {
      auth_decision d = auth_.check(req.authorization, req.api_key_header, m.needed);
      if (d.outcome == auth_outcome::unauthenticated) {
        auto resp = api_response::error(401, "unauthenticated", d.detail);
        resp.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"winnow\"");
        r->respond(std::move(resp));
        return;
      }
      if (d.outcome == auth_outcome::forbidden) {
        r->respond(api_response::error(403, "forbidden", d.detail));
        return;
      }
    }
    // The in-flight bound protects the server's memory when the engine stalls.
    if (in_flight_.load() > opts_.max_in_flight_requests && !m.is_public) {
      metrics_.add_rejected("", "server_in_flight");
      status s = status::unavailable("the server has " + std::to_string(in_flight_.load()) +
                                     " requests in flight (limit " +
                                     std::to_string(opts_.max_in_flight_requests) + ")");
      r->respond(error_response(s, opts_.retry_after_seconds));
      return;
    }
    std::string label = m.label;
    if (label == "page") {
      api_response resp;
      resp.content_type = "text/html; charset=utf-8";
      resp.body = std::string(search_page_html());
      resp.headers.emplace_back("Cache-Control", "no-cache");
      r->respond(std::move(resp));
    } else if (label == "openapi") {
      api_response resp;
      resp.content_type = "application/yaml; charset=utf-8";
      resp.body = std::string(openapi_yaml());
      r->respond(std::move(resp));
    } else if (label == "healthz") {
      r->respond(api_response::json(200, R"({"status":"ok"})"));
    } else if (label == "readyz") {
      handle_readyz(r);
    } else if (label == "metrics") {
      api_response resp;
      resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
      for (const auto& c : opts_.admission)
        if (c.max_in_flight > 0) metrics_.set_in_flight_limit(c.name, admission_.limit(c.name));
      resp.body = metrics_.serialize();
      r->respond(std::move(resp));
    } else if (label == "search") {
      handle_search(req, r);
    } else if (label == "documents_post") {
      handle_ingest(req, query, r);
    } else {
      auto id = percent_decode(doc_id);
      if (!id) {
        r->respond(api_response::error(400, "invalid_field",
                                       "malformed percent-escape in the document id", "id"));
        return;
      }
      if (auto e = check_document_id(*id)) {
        r->respond(bad_input(*e));
        return;
      }
      if (label == "documents_get") handle_get_document(*id, r);
      else handle_delete_document(*id, r);
    }
  } catch (const std::exception& e) {
    // A bug, not input: answer 500 rather than drop the connection.
    r->respond(api_response::error(500, "internal", std::string("internal error: ") + e.what()));
  }
}

void api_handler::handle_readyz(const std::shared_ptr<responder>& r) {
  readiness rd = engine_.get_readiness();
  json checks = json::array();
  for (const auto& c : rd.checks) checks.push_back({{"name", c.name}, {"ok", c.ok}, {"detail", c.detail}});
  bool ready = rd.ready();
  r->respond(api_response::json(ready ? 200 : 503, dump({{"ready", ready}, {"checks", checks}})));
}

void api_handler::handle_search(const api_request& req, const std::shared_ptr<responder>& r) {
  auto p = parse_search_request(req.body, opts_);
  if (!p.ok()) {
    r->respond(bad_input(p.error));
    return;
  }
  search_request sr = std::move(*p.value);
  r->set_labels("search", sr.class_name);
  std::string cls = sr.class_name;
  std::string mode = to_string(sr.mode);
  uint32_t k = sr.k;
  unsigned retry = opts_.retry_after_seconds;
  metrics* m = &metrics_;
  std::shared_ptr<admission_slot> slot = admit(cls, r);
  if (!slot) return;
  engine_.search(std::move(sr), [r, cls, mode, k, retry, m, slot](status_or<search_response> res) {
    try {
      // Only answers feed the class's latency limit; an error says nothing about it.
      if (res.ok()) slot->finish(monotonic_now_ns() - r->start_ns());
      if (!res.ok()) {
        count_outcome(*m, cls, res.get_status());
        r->respond(error_response(res.get_status(), retry));
        return;
      }
      const search_response& sres = *res;
      if (sres.degraded) m->add_degraded(cls);
      json results = json::array();
      for (const auto& h : sres.results) {
        json item = {{"id", h.id}, {"title", h.title}, {"snippet", h.snippet}, {"score", h.score}};
        if (h.bm25_score) item["bm25_score"] = *h.bm25_score;
        if (h.dense_score) item["dense_score"] = *h.dense_score;
        results.push_back(std::move(item));
      }
      int64_t total_us = (monotonic_now_ns() - r->start_ns()) / 1000;
      json body = {
          {"results", std::move(results)},
          {"timings_us",
           {{"coarse", sres.timings.coarse_us},
            {"encode", sres.timings.encode_us},
            {"rerank", sres.timings.rerank_us},
            {"fetch", sres.timings.fetch_us},
            {"total", total_us}}},
          {"degraded", sres.degraded},
          {"partial", sres.partial},
          {"missing_shards", sres.missing_shards},
          {"mode", mode},
          {"class", cls},
          {"k", k}};
      if (sres.vectors) body["vectors"] = {{"encoded", sres.vectors->encoded}, {"total", sres.vectors->total}};
      r->respond(api_response::json(200, dump(body)));
    } catch (const std::exception& e) {
      r->respond(api_response::error(500, "internal", std::string("internal error: ") + e.what()));
    }
  });
}

void api_handler::handle_ingest(const api_request& req, const std::string& query,
                                const std::shared_ptr<responder>& r) {
  std::string cls = opts_.default_ingest_class;
  if (auto c = query_param(query, "class")) {
    cls = *c;
    if (std::find(opts_.classes.begin(), opts_.classes.end(), cls) == opts_.classes.end()) {
      r->respond(api_response::error(400, "invalid_field", "unknown class '" + cls + "'", "class"));
      return;
    }
  }
  r->set_labels("documents_post", cls);
  auto p = parse_document_batch(req.body, req.content_type, opts_);
  if (!p.ok()) {
    r->respond(bad_input(p.error));
    return;
  }
  // Only valid documents reach the engine; `slots` maps them back to input order.
  std::vector<batch_entry> entries = std::move(*p.value);
  ingest_request ir;
  ir.class_name = cls;
  std::vector<size_t> slots;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].doc) {
      slots.push_back(i);
      ir.documents.push_back(std::move(*entries[i].doc));
      entries[i].doc.reset();
    }
  }
  metrics* m = &metrics_;
  unsigned retry = opts_.retry_after_seconds;
  auto finish = [r, m, cls](const std::vector<batch_entry>& entries,
                            const std::vector<document_result>& applied,
                            const std::vector<size_t>& slots) {
    json items = json::array();
    size_t accepted = 0, searchable = 0, rejected = 0;
    size_t next = 0;
    for (size_t i = 0; i < entries.size(); ++i) {
      if (next < slots.size() && slots[next] == i) {
        const document_result& d = applied[next++];
        json item = {{"id", d.id}, {"state", to_string(d.state)}};
        if (d.state == document_state::rejected) {
          item["error"] = d.error;
          ++rejected;
        } else {
          ++accepted;
          if (d.state == document_state::searchable) ++searchable;
        }
        items.push_back(std::move(item));
      } else {
        items.push_back({{"id", entries[i].id}, {"state", "rejected"}, {"error", entries[i].error}});
        ++rejected;
      }
    }
    m->add_documents_accepted(accepted);
    m->add_documents_rejected(rejected);
    json body = {{"documents", std::move(items)},
                 {"accepted", accepted},
                 {"searchable", searchable},
                 {"rejected", rejected},
                 {"errors", rejected > 0},
                 {"class", cls}};
    r->respond(api_response::json(200, dump(body)));
  };
  if (ir.documents.empty()) {
    finish(entries, {}, slots);
    return;
  }
  size_t sent = ir.documents.size();
  std::shared_ptr<admission_slot> slot = admit(cls, r);
  if (!slot) return;
  engine_.ingest(std::move(ir), [r, m, cls, retry, finish, sent, slot, entries = std::move(entries),
                                 slots = std::move(slots)](
                                    status_or<std::vector<document_result>> res) {
    try {
      if (res.ok()) slot->finish(monotonic_now_ns() - r->start_ns());
      if (!res.ok()) {
        // Nothing of the batch was applied (engine_api contract).
        count_outcome(*m, cls, res.get_status());
        r->respond(error_response(res.get_status(), retry));
        return;
      }
      if (res->size() != sent) {
        r->respond(api_response::error(
            500, "internal",
            "the engine answered " + std::to_string(res->size()) + " document results for " +
                std::to_string(sent) + " documents"));
        return;
      }
      finish(entries, *res, slots);
    } catch (const std::exception& e) {
      r->respond(api_response::error(500, "internal", std::string("internal error: ") + e.what()));
    }
  });
}

void api_handler::handle_get_document(const std::string& id, const std::shared_ptr<responder>& r) {
  unsigned retry = opts_.retry_after_seconds;
  engine_.get_document(id, [r, retry](status_or<document> res) {
    try {
      if (!res.ok()) {
        r->respond(error_response(res.get_status(), retry));
        return;
      }
      json meta = nullptr;
      if (!res->metadata_json.empty()) {
        meta = json::parse(res->metadata_json, nullptr, false);
        if (meta.is_discarded()) meta = res->metadata_json;
      }
      json body = {{"id", res->id}, {"title", res->title}, {"text", res->text}, {"metadata", meta}};
      r->respond(api_response::json(200, dump(body)));
    } catch (const std::exception& e) {
      r->respond(api_response::error(500, "internal", std::string("internal error: ") + e.what()));
    }
  });
}

void api_handler::handle_delete_document(const std::string& id,
                                         const std::shared_ptr<responder>& r) {
  unsigned retry = opts_.retry_after_seconds;
  engine_.delete_document(id, [r, retry, id](status s) {
    if (!s.ok()) {
      r->respond(error_response(s, retry));
      return;
    }
    r->respond(api_response::json(200, dump({{"id", id}, {"deleted", true}})));
  });
}

}  // namespace winnow::http
