#include "http/server.hpp"

#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/api_handler.hpp"
#include "http/connection.hpp"

namespace winnow::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

void log_to_stderr(std::string_view line) {
  std::fprintf(stderr, "winnow http: %.*s\n", static_cast<int>(line.size()), line.data());
}

}  // namespace

struct server::impl {
  impl(engine_api& engine, metrics& m, server_options o)
      : opts(std::move(o)), handler(engine, m, opts) {
    if (!opts.log) opts.log = log_to_stderr;
  }

  // Declaration order matters for destruction: connections destroyed with the
  // io_context reference the handler and unregister under `mu`.
  server_options opts;
  api_handler handler;
  mutable std::mutex mu;  // guards conns
  uint64_t next_id = 0;
  std::unordered_map<uint64_t, std::weak_ptr<connection>> conns;
  std::atomic<bool> accepting{false};
  std::atomic<uint32_t> failed{0};
  asio::io_context ioc;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  tcp::endpoint bound;
  bool started = false;
  bool stopped = false;

  void do_accept() {
    acceptor->async_accept(asio::make_strand(ioc), [this](boost::system::error_code ec,
                                                          tcp::socket socket) {
      if (!accepting.load()) return;
      if (ec) {
        // EMFILE and friends: back off instead of spinning on the error.
        opts.log("accept failed: " + ec.message());
        accept_retry->expires_after(std::chrono::milliseconds(50));
        accept_retry->async_wait([this](boost::system::error_code e) {
          if (!e && accepting.load()) do_accept();
        });
        return;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      uint64_t id;
      {
        std::lock_guard<std::mutex> lock(mu);
        id = next_id++;
      }
      auto c = std::make_shared<connection>(std::move(socket), handler, [this, id] {
        std::lock_guard<std::mutex> lock(mu);
        conns.erase(id);
      });
      {
        std::lock_guard<std::mutex> lock(mu);
        conns.emplace(id, c);
      }
      c->start();
      do_accept();
    });
  }

  std::vector<std::shared_ptr<connection>> live_connections() {
    std::vector<std::shared_ptr<connection>> out;
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [id, w] : conns)
      if (auto c = w.lock()) out.push_back(std::move(c));
    return out;
  }
};

server::server(engine_api& engine, metrics& m, server_options opts)
    : impl_(std::make_unique<impl>(engine, m, std::move(opts))) {}

server::~server() { stop(std::chrono::seconds(1)); }

status server::start() {
  auto& s = *impl_;
  if (s.started) return status::failed_precondition("server already started");
  boost::system::error_code ec;
  std::string host = s.opts.listen_host == "localhost" ? "127.0.0.1" : s.opts.listen_host;
  auto addr = asio::ip::make_address(host, ec);
  if (ec)
    return status::invalid_argument("listen address '" + s.opts.listen_host +
                                    "' is not an IP address (use e.g. 127.0.0.1 or 0.0.0.0)");
  bool loopback = addr.is_loopback();
  if (s.opts.api_keys.empty()) {
    if (!loopback)
      return status::failed_precondition(
          "no API keys configured: refusing to listen on " + s.opts.listen_host +
          " (not a loopback address); add [[http.api_keys]] to the config or listen on 127.0.0.1");
    s.opts.log("no API keys configured: listening on loopback only, every request is allowed");
  }
  tcp::endpoint ep(addr, s.opts.listen_port);
  s.acceptor.emplace(s.ioc);
  s.acceptor->open(ep.protocol(), ec);
  if (!ec) s.acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(ep, ec);
  if (!ec) s.acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.reset();
    return status::io_error("cannot listen on " + s.opts.listen_host + ":" +
                            std::to_string(s.opts.listen_port) + ": " + ec.message());
  }
  s.bound = s.acceptor->local_endpoint();
  s.accept_retry.emplace(s.ioc);
  s.work.emplace(s.ioc.get_executor());
  s.accepting = true;
  s.do_accept();
  unsigned n = std::max(1u, s.opts.io_threads);
  for (unsigned i = 0; i < n; ++i) s.threads.emplace_back([&s] { s.ioc.run(); });
  s.started = true;
  s.opts.log("listening on " + url() + " (" + std::to_string(n) + " io threads)");
  return status::ok_status();
}

uint16_t server::port() const { return impl_->bound.port(); }

std::string server::url() const {
  auto addr = impl_->bound.address();
  std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return "http://" + host + ":" + std::to_string(impl_->bound.port()) + "/";
}

size_t server::connection_count() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->conns.size();
}

uint32_t server::stop(std::chrono::milliseconds grace) {
  auto& s = *impl_;
  if (!s.started || s.stopped) return 0;
  s.stopped = true;
  s.opts.log("stopping: no new connections; draining in-flight requests");
  // 1. Stop accepting (on an io thread: the acceptor is not thread-safe).
  s.accepting = false;
  asio::post(s.ioc, [&s] {
    boost::system::error_code ec;
    s.acceptor->close(ec);
    s.accept_retry->cancel();
  });
  // 2. Drain: each connection finishes what it has and closes.
  for (auto& c : s.live_connections()) asio::post(c->get_executor(), [c] { c->begin_drain(); });
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (connection_count() > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  // 3. Fail what is still pending, give the 503s a moment to be written.
  if (connection_count() > 0) {
    for (auto& c : s.live_connections())
      asio::post(c->get_executor(), [c, &s] { c->fail_pending(&s.failed); });
    auto hard = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (connection_count() > 0 && std::chrono::steady_clock::now() < hard)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  // 4. Join the io threads, then close whatever remains from this thread.
  s.work.reset();
  s.ioc.stop();
  for (auto& t : s.threads) t.join();
  s.threads.clear();
  for (auto& c : s.live_connections()) c->force_close();
  s.acceptor.reset();
  uint32_t failed = s.failed.load();
  s.opts.log("stopped" + (failed ? "; " + std::to_string(failed) + " requests failed 503" : std::string()));
  return failed;
}

}  // namespace winnow::http
