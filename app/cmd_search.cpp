// `winnow search --data DIR [-k 10] [--json] QUERY`.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/cli_error.hpp"
#include "app/command_registry.hpp"
#include "app/data_dir.hpp"
#include "app/query_ranker.hpp"
#include "common/clock.hpp"

namespace winnow::app {
namespace {

struct search_cli {
  std::string data = "winnow-data";
  size_t k = 10;
  bool json = false;
  std::string mode = "bm25";
  std::string model_dir;
  std::string precision = "int8";
  std::string query;
};

std::string snippet(const std::string& text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  // Do not cut inside a UTF-8 sequence.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

void run_search(const search_cli& o) {
  auto mode = parse_ranking_mode(o.mode);
  if (!mode.ok()) fail_command("search", mode.get_status());
  auto dir = open_data_dir(o.data, /*create=*/false);
  if (!dir.ok()) fail_command("search", dir.get_status());
  auto ranker = make_query_ranker(*dir->index, {*mode, o.model_dir, o.precision});
  if (!ranker.ok()) fail_command("search", ranker.get_status());

  const time_point_ns start = monotonic_now_ns();
  auto hits = (*ranker)->rank(o.query, o.k);
  const double took_ms = static_cast<double>(monotonic_now_ns() - start) / 1e6;
  if (!hits.ok()) fail_command("search", hits.get_status());

  nlohmann::json out = {{"query", o.query}, {"took_ms", took_ms}, {"hits", nlohmann::json::array()}};
  if (!o.json) std::printf("%zu hit(s) for \"%s\" in %.2f ms\n", hits->size(), o.query.c_str(), took_ms);
  size_t rank = 0;
  for (const auto& h : *hits) {
    ++rank;
    auto doc = dir->db->get_document(h.id);
    if (!doc.ok()) fail_command("search", doc.get_status());
    if (o.json) {
      nlohmann::json hit = {{"id", h.id}, {"score", h.score}, {"title", doc->title},
                            {"text", doc->text}};
      if (!doc->metadata_json.empty()) {
        hit["metadata"] = nlohmann::json::parse(doc->metadata_json, nullptr, false);
      }
      out["hits"].push_back(std::move(hit));
    } else {
      std::printf("%2zu. [%s] %.3f  %s\n    %s\n", rank, h.id.c_str(), h.score,
                  doc->title.c_str(), snippet(doc->text, 160).c_str());
    }
  }
  if (o.json) std::printf("%s\n", out.dump().c_str());
}

void add_search_command(CLI::App& root) {
  auto o = std::make_shared<search_cli>();
  auto* cmd = root.add_subcommand("search", "search a data directory");
  cmd->add_option("--data", o->data, "data directory")->capture_default_str();
  cmd->add_option("-k", o->k, "number of results")->capture_default_str()->check(CLI::Range(1, 10000));
  cmd->add_flag("--json", o->json, "print one JSON object");
  cmd->add_option("--mode", o->mode, "bm25 | dense | hybrid")->capture_default_str();
  cmd->add_option("--model", o->model_dir, "model directory (dense / hybrid)");
  cmd->add_option("--precision", o->precision, "int8 | fp32 (dense / hybrid)")->capture_default_str();
  cmd->add_option("QUERY", o->query, "query text")->required();
  cmd->callback([o] { run_search(*o); });
}

const command_registrar registrar{"search", add_search_command};

}  // namespace
}  // namespace winnow::app
