#include "http/connection.hpp"

#include <limits>
#include <string>
#include <utility>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "http/api_handler.hpp"
#include "http/responder.hpp"

namespace winnow::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace asio = boost::asio;

namespace {

constexpr std::chrono::milliseconds linger_time{1000};
constexpr size_t linger_max_bytes = 4u << 20;

bool is_ingest_target(beast::string_view method, beast::string_view target) {
  return method == "POST" && (target == "/v1/documents" || target.starts_with("/v1/documents?"));
}

}  // namespace

connection::connection(tcp::socket socket, api_handler& handler, std::function<void()> on_closed)
    : socket_(std::move(socket)),
      ex_(socket_.get_executor()),
      handler_(handler),
      on_closed_(std::move(on_closed)),
      deadline_(ex_) {}

connection::~connection() {
  if (!closed_ && on_closed_) on_closed_();
}

void connection::start() {
  asio::post(ex_, [self = shared_from_this()] { self->do_read(); });
}

void connection::do_read() {
  const auto& opts = handler_.options();
  if (reading_ || stop_reading_ || closed_ || queue_.size() >= opts.max_pipelined_requests) return;
  parser_.emplace();
  parser_->header_limit(opts.max_header_bytes);
  // No limit while the header is read (Beast would compare Content-Length with
  // it before the route is known); on_header() applies the route's limit.
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  route_limit_ = 0;
  reading_ = true;
  update_deadline();
  bhttp::async_read_header(
      socket_, buffer_, *parser_,
      asio::bind_executor(ex_, [self = shared_from_this()](beast::error_code ec, size_t) {
        self->on_header(ec);
      }));
}

void connection::on_header(beast::error_code ec) {
  if (ec) return on_read_error(ec);
  const auto& opts = handler_.options();
  const auto& req = parser_->get();
  route_limit_ = is_ingest_target(req.method_string(), req.target()) ? opts.max_ingest_body_bytes
                                                                      : opts.max_body_bytes;
  if (auto len = parser_->content_length(); len && *len > route_limit_)
    return on_read_error(bhttp::error::body_limit);
  parser_->body_limit(route_limit_);
  if (parser_->is_done()) {
    reading_ = false;
    return on_request();
  }
  // curl and others send large bodies only after "100 Continue" (or a 1 s
  // wait). The interim response is written only when no other response is
  // owed, so it can never interleave with a pipelined one.
  auto expect = req.find(bhttp::field::expect);
  if (expect != req.end() && beast::iequals(expect->value(), "100-continue") && queue_.empty() &&
      !writing_) {
    static const std::string continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
    writing_ = true;
    asio::async_write(socket_, asio::buffer(continue_line),
                      asio::bind_executor(ex_, [self = shared_from_this()](beast::error_code ec,
                                                                           size_t) {
                        self->writing_ = false;
                        if (ec) return self->close();
                        self->read_body();
                      }));
    return;
  }
  read_body();
}

void connection::read_body() {
  bhttp::async_read(socket_, buffer_, *parser_,
                    asio::bind_executor(ex_, [self = shared_from_this()](beast::error_code ec,
                                                                         size_t) {
                      self->on_body(ec);
                    }));
}

void connection::on_body(beast::error_code ec) {
  if (ec) return on_read_error(ec);
  reading_ = false;
  on_request();
}

void connection::on_read_error(beast::error_code ec) {
  reading_ = false;
  if (closed_) return;
  if (ec == bhttp::error::body_limit) {
    push_local_response(
        api_response::error(413, "payload_too_large",
                            "request body above the limit of " + std::to_string(route_limit_) +
                                " bytes for this route"),
        "too_large");
    return;
  }
  if (ec == bhttp::error::header_limit) {
    push_local_response(api_response::error(431, "header_too_large",
                                            "request header above the limit of " +
                                                std::to_string(handler_.options().max_header_bytes) +
                                                " bytes"),
                        "too_large");
    return;
  }
  // A clean end of the stream, our own cancellation, or a reset: nothing to
  // answer. Requests already queued still get their responses.
  bool connection_gone = ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
                         ec == asio::error::operation_aborted ||
                         ec == asio::error::connection_reset || ec == asio::error::bad_descriptor ||
                         ec == bhttp::error::partial_message;
  if (connection_gone) {
    stop_reading_ = true;
    if (queue_.empty() && !writing_) close();
    else update_deadline();
    return;
  }
  // Anything else is a malformed request line or header.
  push_local_response(api_response::error(400, "bad_request", "malformed HTTP request: " + ec.message()),
                      "bad_request");
}

void connection::push_local_response(api_response r, const char* route) {
  stop_reading_ = true;
  auto s = std::make_shared<slot>();
  s->close_after = true;
  queue_.push_back(s);
  auto self = shared_from_this();
  auto rsp = handler_.make_responder([self, s](api_response resp) {
    asio::post(self->ex_, [self, s, resp = std::move(resp)]() mutable {
      self->fill(s, std::move(resp));
    });
  });
  rsp->set_labels(route, "");
  rsp->respond(std::move(r));
}

void connection::on_request() {
  auto req = parser_->release();
  parser_.reset();
  api_request ar;
  ar.method = std::string(req.method_string());
  ar.target = std::string(req.target());
  if (auto it = req.find(bhttp::field::authorization); it != req.end())
    ar.authorization = std::string(it->value());
  if (auto it = req.find("X-API-Key"); it != req.end()) ar.api_key_header = std::string(it->value());
  if (auto it = req.find(bhttp::field::content_type); it != req.end())
    ar.content_type = std::string(it->value());
  ar.body = std::move(req.body());

  auto s = std::make_shared<slot>();
  s->close_after = !req.keep_alive() || draining_;
  s->response.version(req.version());
  if (s->close_after) stop_reading_ = true;
  queue_.push_back(s);

  auto self = shared_from_this();
  auto rsp = handler_.make_responder([self, s](api_response resp) {
    // Engine threads answer here; the write happens on the strand.
    asio::post(self->ex_, [self, s, resp = std::move(resp)]() mutable {
      self->fill(s, std::move(resp));
    });
  });
  s->responder_ref = rsp;
  s->engine_timer.emplace(ex_);
  s->engine_timer->expires_after(handler_.options().engine_timeout);
  std::weak_ptr<responder> weak_rsp = rsp;
  auto timeout_ms = handler_.options().engine_timeout.count();
  s->engine_timer->async_wait([weak_rsp, timeout_ms](beast::error_code ec) {
    if (ec) return;
    if (auto r = weak_rsp.lock())
      r->respond(api_response::error(504, "deadline_exceeded",
                                     "the engine did not answer within " +
                                         std::to_string(timeout_ms) + " ms"));
  });
  update_deadline();
  handler_.handle(ar, rsp);
  do_read();  // pipelining: read the next request while this one is served
}

void connection::fill(const std::shared_ptr<slot>& s, api_response r) {
  if (closed_) return;
  if (s->engine_timer) s->engine_timer->cancel();
  auto& res = s->response;
  if (res.version() == 0) res.version(11);
  res.result(r.status);
  res.set(bhttp::field::server, "winnow");
  res.set(bhttp::field::content_type, r.content_type);
  for (auto& [name, value] : r.headers) res.set(name, value);
  if (draining_) s->close_after = true;
  res.keep_alive(!s->close_after);
  res.body() = std::move(r.body);
  res.prepare_payload();
  s->ready = true;
  do_write();
}

void connection::do_write() {
  if (writing_ || closed_ || queue_.empty() || !queue_.front()->ready) return;
  writing_ = true;
  update_deadline();
  auto s = queue_.front();
  bhttp::async_write(socket_, s->response,
                     asio::bind_executor(ex_, [self = shared_from_this(), s](beast::error_code ec,
                                                                             size_t) {
                       self->on_write(ec, s);
                     }));
}

void connection::on_write(beast::error_code ec, const std::shared_ptr<slot>& s) {
  writing_ = false;
  if (!queue_.empty() && queue_.front() == s) queue_.pop_front();
  s->responder_ref.reset();
  if (ec) return close();
  if (s->close_after) return linger_close();
  if (queue_.empty() && (draining_ || stop_reading_) && !reading_) return linger_close();
  do_write();
  do_read();  // resumes reading paused by a full pipeline
  update_deadline();
}

void connection::update_deadline() {
  if (closed_ || lingering_) return;
  const auto& opts = handler_.options();
  if (writing_) return arm_deadline(opts.write_timeout);
  if (queue_.empty()) return arm_deadline(opts.idle_timeout);
  // Waiting for the engine: each request has its own engine timer.
  ++deadline_gen_;
  deadline_.cancel();
}

void connection::arm_deadline(std::chrono::milliseconds d) {
  uint64_t gen = ++deadline_gen_;
  deadline_.expires_after(d);
  deadline_.async_wait([self = shared_from_this(), gen](beast::error_code ec) {
    if (ec || gen != self->deadline_gen_) return;
    self->close();
  });
}

void connection::linger_close() {
  if (closed_ || lingering_) return;
  lingering_ = true;
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  uint64_t gen = ++deadline_gen_;
  deadline_.expires_after(linger_time);
  deadline_.async_wait([self = shared_from_this(), gen](beast::error_code ec) {
    if (ec || gen != self->deadline_gen_) return;
    self->close();
  });
  // Discard whatever the client still sends, up to a bound, until it closes.
  // (A header/body read still in progress does the same and ends at close.)
  if (reading_) return;
  auto discarded = std::make_shared<size_t>(0);
  auto drain = std::make_shared<std::function<void()>>();
  *drain = [self = shared_from_this(), discarded, weak = std::weak_ptr<std::function<void()>>(drain)]() {
    auto again = weak.lock();
    if (!again) return;
    self->socket_.async_read_some(
        asio::buffer(self->discard_),
        asio::bind_executor(self->ex_, [self, discarded, again](beast::error_code ec, size_t n) {
          *discarded += n;
          if (ec || *discarded > linger_max_bytes) return self->close();
          (*again)();
        }));
  };
  (*drain)();
}

void connection::begin_drain() {
  if (closed_) return;
  draining_ = true;
  stop_reading_ = true;
  if (queue_.empty() && !writing_) return close();
  // Ends a read waiting for the next pipelined request; pending ones are answered.
  beast::error_code ec;
  if (reading_) socket_.shutdown(tcp::socket::shutdown_receive, ec);
}

void connection::fail_pending(std::atomic<uint32_t>* failed) {
  if (closed_) return;
  for (auto& s : queue_) {
    if (!s->ready && s->responder_ref && !s->responder_ref->responded()) failed->fetch_add(1);
    if (!s->ready && s->responder_ref)
      s->responder_ref->respond(api_response::error(
          503, "unavailable", "the server is shutting down; the request was not completed"));
  }
}

void connection::close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  deadline_.cancel();
  for (auto& s : queue_) {
    if (s->engine_timer) s->engine_timer->cancel();
    s->responder_ref.reset();
  }
  queue_.clear();
  if (on_closed_) on_closed_();
}

}  // namespace winnow::http
