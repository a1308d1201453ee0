// `winnow ingest --data DIR [--config FILE] [--model DIR] [--precision int8|fp32]
//  [--no-vectors] FILE`: BEIR corpus (.jsonl or .jsonl.gz) → the actor engine:
// durable store → BM25 shard → passage vectors (bulk class) → searchable.
// A file with any malformed line is rejected whole [INGEST_REJECTS_FILE]
// (engine_corpus_ingester.hpp).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include <CLI/CLI.hpp>

#include "app/cli_error.hpp"
#include "app/command_registry.hpp"
#include "app/beir_reader.hpp"
#include "app/engine_corpus_ingester.hpp"
#include "app/engine_session.hpp"
#include "common/clock.hpp"

namespace winnow::app {
namespace {

struct ingest_cli {
  engine_cli_options engine;
  std::string file;
  size_t batch = 1000;
  bool no_vectors = false;
};

void run_ingest(ingest_cli o) {
  // Checked before the data directory is created, so a mistyped path leaves
  // nothing behind.
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.file, ec)) {
    fail_command("ingest", status::not_found(o.file + ": no such file"));
  }
  const time_point_ns check_start = monotonic_now_ns();
  auto docs_total = validate_corpus_file(o.file);
  if (!docs_total.ok()) fail_command("ingest", docs_total.get_status());
  const double check_s = static_cast<double>(monotonic_now_ns() - check_start) / 1e9;
  o.engine.create = true;
  o.engine.load_model = !o.no_vectors;
  auto e = open_engine(o.engine);
  if (!e.ok()) fail_command("ingest", e.get_status());
  if ((*e)->recovered() > 0) {
    std::printf("recovered %llu document(s) stored before an interrupted ingest\n",
                static_cast<unsigned long long>((*e)->recovered()));
  }
  const bool terminal = isatty(fileno(stdout)) != 0;
  auto on_progress = [terminal](const ingest_progress& p) {
    if (!terminal) return;
    std::printf("\r\033[K%s", format_progress(p).c_str());
    std::fflush(stdout);
  };
  auto summary = ingest_corpus(**e, o.file, *docs_total, o.batch, on_progress, std::chrono::milliseconds(0));
  if (terminal) std::printf("\n");
  if (!summary.ok()) fail_command("ingest", summary.get_status());
  // Indexing and encoding continue in the engine; report while waiting.
  const auto wait_start = std::chrono::steady_clock::now();
  for (;;) {
    status s = (*e)->wait_until_searchable(std::chrono::seconds(10));
    if (s.ok()) break;
    if (s.code() != status_code::deadline_exceeded) fail_command("ingest", s);
    std::fprintf(stderr, "%s\n", s.message().c_str());
  }
  const double searchable_s =
      summary->accept_s +
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wait_start).count();
  auto st = (*e)->stats();
  if (!st.ok()) fail_command("ingest", st.get_status());
  std::printf("ingested %llu documents from %s: durable in %.1fs, searchable after %.1fs "
              "(check pass %.1fs); %llu searchable, %llu indexed without vector%s\n",
              static_cast<unsigned long long>(summary->docs), o.file.c_str(), summary->accept_s,
              searchable_s, check_s,
              static_cast<unsigned long long>(st->states.searchable),
              static_cast<unsigned long long>(st->states.indexed),
              o.no_vectors ? " (--no-vectors)" : "");
}

void add_ingest_command(CLI::App& root) {
  auto o = std::make_shared<ingest_cli>();
  auto* cmd = root.add_subcommand("ingest", "store, index and encode a BEIR corpus (.jsonl or .jsonl.gz)");
  cmd->add_option("--data", o->engine.data, "data directory")->capture_default_str();
  cmd->add_option("--config", o->engine.config_file, "engine TOML file (default: embedded)");
  cmd->add_option("--model", o->engine.model_dir, "model directory")->capture_default_str();
  cmd->add_option("--precision", o->engine.precision, "int8 | fp32")->capture_default_str();
  cmd->add_flag("--no-vectors", o->no_vectors, "index only; documents stay `indexed` until an "
                "ingest or serve with the model encodes them");
  cmd->add_option("--batch", o->batch, "documents per durable batch")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1000000}));
  cmd->add_option("FILE", o->file, "corpus file: one JSON object per line (_id, title, text)")
      ->required();
  cmd->callback([o] { run_ingest(*o); });
}

const command_registrar registrar{"ingest", add_ingest_command};

}  // namespace
}  // namespace winnow::app
