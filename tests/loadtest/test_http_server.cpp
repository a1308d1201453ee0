#include "tests/loadtest/test_http_server.hpp"

#include <chrono>
#include <functional>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "common/clock.hpp"

namespace winnow::loadtest::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

class session;

struct test_http_server::impl {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc};
  std::thread io_thread;
  std::thread worker;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::function<void()>> bulk_queue;  // completions to run after service time
  int bulk_pending = 0;                          // queued + in service; guarded by mu
  bool stopping = false;
  int64_t requests_seen = 0;                     // I/O thread only
  std::set<std::string> stored_ids;              // I/O thread only
};

class session : public std::enable_shared_from_this<session> {
 public:
  session(tcp::socket s, std::function<void(session&)> on_request, int close_after_responses)
      : socket_(std::move(s)), on_request_(std::move(on_request)), close_after_(close_after_responses) {}

  void read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_, [self = shared_from_this()](const error_code& ec, size_t) {
      if (ec) return;
      self->on_request_(*self);
    });
  }

  void respond(http::status code, std::string body) {
    response_ = {};
    response_.result(code);
    response_.version(11);
    response_.set(http::field::content_type, "application/json");
    if (code == http::status::too_many_requests) response_.set(http::field::retry_after, "1");
    response_.keep_alive(request_.keep_alive());
    response_.body() = std::move(body);
    response_.prepare_payload();
    http::async_write(socket_, response_, [self = shared_from_this()](const error_code& ec, size_t) {
      if (ec) return;
      if (!self->response_.keep_alive()) return;
      if (self->close_after_ > 0 && ++self->served_ >= self->close_after_) {
        error_code ignored;
        self->socket_.close(ignored);
        return;
      }
      self->read();
    });
  }

  const http::request<http::string_body>& request() const { return request_; }

  void drop() {
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  tcp::socket socket_;
  std::function<void(session&)> on_request_;
  int close_after_ = 0;
  int served_ = 0;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

test_http_server::test_http_server(test_server_options o) : options_(o), impl_(std::make_unique<impl>()) {}

test_http_server::~test_http_server() { stop(); }

status test_http_server::start() {
  error_code ec;
  tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (!ec) impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return status::io_error("test_http_server: cannot listen on 127.0.0.1: " + ec.message());
  port_ = impl_->acceptor.local_endpoint().port();

  auto handle = [this](session& s) {
    impl& im = *impl_;
    ++im.requests_seen;
    if (im.requests_seen == options_.stall_at_request) {
      stall_begin_ns_ = monotonic_now_ns();
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.stall_ms));
      stall_end_ns_ = monotonic_now_ns();
    }
    if (options_.drop_from_request > 0 && im.requests_seen >= options_.drop_from_request) return s.drop();
    const auto& req = s.request();
    auto self = s.shared_from_this();
    if (req.method() == http::verb::post && req.target() == "/v1/search") {
      ++searches_;
      s.respond(http::status::ok, R"({"results":[]})");
    } else if (req.method() == http::verb::post && req.target() == "/v1/documents") {
      std::unique_lock<std::mutex> lock(im.mu);
      if (im.bulk_pending >= options_.bulk_queue_capacity) {
        lock.unlock();
        ++bulk_rejected_;
        s.respond(http::status::too_many_requests, R"({"error":"queue_full","detail":"bulk"})");
        return;
      }
      ++im.bulk_pending;
      im.bulk_queue.push_back([this, self] {
        asio::post(impl_->ioc, [this, self] {
          ++bulk_accepted_;
          // "Store" the batch only now, when it is acknowledged.
          const auto docs = nlohmann::json::parse(self->request().body(), nullptr, false);
          if (docs.is_array())
            for (const auto& d : docs)
              if (d.contains("id") && d["id"].is_string()) impl_->stored_ids.insert(d["id"].get<std::string>());
          self->respond(http::status::ok, R"({"accepted":true})");
        });
      });
      im.cv.notify_one();
    } else if (req.method() == http::verb::get && req.target().starts_with("/v1/documents/")) {
      const std::string id(req.target().substr(std::string_view("/v1/documents/").size()));
      if (im.stored_ids.count(id)) s.respond(http::status::ok, R"({"found":true})");
      else s.respond(http::status::not_found, R"({"error":"not_found"})");
    } else {
      s.respond(http::status::not_found, R"({"error":"not_found"})");
    }
  };

  auto accept_loop = std::make_shared<std::function<void()>>();
  *accept_loop = [this, handle, accept_loop] {
    impl_->acceptor.async_accept([this, handle, accept_loop](const error_code& aec, tcp::socket sock) {
      if (aec) return;
      sock.set_option(tcp::no_delay(true));
      std::make_shared<session>(std::move(sock), handle, options_.close_after_responses)->read();
      (*accept_loop)();
    });
  };
  (*accept_loop)();

  impl_->io_thread = std::thread([this] { impl_->ioc.run(); });
  impl_->worker = std::thread([this] {
    impl& im = *impl_;
    std::unique_lock<std::mutex> lock(im.mu);
    while (true) {
      im.cv.wait(lock, [&] { return im.stopping || !im.bulk_queue.empty(); });
      if (im.stopping) return;
      auto job = std::move(im.bulk_queue.front());
      im.bulk_queue.pop_front();
      lock.unlock();
      std::this_thread::sleep_for(std::chrono::milliseconds(options_.bulk_service_ms));
      lock.lock();
      --im.bulk_pending;  // before answering, so the client's next bulk sees the free slot
      lock.unlock();
      job();
      lock.lock();
    }
  });
  return {};
}

void test_http_server::stop() {
  if (!impl_) return;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->worker.joinable()) impl_->worker.join();
  asio::post(impl_->ioc, [this] {
    error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->ioc.stop();
  if (impl_->io_thread.joinable()) impl_->io_thread.join();
}

}  // namespace winnow::loadtest::testing
