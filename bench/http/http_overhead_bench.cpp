// HTTP overhead: one BM25 search through the engine_api in-process, the same
// search over a keep-alive HTTP/1.1 connection to the server on 127.0.0.1, and
// GET /healthz (no engine work) as the server's raw per-request cost.
//
//   build/bench/http/http_overhead_bench --benchmark_min_time=2
//
// Environment: WINNOW_BENCH_DOCS (default 20000) documents of ~60 words.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <memory>
#include <random>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "bench/http/corpus.hpp"
#include "http/api_message.hpp"
#include "http/direct_engine.hpp"
#include "http/metrics.hpp"
#include "http/request_parser.hpp"
#include "http/server.hpp"

namespace winnow::bench {
namespace {

namespace bhttp = boost::beast::http;

struct stack {
  std::filesystem::path dir;
  http::metrics metrics;
  std::unique_ptr<http::direct_engine> engine;
  std::unique_ptr<http::server> server;
  std::vector<std::string> queries = bench_queries(256, 7);

  stack() {
    std::random_device rd;
    dir = std::filesystem::temp_directory_path() / ("winnow-http-bench-" + std::to_string(rd()));
    http::direct_engine_options eo;
    eo.data_dir = dir.string();
    eo.worker_threads = 2;
    engine = std::move(http::direct_engine::open(eo, &metrics)).value();
    size_t docs = 20000;
    if (const char* e = std::getenv("WINNOW_BENCH_DOCS")) docs = std::strtoull(e, nullptr, 10);
    http::server_options so;
    for (size_t first = 0; first < docs; first += 1000) {
      auto batch = http::parse_document_batch(bench_documents_json(first, 1000, 60, 42), "", so);
      http::ingest_request ir;
      ir.class_name = "bulk";
      for (auto& e : *batch.value) ir.documents.push_back(std::move(*e.doc));
      std::promise<void> done;
      engine->ingest(std::move(ir), [&](status_or<std::vector<http::document_result>>) { done.set_value(); });
      done.get_future().wait();
    }
    so.listen_port = 0;
    so.log = [](std::string_view) {};
    server = std::make_unique<http::server>(*engine, metrics, so);
    if (!server->start().ok()) std::abort();
  }
  ~stack() {
    server->stop();
    engine->shutdown();
    server.reset();
    engine.reset();
    std::filesystem::remove_all(dir);
  }
};

stack& the_stack() {
  static stack s;
  return s;
}

void BM_search_in_process(benchmark::State& state) {
  auto& s = the_stack();
  size_t i = 0;
  for (auto _ : state) {
    http::search_request r;
    r.query = s.queries[i++ % s.queries.size()];
    r.k = 10;
    r.mode = http::search_mode::bm25;
    r.class_name = "interactive";
    std::promise<size_t> p;
    s.engine->search(std::move(r), [&](status_or<http::search_response> res) {
      p.set_value(res.ok() ? res->results.size() : 0);
    });
    benchmark::DoNotOptimize(p.get_future().get());
  }
}
BENCHMARK(BM_search_in_process)->UseRealTime();

struct client {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket{ioc};
  boost::beast::flat_buffer buffer;
  explicit client(uint16_t port) {
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), port});
    socket.set_option(boost::asio::ip::tcp::no_delay(true));
  }
  size_t round_trip(bhttp::request<bhttp::string_body>& req) {
    bhttp::write(socket, req);
    bhttp::response<bhttp::string_body> res;
    bhttp::read(socket, buffer, res);
    if (res.result_int() != 200) std::abort();
    return res.body().size();
  }
};

void BM_search_over_http(benchmark::State& state) {
  auto& s = the_stack();
  client c(s.server->port());
  size_t i = 0;
  for (auto _ : state) {
    bhttp::request<bhttp::string_body> req{bhttp::verb::post, "/v1/search", 11};
    req.set(bhttp::field::host, "127.0.0.1");
    req.set(bhttp::field::content_type, "application/json");
    req.body() = "{\"query\":\"" + s.queries[i++ % s.queries.size()] + "\",\"k\":10,\"mode\":\"bm25\"}";
    req.prepare_payload();
    benchmark::DoNotOptimize(c.round_trip(req));
  }
}
BENCHMARK(BM_search_over_http)->UseRealTime();

void BM_healthz_over_http(benchmark::State& state) {
  auto& s = the_stack();
  client c(s.server->port());
  bhttp::request<bhttp::string_body> req{bhttp::verb::get, "/healthz", 11};
  req.set(bhttp::field::host, "127.0.0.1");
  for (auto _ : state) benchmark::DoNotOptimize(c.round_trip(req));
}
BENCHMARK(BM_healthz_over_http)->UseRealTime();

}  // namespace
}  // namespace winnow::bench

BENCHMARK_MAIN();
