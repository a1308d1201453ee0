// `winnow gen-catalogue [--count N] [--seed S] [--queries Q] OUT.jsonl`: writes
// the seeded synthetic product catalogue (BEIR corpus format) that scripts/run
// ingests, and beside it Q queries about its items with their relevance
// judgments (OUT.queries.jsonl, OUT.qrels.tsv; app/catalogue_files.hpp).
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>

#include "app/catalogue_files.hpp"
#include "app/cli_error.hpp"
#include "app/command_registry.hpp"

namespace winnow::app {
namespace {

struct gen_catalogue_options {
  catalogue_spec spec;
  std::string out;
};

void add_gen_catalogue_command(CLI::App& root) {
  auto opts = std::make_shared<gen_catalogue_options>();
  auto* cmd = root.add_subcommand(
      "gen-catalogue",
      "write a seeded synthetic product catalogue (BEIR JSON lines), with queries and qrels beside it");
  cmd->add_option("--count", opts->spec.count, "number of items")->capture_default_str();
  cmd->add_option("--seed", opts->spec.seed, "generator seed")->capture_default_str();
  cmd->add_option("--queries", opts->spec.queries,
                  "number of queries written to OUT's .queries.jsonl and .qrels.tsv (0: none)")
      ->capture_default_str();
  cmd->add_option("OUT", opts->out, "output file (.jsonl)")->required();
  cmd->callback([opts] {
    const catalogue_paths paths = catalogue_paths_for(opts->out);
    if (status s = write_catalogue(paths, opts->spec); !s.ok()) fail_command("gen-catalogue", s);
    std::printf("wrote %llu items to %s (seed %llu)\n",
                static_cast<unsigned long long>(opts->spec.count), paths.corpus.c_str(),
                static_cast<unsigned long long>(opts->spec.seed));
    if (opts->spec.queries > 0) {
      std::printf("wrote %llu queries to %s, their judgments to %s\n",
                  static_cast<unsigned long long>(opts->spec.queries), paths.queries.c_str(),
                  paths.qrels.c_str());
    }
  });
}

const command_registrar registrar{"gen-catalogue", add_gen_catalogue_command};

}  // namespace
}  // namespace winnow::app
