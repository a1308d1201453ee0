// engine_bench — the actor engine measured in process (no HTTP):
//   latency     one query at a time: client-side p50/p99 and per-stage medians
//   throughput  1..64 concurrent clients (each issues its next query when the
//               previous one answers): queries/s and p50/p99 per level
//   isolation   interactive queries at a steady rate while bulk encoding is
//               offered at a multiple of the pool's measured capacity:
//               interactive p99 loaded vs unloaded, dropped/degraded
//               interactive queries, bulk rejections and the largest bulk
//               queue depth seen
// Every run prints one JSON object per measurement on stdout.
//
//   engine_bench latency --data DIR --queries Q.jsonl [--mode hybrid] [-n 300]
//   engine_bench throughput --data DIR --queries Q.jsonl [--clients 1,4,16,64] [--seconds 5]
//   engine_bench isolation --data DIR --queries Q.jsonl --corpus C.jsonl[.gz]
//                [--qps 10] [--seconds 20] [--load 3] --config bench/engine/isolation.toml

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "app/beir_reader.hpp"
#include "app/engine_session.hpp"
#include "app/query_ranker.hpp"
#include "common/clock.hpp"

namespace winnow::bench {
namespace {

using actors::search_query;
using actors::search_result;

struct options {
  app::engine_cli_options engine;
  std::string queries;
  std::string corpus;
  std::string mode = "hybrid";
  size_t n = 300;
  std::vector<int> clients{1, 2, 4, 8, 16, 32, 64};
  double seconds = 5;
  double qps = 10;
  double load = 3;
  uint32_t k = 10;
};

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

[[noreturn]] void die(const status& s) {
  std::fprintf(stderr, "engine_bench: %s\n", s.to_string().c_str());
  std::exit(1);
}

search_query make_query(const options& o, const std::string& text) {
  search_query q;
  q.text = text;
  q.k = o.k;
  auto m = app::parse_ranking_mode(o.mode);
  if (!m.ok()) die(m.get_status());
  q.mode = static_cast<actors::query_mode>(*m);
  return q;
}

std::vector<std::string> load_queries(const options& o) {
  auto q = app::read_queries(o.queries);
  if (!q.ok()) die(q.get_status());
  std::vector<std::string> out;
  for (auto& x : *q) out.push_back(std::move(x.text));
  if (out.empty()) die(status::invalid_argument(o.queries + ": no queries"));
  return out;
}

std::unique_ptr<actors::engine> open(options& o) {
  o.engine.load_model = o.mode != "bm25";
  auto e = app::open_engine(o.engine);
  if (!e.ok()) die(e.get_status());
  auto st = (*e)->stats();
  if (!st.ok()) die(st.get_status());
  std::fprintf(stderr, "engine: %llu searchable, %llu indexed-only documents\n",
               static_cast<unsigned long long>(st->states.searchable),
               static_cast<unsigned long long>(st->states.indexed));
  return std::move(e).value();
}

void run_latency(options o) {
  auto e = open(o);
  auto queries = load_queries(o);
  for (size_t i = 0; i < std::min<size_t>(20, queries.size()); ++i)
    (void)e->search(make_query(o, queries[i]));  // warm-up
  std::vector<double> total, coarse, encode, rerank, fetch;
  uint64_t degraded = 0, failed = 0;
  for (size_t i = 0; i < o.n; ++i) {
    const auto& text = queries[i % queries.size()];
    const time_point_ns t0 = monotonic_now_ns();
    auto r = e->search(make_query(o, text));
    const double ms = static_cast<double>(monotonic_now_ns() - t0) / 1e6;
    if (!r.ok()) { ++failed; continue; }
    degraded += r->degraded ? 1 : 0;
    total.push_back(ms);
    coarse.push_back(r->timings.coarse_us / 1e3);
    encode.push_back(r->timings.encode_us / 1e3);
    rerank.push_back(r->timings.rerank_us / 1e3);
    fetch.push_back(r->timings.fetch_us / 1e3);
  }
  nlohmann::json j = {{"run", "latency"}, {"mode", o.mode}, {"queries", total.size()},
                      {"failed", failed}, {"degraded", degraded},
                      {"p50_ms", percentile(total, 0.5)}, {"p99_ms", percentile(total, 0.99)},
                      {"stage_p50_ms", {{"coarse", percentile(coarse, 0.5)},
                                        {"encode", percentile(encode, 0.5)},
                                        {"rerank", percentile(rerank, 0.5)},
                                        {"fetch", percentile(fetch, 0.5)}}},
                      {"stage_p99_ms", {{"coarse", percentile(coarse, 0.99)},
                                        {"encode", percentile(encode, 0.99)},
                                        {"rerank", percentile(rerank, 0.99)},
                                        {"fetch", percentile(fetch, 0.99)}}}};
  std::printf("%s\n", j.dump().c_str());
}

// Closed-loop clients over search_async: each answer issues the next query.
struct closed_loop {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> latencies;
  uint64_t degraded = 0, failed = 0;
  int running = 0;
  time_point_ns stop_ns = 0;
};

void client_step(actors::engine& e, const options& o, const std::vector<std::string>& q,
                 std::shared_ptr<closed_loop> st, size_t i) {
  const time_point_ns t0 = monotonic_now_ns();
  e.search_async(make_query(o, q[i % q.size()]), [&e, &o, &q, st, i, t0](status_or<search_result> r) {
    const time_point_ns now = monotonic_now_ns();
    {
      std::lock_guard<std::mutex> g(st->mu);
      if (!r.ok()) ++st->failed;
      else {
        st->latencies.push_back(static_cast<double>(now - t0) / 1e6);
        if (r->degraded) ++st->degraded;
      }
      if (now >= st->stop_ns) {
        if (--st->running == 0) st->cv.notify_all();
        return;
      }
    }
    client_step(e, o, q, st, i + 7);
  });
}

void run_throughput(options o) {
  auto e = open(o);
  auto queries = load_queries(o);
  for (int c : o.clients) {
    auto st = std::make_shared<closed_loop>();
    const time_point_ns start = monotonic_now_ns();
    st->stop_ns = start + static_cast<int64_t>(o.seconds * 1e9);
    st->running = c;
    for (int i = 0; i < c; ++i) client_step(*e, o, queries, st, static_cast<size_t>(i) * 13);
    std::unique_lock<std::mutex> lk(st->mu);
    st->cv.wait(lk, [&] { return st->running == 0; });
    const double secs = static_cast<double>(monotonic_now_ns() - start) / 1e9;
    nlohmann::json j = {{"run", "throughput"}, {"mode", o.mode}, {"clients", c},
                        {"queries", st->latencies.size()}, {"qps", st->latencies.size() / secs},
                        {"failed", st->failed}, {"degraded", st->degraded},
                        {"p50_ms", percentile(st->latencies, 0.5)},
                        {"p99_ms", percentile(st->latencies, 0.99)}};
    std::printf("%s\n", j.dump().c_str());
    std::fflush(stdout);
  }
}

std::vector<std::string> load_passages(const std::string& path, size_t max) {
  auto r = app::beir_corpus_reader::open(path);
  if (!r.ok()) die(r.get_status());
  std::vector<std::string> out;
  app::beir_document d;
  while (out.size() < max) {
    auto more = (*r)->next(&d);
    if (!more.ok()) die(more.get_status());
    if (!*more) break;
    out.push_back(d.title + " " + d.text);
  }
  return out;
}

// Interactive queries at a fixed rate for `seconds`; returns latencies (ms)
// of answered queries and counts of failed / degraded ones.
struct open_loop_result {
  std::vector<double> latencies;
  uint64_t failed = 0, degraded = 0, sent = 0;
};

open_loop_result interactive_load(actors::engine& e, const options& o,
                                  const std::vector<std::string>& q) {
  auto res = std::make_shared<open_loop_result>();
  auto mu = std::make_shared<std::mutex>();
  auto pending = std::make_shared<std::atomic<int>>(0);
  const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / o.qps));
  auto next = std::chrono::steady_clock::now();
  const auto end = next + std::chrono::duration_cast<std::chrono::nanoseconds>(
                              std::chrono::duration<double>(o.seconds));
  size_t i = 0;
  while (next < end) {
    std::this_thread::sleep_until(next);
    next += period;
    ++*pending;
    ++res->sent;
    const time_point_ns t0 = monotonic_now_ns();
    e.search_async(make_query(o, q[(i++ * 7) % q.size()]),
                   [res, mu, pending, t0](status_or<search_result> r) {
                     std::lock_guard<std::mutex> g(*mu);
                     if (!r.ok()) ++res->failed;
                     else {
                       res->latencies.push_back(static_cast<double>(monotonic_now_ns() - t0) / 1e6);
                       if (r->degraded) ++res->degraded;
                     }
                     --*pending;
                   });
  }
  while (*pending > 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::lock_guard<std::mutex> g(*mu);
  return *res;
}

void run_isolation(options o) {
  auto e = open(o);
  auto queries = load_queries(o);
  auto passages = load_passages(o.corpus, 2000);
  const std::string bulk = e->config().engine.ingest_class;
  // 1. The pool's bulk capacity: encode a calibration set flat out.
  const size_t calib = std::min<size_t>(128, passages.size());
  const time_point_ns c0 = monotonic_now_ns();
  for (size_t i = 0; i < calib; i += 16) {
    std::vector<std::string> chunk(passages.begin() + i,
                                   passages.begin() + std::min(calib, i + 16));
    auto v = e->encode(bulk, chunk);
    if (!v.ok()) die(v.get_status());
  }
  const double capacity = calib / (static_cast<double>(monotonic_now_ns() - c0) / 1e9);
  // 2. Interactive alone.
  auto unloaded = interactive_load(*e, o, queries);
  // 3. Interactive while bulk is offered at load × capacity (one passage per request).
  std::atomic<bool> stop{false};
  std::atomic<uint64_t> bulk_sent{0}, bulk_done{0}, bulk_rejected{0}, bulk_other{0};
  std::atomic<uint64_t> max_depth{0};
  std::thread offer([&] {
    const auto period = std::chrono::nanoseconds(static_cast<int64_t>(1e9 / (o.load * capacity)));
    auto next = std::chrono::steady_clock::now();
    size_t i = 0;
    while (!stop) {
      std::this_thread::sleep_until(next);
      next += period;
      ++bulk_sent;
      e->encode_async(bulk, {passages[i++ % passages.size()]},
                      [&](status_or<std::vector<std::vector<float>>> r) {
                        if (r.ok()) ++bulk_done;
                        else if (r.get_status().code() == status_code::resource_exhausted) ++bulk_rejected;
                        else ++bulk_other;
                      });
    }
  });
  std::thread watch([&] {
    while (!stop) {
      auto st = e->stats();
      if (st.ok()) {
        for (const auto& c : st->batcher.classes)
          if (c.name == bulk) max_depth = std::max<uint64_t>(max_depth, c.queue_depth);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let the bulk backlog build
  auto loaded = interactive_load(*e, o, queries);
  stop = true;
  offer.join();
  watch.join();
  auto st = e->stats();
  if (!st.ok()) die(st.get_status());
  uint64_t max_queue = 0;
  for (const auto& c : e->config().classes)
    if (c.name == bulk) max_queue = c.max_queue;
  nlohmann::json classes = nlohmann::json::array();
  for (const auto& c : st->batcher.classes) {
    classes.push_back({{"class", c.name}, {"enqueued", c.enqueued},
                       {"rejected_queue_full", c.rejected_queue_full},
                       {"rejected_timeout", c.rejected_timeout}, {"batches", c.sent_batches},
                       {"device_seconds", c.device_seconds}, {"cost_usd", c.cost_usd}});
  }
  nlohmann::json j = {
      {"run", "isolation"}, {"mode", o.mode}, {"bulk_capacity_per_s", capacity},
      {"bulk_offered_per_s", o.load * capacity}, {"interactive_qps", o.qps},
      {"unloaded", {{"sent", unloaded.sent}, {"answered", unloaded.latencies.size()},
                    {"failed", unloaded.failed}, {"degraded", unloaded.degraded},
                    {"p50_ms", percentile(unloaded.latencies, 0.5)},
                    {"p99_ms", percentile(unloaded.latencies, 0.99)}}},
      {"loaded", {{"sent", loaded.sent}, {"answered", loaded.latencies.size()},
                  {"failed", loaded.failed}, {"degraded", loaded.degraded},
                  {"p50_ms", percentile(loaded.latencies, 0.5)},
                  {"p99_ms", percentile(loaded.latencies, 0.99)}}},
      {"bulk", {{"sent", bulk_sent.load()}, {"done", bulk_done.load()},
                {"rejected_queue_full", bulk_rejected.load()}, {"other_errors", bulk_other.load()},
                {"max_queue_depth_seen", max_depth.load()}, {"max_queue", max_queue}}},
      {"classes", classes}};
  std::printf("%s\n", j.dump().c_str());
  // Let the remaining bulk work drain before the engine shuts down.
  std::this_thread::sleep_for(std::chrono::seconds(1));
}

}  // namespace
}  // namespace winnow::bench

int main(int argc, char** argv) {
  using winnow::bench::options;
  CLI::App app{"winnow engine benchmarks (in process)"};
  app.require_subcommand(1);
  auto o = std::make_shared<options>();
  auto common = [o](CLI::App* c) {
    c->add_option("--data", o->engine.data, "data directory")->required();
    c->add_option("--config", o->engine.config_file, "engine TOML file");
    c->add_option("--model", o->engine.model_dir, "model directory")->capture_default_str();
    c->add_option("--precision", o->engine.precision, "int8 | fp32")->capture_default_str();
    c->add_option("--queries", o->queries, "BEIR queries.jsonl")->required();
    c->add_option("--mode", o->mode, "bm25 | dense | hybrid")->capture_default_str();
    c->add_option("-k", o->k, "results per query")->capture_default_str();
  };
  auto* lat = app.add_subcommand("latency", "one query at a time");
  common(lat);
  lat->add_option("-n", o->n, "queries")->capture_default_str();
  auto* thr = app.add_subcommand("throughput", "closed-loop concurrent clients");
  common(thr);
  thr->add_option("--clients", o->clients, "client counts")->delimiter(',');
  thr->add_option("--seconds", o->seconds, "per level")->capture_default_str();
  auto* iso = app.add_subcommand("isolation", "interactive under bulk overload");
  common(iso);
  iso->add_option("--corpus", o->corpus, "passages for the bulk load")->required();
  iso->add_option("--qps", o->qps, "interactive rate")->capture_default_str();
  iso->add_option("--seconds", o->seconds, "interactive phase length")->capture_default_str();
  iso->add_option("--load", o->load, "bulk offered / measured capacity")->capture_default_str();
  lat->callback([o] { winnow::bench::run_latency(*o); });
  thr->callback([o] { winnow::bench::run_throughput(*o); });
  iso->callback([o] { winnow::bench::run_isolation(*o); });
  CLI11_PARSE(app, argc, argv);
  return 0;
}
