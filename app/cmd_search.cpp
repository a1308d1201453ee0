// `winnow search --data DIR [-k 10] [--json] [--mode bm25|dense|hybrid]
//  [--model DIR] [--precision int8|fp32] [--config FILE] QUERY`: one query
// through the actor engine (query_router), with per-stage timings.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/cli_error.hpp"
#include "app/command_registry.hpp"
#include "app/engine_ranker.hpp"
#include "app/engine_session.hpp"
#include "app/query_ranker.hpp"
#include "common/clock.hpp"

namespace winnow::app {
namespace {

struct search_cli {
  engine_cli_options engine;
  size_t k = 10;
  bool json = false;
  std::string mode = "bm25";
  uint32_t budget_ms = 0;
  std::string query;
};

std::string snippet(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Do not cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

void run_search(search_cli o) {
  auto mode = parse_ranking_mode(o.mode);
  if (!mode.ok()) fail_command("search", mode.get_status());
  o.engine.load_model = *mode != ranking_mode::bm25;
  auto e = open_engine(o.engine);
  if (!e.ok()) fail_command("search", e.get_status());
  engine_ranker ranker(**e, *mode, o.budget_ms);
  const time_point_ns start = monotonic_now_ns();
  auto r = ranker.search(o.query, o.k);
  const double took_ms = static_cast<double>(monotonic_now_ns() - start) / 1e6;
  if (!r.ok()) fail_command("search", r.get_status());
  const auto& t = r->timings;
  nlohmann::json out = {{"query", o.query},
                        {"mode", to_string(*mode)},
                        {"took_ms", took_ms},
                        {"degraded", r->degraded},
                        {"timings_us",
                         {{"coarse", t.coarse_us}, {"encode", t.encode_us},
                          {"rerank", t.rerank_us}, {"fetch", t.fetch_us}, {"total", t.total_us}}},
                        {"hits", nlohmann::json::array()}};
  if (!o.json) {
    std::printf("%zu hit(s) for \"%s\" (%s%s) in %.2f ms  [coarse %.2f, encode %.2f, rerank %.2f, "
                "fetch %.2f ms]\n",
                r->hits.size(), o.query.c_str(), to_string(*mode),
                r->degraded ? ", degraded: BM25 order" : "", took_ms, t.coarse_us / 1e3,
                t.encode_us / 1e3, t.rerank_us / 1e3, t.fetch_us / 1e3);
  }
  size_t rank = 0;
  for (const auto& h : r->hits) {
    ++rank;
    if (o.json) {
      nlohmann::json hit = {{"id", h.id}, {"score", h.score}, {"bm25", h.bm25},
                            {"title", h.title}, {"snippet", h.snippet}};
      if (h.has_cosine) hit["cosine"] = h.cosine;
      // The JSON form carries the whole document (text and metadata).
      auto doc = (*e)->get_document(h.id);
      if (!doc.ok()) fail_command("search", doc.get_status());
      hit["text"] = doc->text;
      if (!doc->metadata_json.empty()) {
        hit["metadata"] = nlohmann::json::parse(doc->metadata_json, nullptr, false);
      }
      out["hits"].push_back(std::move(hit));
    } else {
      std::printf("%2zu. [%s] %.3f  %s\n    %s\n", rank, h.id.c_str(), h.score, h.title.c_str(),
                  snippet(h.snippet, 160).c_str());
    }
  }
  if (o.json) std::printf("%s\n", out.dump().c_str());
}

void add_search_command(CLI::App& root) {
  auto o = std::make_shared<search_cli>();
  auto* cmd = root.add_subcommand("search", "search a data directory");
  cmd->add_option("--data", o->engine.data, "data directory")->capture_default_str();
  cmd->add_option("--config", o->engine.config_file, "engine TOML file (default: embedded)");
  cmd->add_option("-k", o->k, "number of results")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->add_option("--mode", o->mode, "bm25 | dense | hybrid")->capture_default_str();
  cmd->add_option("--model", o->engine.model_dir, "model directory (dense / hybrid)")
      ->capture_default_str();
  cmd->add_option("--precision", o->engine.precision, "int8 | fp32 (dense / hybrid)")
      ->capture_default_str();
  cmd->add_option("--budget-ms", o->budget_ms, "query deadline (0: the class's timeout_ms)");
  cmd->add_option("QUERY", o->query, "query text")->required();
  cmd->callback([o] { run_search(*o); });
}

const command_registrar registrar{"search", add_search_command};

}  // namespace
}  // namespace winnow::app
