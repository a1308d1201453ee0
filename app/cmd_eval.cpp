// `winnow eval --data DIR --queries Q.jsonl --qrels QRELS.tsv
//  [--mode bm25|dense|hybrid] [--model DIR] [--precision int8|fp32]
//  [--config FILE] [--json] [--run OUT.trec]`: nDCG@10, recall@100, MRR@10
// and per-query latency over the judged queries (evaluator.hpp,
// eval_metrics.hpp), every query through the actor engine (the same path as
// `winnow search` and the HTTP API).
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <CLI/CLI.hpp>

#include "app/beir_reader.hpp"
#include "app/cli_error.hpp"
#include "app/command_registry.hpp"
#include "app/engine_ranker.hpp"
#include "app/engine_session.hpp"
#include "app/evaluator.hpp"
#include "app/qrels.hpp"
#include "app/query_ranker.hpp"

namespace winnow::app {
namespace {

struct eval_cli {
  engine_cli_options engine;
  std::string queries;
  std::string qrels;
  std::string mode = "bm25";
  // Offline evaluation waits for the model rather than measure degraded
  // answers; degraded ones are still counted and reported.
  uint32_t budget_ms = 60000;
  bool json = false;
  std::string run;
};

void run_eval(eval_cli o) {
  auto mode = parse_ranking_mode(o.mode);
  if (!mode.ok()) fail_command("eval", mode.get_status());
  auto queries = read_queries(o.queries);
  if (!queries.ok()) fail_command("eval", queries.get_status());
  auto judged = read_qrels(o.qrels);
  if (!judged.ok()) fail_command("eval", judged.get_status());
  o.engine.load_model = *mode != ranking_mode::bm25;
  auto e = open_engine(o.engine);
  if (!e.ok()) fail_command("eval", e.get_status());
  engine_ranker ranker(**e, *mode, o.budget_ms);

  eval_options options;
  options.run_tag = std::string("winnow-") + to_string(*mode);
  std::FILE* run_file = nullptr;
  if (!o.run.empty()) {
    run_file = std::fopen(o.run.c_str(), "w");
    if (run_file == nullptr) {
      fail_command("eval", status::io_error(o.run + ": " + std::strerror(errno)));
    }
    options.run_out = run_file;
  }
  auto result = evaluate(ranker, *queries, *judged, options);
  if (run_file != nullptr && std::fclose(run_file) != 0) {
    fail_command("eval", status::io_error(o.run + ": cannot write: " + std::strerror(errno)));
  }
  if (!result.ok()) fail_command("eval", result.get_status());
  if (ranker.degraded_count() > 0) {
    std::fprintf(stderr, "winnow eval: %llu quer%s answered degraded (encoding missed the %u ms budget)\n",
                 static_cast<unsigned long long>(ranker.degraded_count()),
                 ranker.degraded_count() == 1 ? "y" : "ies", o.budget_ms);
  }
  if (o.json) {
    std::printf("%s\n", eval_result_json(*result).c_str());
    return;
  }
  std::printf("mode        %s", to_string(*mode));
  if (*mode != ranking_mode::bm25) std::printf(" (%s)", o.engine.precision.c_str());
  std::printf("\n");
  std::printf("queries     %zu (skipped %zu without relevant documents)\n", result->queries,
              result->skipped);
  std::printf("nDCG@10     %.4f\n", result->ndcg_at_10);
  std::printf("recall@100  %.4f\n", result->recall_at_100);
  std::printf("MRR@10      %.4f\n", result->mrr_at_10);
  std::printf("latency ms  mean %.3f  p50 %.3f  p99 %.3f\n", result->latency.mean_ms,
              result->latency.p50_ms, result->latency.p99_ms);
}

void add_eval_command(CLI::App& root) {
  auto o = std::make_shared<eval_cli>();
  auto* cmd = root.add_subcommand("eval", "measure retrieval quality against relevance judgments");
  cmd->add_option("--data", o->engine.data, "data directory")->capture_default_str();
  cmd->add_option("--config", o->engine.config_file, "engine TOML file (default: embedded)");
  cmd->add_option("--queries", o->queries, "BEIR queries.jsonl")->required();
  cmd->add_option("--qrels", o->qrels, "qrels TSV (query-id, corpus-id, score)")->required();
  cmd->add_option("--mode", o->mode, "bm25 | dense | hybrid")->capture_default_str();
  cmd->add_option("--model", o->engine.model_dir, "model directory (dense / hybrid)")
      ->capture_default_str();
  cmd->add_option("--precision", o->engine.precision, "int8 | fp32 (dense / hybrid)")
      ->capture_default_str();
  cmd->add_option("--budget-ms", o->budget_ms, "per-query deadline")->capture_default_str();
  cmd->add_flag("--json", o->json, "print exactly one JSON object");
  cmd->add_option("--run", o->run, "also write the ranking as a TREC run file");
  cmd->callback([o] { run_eval(*o); });
}

const command_registrar registrar{"eval", add_eval_command};

}  // namespace
}  // namespace winnow::app
