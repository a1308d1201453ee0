// `winnow loadtest`: open-loop load against a local winnow (see
// bench/loadtest/loadtest_command.hpp for what it does; this file only maps
// the command line onto it).
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/command_registry.hpp"
#include "bench/loadtest/loadtest_command.hpp"

namespace winnow::app {
namespace {

void add_loadtest_command(CLI::App& root) {
  auto* cmd = root.add_subcommand(
      "loadtest",
      "open-loop load test against a loopback winnow URL (Poisson arrivals, latency from scheduled send time)");
  auto args = std::make_shared<loadtest::loadtest_args>();
  cmd->add_option("--url", args->url, "target, e.g. http://127.0.0.1:8080 (loopback only)")->required();
  cmd->add_option("--profile", args->profile, "TOML load profile (bench/loadtest/profiles/*.toml)");
  cmd->add_option("--queries", args->queries, "query file for search classes (BEIR queries.jsonl or .txt; .gz too)");
  cmd->add_option("--corpus", args->corpus, "corpus file for ingest classes (BEIR corpus.jsonl or .jsonl.gz)");
  cmd->add_option("--rate", args->rate, "constant total rate, req/s (with --find-max: the start rate)");
  cmd->add_option("--duration", args->duration_s, "seconds (with --find-max: per trial, default 10)");
  cmd->add_option("--requests", args->requests, "stop after this many requests");
  cmd->add_option("--seed", args->seed, "seed for arrivals (default: the profile's)");
  cmd->add_option("--connections", args->max_connections, "connection cap (default: the profile's)");
  cmd->add_option("--timeout-ms", args->timeout_ms, "per-request timeout from scheduled send time");
  cmd->add_option("--header", args->headers, "extra header 'Name: value' (repeatable), e.g. an API key");
  cmd->add_flag("--json", args->json, "print exactly one JSON object on stdout");
  cmd->add_option("--out", args->out_dir, "directory for summary.json, time series and chart.png");
  cmd->add_flag("--no-chart", args->no_chart, "skip gnuplot");
  cmd->add_flag("--verify-acked", args->verify_acked,
                "after the run, GET /v1/documents/{id} for every acknowledged document (lost writes)");
  cmd->add_option("--server-pid", args->server_pid, "sample this local process's memory every second (peak RSS)");
  cmd->add_flag("--find-max", args->find_max, "step the rate to find the highest rate each class holds its SLO");
  cmd->add_option("--slo", args->slos, "SLO for --find-max, e.g. p99=50ms or bulk:p99=2s (repeatable)");
  cmd->add_option("--max-rate", args->max_rate, "--find-max: highest total rate to try");
  cmd->add_option("--resolution", args->resolution, "--find-max: stop when bracket hi/lo <= 1+resolution");
  cmd->add_option("--max-trials", args->max_trials, "--find-max: trial budget");
  cmd->add_option("--warmup", args->warmup_s,
                  "--find-max: seconds of unjudged load at the start rate before the first trial "
                  "(a cold server can fail its first trial, and the search never climbs back)");
  cmd->callback([args] {
    const int code = loadtest::run_loadtest_command(*args, std::cout, std::cerr);
    std::cout.flush();
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

const command_registrar registrar{"loadtest", add_loadtest_command};

}  // namespace
}  // namespace winnow::app
