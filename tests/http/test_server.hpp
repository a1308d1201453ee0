#pragma once
// A test instance of the full HTTP stack: a real direct_engine over RocksDB in
// a temporary directory, wrapped by gated_engine, behind a real server on an
// ephemeral loopback port.

#include <memory>
#include <string>

#include "http/direct_engine.hpp"
#include "http/metrics.hpp"
#include "http/server.hpp"
#include "tests/http/gated_engine.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::http::testing {

// Documents every test instance starts with.
inline const char* seed_documents_json() {
  return R"([
    {"id": "doc-rocks", "title": "Granite and basalt", "text": "Granite is an igneous rock; basalt is a volcanic rock that cools quickly."},
    {"id": "doc-ocean", "title": "Ocean currents", "text": "Ocean currents move heat from the equator toward the poles."},
    {"id": "doc-bread", "title": "Sourdough bread", "text": "Sourdough bread rises with wild yeast and lactic acid bacteria.", "metadata": {"lang": "en"}}
  ])";
}

class test_server {
 public:
  explicit test_server(server_options opts = {}, direct_engine_options eopts = {}) {
    eopts.data_dir = dir_.str() + "/data";
    eopts.worker_threads = 2;
    auto e = direct_engine::open(eopts, &metrics_);
    if (!e.ok()) throw std::runtime_error(e.get_status().to_string());
    engine_ = std::move(e).value();
    gate_ = std::make_unique<gated_engine>(*engine_, "holdme");
    opts.listen_host = "127.0.0.1";
    opts.listen_port = 0;
    opts.io_threads = 2;
    opts.log = [](std::string_view) {};  // keep test output readable
    server_ = std::make_unique<server>(*gate_, metrics_, opts);
    status s = server_->start();
    if (!s.ok()) throw std::runtime_error(s.to_string());
  }
  ~test_server() {
    server_->stop(std::chrono::seconds(2));
    gate_->release();
    engine_->shutdown();
    server_.reset();
  }

  uint16_t port() const { return server_->port(); }
  server& srv() { return *server_; }
  gated_engine& gate() { return *gate_; }
  direct_engine& engine() { return *engine_; }
  metrics& prom() { return metrics_; }

 private:
  winnow::testing::temp_dir dir_;
  metrics metrics_;
  std::unique_ptr<direct_engine> engine_;
  std::unique_ptr<gated_engine> gate_;
  std::unique_ptr<server> server_;
};

}  // namespace winnow::http::testing
