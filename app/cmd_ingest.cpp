// `winnow ingest --data DIR FILE`: BEIR corpus (.jsonl or .jsonl.gz) → durable
// store → BM25 index. A file with any malformed line is rejected whole
// [INGEST_REJECTS_FILE] (corpus_ingester.hpp).
#include <unistd.h>

#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "app/cli_error.hpp"
#include "app/command_registry.hpp"
#include "app/corpus_ingester.hpp"
#include "app/data_dir.hpp"

namespace winnow::app {
namespace {

struct ingest_cli {
  std::string data = "winnow-data";
  std::string file;
  size_t batch = 1000;
};

void run_ingest(const ingest_cli& o) {
  auto dir = open_data_dir(o.data, /*create=*/true);
  if (!dir.ok()) fail_command("ingest", dir.get_status());
  if (dir->replayed > 0) {
    std::printf("recovered %llu document(s) stored before an interrupted ingest\n",
                static_cast<unsigned long long>(dir->replayed));
  }
  const bool terminal = isatty(fileno(stdout)) != 0;
  ingest_options options;
  options.batch_docs = o.batch;
  corpus_ingester ingester(*dir->db, *dir->index, options);
  auto on_progress = [terminal](const ingest_progress& p) {
    if (!terminal) return;
    std::printf("\r\033[K%s", format_progress(p).c_str());
    std::fflush(stdout);
  };
  auto summary = ingester.ingest_file(o.file, on_progress);
  if (terminal) std::printf("\n");
  if (!summary.ok()) fail_command("ingest", summary.get_status());
  const auto stats = dir->index->stats();
  const double rate = summary->write_s > 0 ? static_cast<double>(summary->docs) / summary->write_s : 0;
  std::printf("ingested %llu documents from %s in %.1fs (%.0f docs/s; check pass %.1fs); "
              "index: %llu docs, %llu segments, %llu postings, %.1f MiB\n",
              static_cast<unsigned long long>(summary->docs), o.file.c_str(), summary->write_s,
              rate, summary->check_s, static_cast<unsigned long long>(stats.docs),
              static_cast<unsigned long long>(stats.segments),
              static_cast<unsigned long long>(stats.postings),
              static_cast<double>(stats.bytes) / (1 << 20));
}

void add_ingest_command(CLI::App& root) {
  auto o = std::make_shared<ingest_cli>();
  auto* cmd = root.add_subcommand("ingest", "store and index a BEIR corpus (.jsonl or .jsonl.gz)");
  cmd->add_option("--data", o->data, "data directory")->capture_default_str();
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
