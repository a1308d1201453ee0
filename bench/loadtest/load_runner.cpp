#include "bench/loadtest/load_runner.hpp"

#include <sys/resource.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bench/loadtest/arrival_schedule.hpp"
#include "bench/loadtest/process_memory.hpp"
#include "bench/loadtest/target_endpoints.hpp"
#include "common/clock.hpp"

namespace winnow::loadtest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;

constexpr int64_t max_windows = 24 * 3600;            // one per second, a day at most
constexpr uint64_t response_body_limit = 64ull << 20;  // search results can be large

asio::steady_timer::time_point to_time_point(int64_t ns) {
  return asio::steady_timer::time_point(std::chrono::nanoseconds(ns));
}

struct pending_request {
  arrival a;
  int64_t scheduled_ns = 0;  // absolute
  size_t body_index = 0;     // set when sent
  int attempt = 0;
  bool counted_saturated = false;
};

struct connection {
  explicit connection(asio::io_context& ioc) : socket(ioc), deadline(ioc) {}
  tcp::socket socket;
  asio::steady_timer deadline;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  std::optional<http::response_parser<http::string_body>> parser;
  pending_request current;
  int64_t sent_ns = 0;
  // It has waited in the idle pool, where the server may have closed it (its
  // idle timeout) without our knowing: a failure before any answer is resent.
  bool pooled = false;
  bool timed_out = false;
  uint64_t generation = 0;  // bumps per request, so a stale timer does nothing
};
using connection_ptr = std::shared_ptr<connection>;

class runner {
 public:
  explicit runner(const run_options& o)
      : o_(o),
        schedule_(o.plan, weights(o), o.seed, o.max_requests),
        arrival_timer_(ioc_),
        memory_timer_(ioc_),
        signals_(ioc_) {
    endpoints_ = loopback_endpoints(o.target);
    host_header_ = o.target.host + ":" + std::to_string(o.target.port);
    result_.classes.resize(o.classes.size());
    body_cursor_.assign(o.classes.size(), 0);
    for (size_t i = 0; i < o.classes.size(); ++i) {
      result_.classes[i].name = o.classes[i].name;
      if (!o.classes[i].body_doc_ids.empty()) result_.classes[i].acked_per_body.assign(o.classes[i].bodies.size(), 0);
    }
    result_.max_connections = o.max_connections;
  }

  status_or<run_result> run() {
    const int initial = std::min(o_.initial_connections, o_.max_connections);
    preconnect_left_ = initial;
    for (int i = 0; i < initial; ++i) {
      auto c = std::make_shared<connection>(ioc_);
      note_opened();
      asio::async_connect(c->socket, endpoints_, [this, c](const error_code& ec, const tcp::endpoint&) {
        if (ec) {
          --open_;
          if (first_connect_error_.empty()) first_connect_error_ = ec.message();
        } else {
          c->socket.set_option(tcp::no_delay(true));
          c->pooled = true;
          idle_.push_back(c);
        }
        if (--preconnect_left_ == 0) begin();
      });
    }
    if (initial == 0) begin();
    ioc_.run();
    if (aborted_) {
      return status::unavailable("cannot connect to " + host_header_ + ": " + first_connect_error_);
    }
    result_.wall_ns = last_done_ns_ > result_.start_ns ? last_done_ns_ - result_.start_ns : 0;
    return std::move(result_);
  }

 private:
  static std::vector<double> weights(const run_options& o) {
    std::vector<double> w;
    for (const auto& c : o.classes) w.push_back(c.weight);
    return w;
  }

  void note_opened() {
    ++open_;
    ++result_.connections_opened;
    result_.peak_connections = std::max<int64_t>(result_.peak_connections, open_);
  }

  void begin() {
    if (o_.initial_connections > 0 && idle_.empty()) {
      aborted_ = true;
      return;
    }
    result_.start_ns = monotonic_now_ns();
    if (o_.server_pid > 0) sample_memory();
    if (o_.stop_on_sigint) {
      signals_.add(SIGINT);
      signals_.async_wait([this](const error_code& ec, int) {
        if (ec) return;
        result_.interrupted = true;
        next_.reset();
        arrival_timer_.cancel();
        schedule_done_ = true;
        maybe_finish();
      });
    }
    next_ = schedule_.next();
    tick();
  }

  void sample_memory() {
    if (finished_) return;
    if (auto m = read_process_memory(o_.server_pid); m.ok()) {
      result_.server_rss_kb.push_back(m->rss_kb);
      result_.server_peak_rss_kb = std::max(result_.server_peak_rss_kb, m->peak_rss_kb);
    }
    memory_timer_.expires_after(std::chrono::seconds(1));
    memory_timer_.async_wait([this](const error_code& ec) {
      if (!ec) sample_memory();
    });
  }

  // Sends every arrival that is due, then sleeps until the next one.
  void tick() {
    const int64_t now = monotonic_now_ns();
    while (next_ && result_.start_ns + next_->offset_ns <= now) {
      pending_request p;
      p.a = *next_;
      p.scheduled_ns = result_.start_ns + next_->offset_ns;
      result_.schedule_ns = next_->offset_ns;
      ++result_.classes[p.a.class_index].counts.scheduled;
      ++in_flight_;
      dispatch(std::move(p));
      next_ = schedule_.next();
    }
    if (!next_ || schedule_done_) {
      schedule_done_ = true;
      maybe_finish();
      return;
    }
    arrival_timer_.expires_at(to_time_point(result_.start_ns + next_->offset_ns));
    arrival_timer_.async_wait([this](const error_code& ec) {
      if (!ec) tick();
    });
  }

  void dispatch(pending_request p) {
    if (!idle_.empty()) {
      connection_ptr c = idle_.back();
      idle_.pop_back();
      send(c, std::move(p));
    } else if (open_ < o_.max_connections) {
      open_and_send(std::move(p));
    } else {
      if (!p.counted_saturated) {
        p.counted_saturated = true;
        ++result_.classes[p.a.class_index].counts.client_saturated;
      }
      waiting_.push_back(std::move(p));
    }
  }

  void open_and_send(pending_request p) {
    auto c = std::make_shared<connection>(ioc_);
    note_opened();
    c->current = std::move(p);
    asio::async_connect(c->socket, endpoints_, [this, c](const error_code& ec, const tcp::endpoint&) {
      if (ec) {
        complete(c->current, outcome::error_connect, 0, 0);
        discard(c);
        return;
      }
      c->socket.set_option(tcp::no_delay(true));
      send(c, c->current);
    });
  }

  void send(const connection_ptr& c, pending_request p) {
    const int64_t deadline_ns = p.scheduled_ns + o_.timeout_ms * 1'000'000;
    const int64_t now = monotonic_now_ns();
    if (now >= deadline_ns) {  // it waited for a connection past its deadline
      complete(p, outcome::error_timeout, 0, 0);
      // Posted, not called: release() may send again, and a long line of
      // expired arrivals must not become a deep recursion.
      asio::post(ioc_, [this, c] { release(c); });
      return;
    }
    const class_payload& cls = o_.classes[p.a.class_index];
    size_t& cursor = body_cursor_[p.a.class_index];
    c->request = {};
    c->request.method(http::verb::post);
    c->request.target(o_.target.base_path + cls.path);
    c->request.version(11);
    c->request.set(http::field::host, host_header_);
    c->request.set(http::field::content_type, "application/json");
    c->request.set(http::field::user_agent, "winnow-loadtest");
    for (const auto& [k, v] : o_.headers) c->request.set(k, v);
    c->request.keep_alive(true);
    p.body_index = cursor++ % cls.bodies.size();
    c->request.body() = cls.bodies[p.body_index];
    c->request.prepare_payload();
    c->current = std::move(p);
    c->sent_ns = now;
    c->timed_out = false;
    const uint64_t gen = ++c->generation;
    result_.max_send_lag_us = std::max(result_.max_send_lag_us, (now - c->current.scheduled_ns) / 1000);
    result_.send_lag_us.record(std::max<int64_t>(1, (now - c->current.scheduled_ns) / 1000));

    c->deadline.expires_at(to_time_point(deadline_ns));
    c->deadline.async_wait([c, gen](const error_code& ec) {
      if (ec || c->generation != gen) return;
      c->timed_out = true;
      error_code ignored;
      c->socket.close(ignored);  // aborts the pending write/read
    });
    http::async_write(c->socket, c->request, [this, c](const error_code& ec, size_t) {
      if (ec) return failed(c, ec, "write");
      c->parser.emplace();
      c->parser->body_limit(response_body_limit);
      http::async_read(c->socket, c->buffer, *c->parser, [this, c](const error_code& ec2, size_t) {
        if (ec2) return failed(c, ec2, c->parser->got_some() ? "read (mid-response)" : "read");
        c->deadline.cancel();
        ++c->generation;
        const auto& res = c->parser->get();
        const int code = static_cast<int>(res.result_int());
        complete(c->current, classify(code), code, c->sent_ns);
        if (res.keep_alive()) release(c);
        else discard(c);
      });
    });
  }

  static outcome classify(int code) {
    if (code >= 200 && code < 300) return outcome::ok;
    if (code == 429) return outcome::rejected_429;
    if (code == 503) return outcome::rejected_503;
    if (code >= 400 && code < 500) return outcome::error_4xx;
    if (code >= 500) return outcome::error_5xx;
    return outcome::error_io;  // 1xx/3xx are not expected from this API
  }

  void failed(const connection_ptr& c, const error_code& ec, const char* stage) {
    c->deadline.cancel();
    ++c->generation;
    pending_request p = c->current;
    const bool nothing_received = !c->parser || !c->parser->got_some();
    if (c->timed_out) {
      complete(p, outcome::error_timeout, 0, c->sent_ns);
    } else if (c->pooled && p.attempt == 0 && nothing_received &&
               (ec == asio::error::eof || ec == http::error::end_of_stream ||
                ec == asio::error::connection_reset || ec == asio::error::broken_pipe)) {
      // The server closed a connection while it sat in our idle pool (its
      // idle timeout; a pre-opened connection may wait there for minutes at
      // a low rate): not a failure to answer, so resend once on a new one.
      p.attempt = 1;
      ++result_.classes[p.a.class_index].counts.retried;
      discard(c, /*start_waiting=*/false);
      // On a fresh connection: another idle one may be just as stale.
      if (open_ < o_.max_connections) open_and_send(std::move(p));
      else dispatch(std::move(p));
      return;
    } else {
      std::string cause = std::string(stage) + ": " + ec.message();
      if (!c->pooled) cause += " (new connection)";
      ++result_.classes[p.a.class_index].io_errors_by_cause[cause];
      complete(p, outcome::error_io, 0, c->sent_ns);
    }
    discard(c);
  }

  // Puts a healthy connection back, or hands it to the oldest waiting arrival.
  void release(const connection_ptr& c) {
    while (!waiting_.empty()) {
      pending_request p = std::move(waiting_.front());
      waiting_.pop_front();
      if (monotonic_now_ns() >= p.scheduled_ns + o_.timeout_ms * 1'000'000) {
        complete(p, outcome::error_timeout, 0, 0);  // expired while waiting for a connection
        continue;
      }
      send(c, std::move(p));
      return;
    }
    c->pooled = true;
    idle_.push_back(c);
    maybe_finish();
  }

  void discard(const connection_ptr& c, bool start_waiting = true) {
    error_code ignored;
    c->socket.close(ignored);
    --open_;
    if (start_waiting && !waiting_.empty() && open_ < o_.max_connections) {
      pending_request p = std::move(waiting_.front());
      waiting_.pop_front();
      open_and_send(std::move(p));
      return;
    }
    maybe_finish();
  }

  void complete(const pending_request& p, outcome o, int http_status, int64_t sent_ns) {
    const int64_t done = monotonic_now_ns();
    last_done_ns_ = std::max(last_done_ns_, done);
    class_result& cr = result_.classes[p.a.class_index];
    ++cr.counts[o];
    const int64_t latency_us = std::max<int64_t>(1, (done - p.scheduled_ns) / 1000);
    if (o == outcome::ok) cr.latency_us.record(latency_us);
    if (o == outcome::ok && !cr.acked_per_body.empty()) ++cr.acked_per_body[p.body_index];
    if (o == outcome::rejected_429 || o == outcome::rejected_503) cr.rejection_latency_us.record(latency_us);
    const int64_t w = std::min<int64_t>((done - result_.start_ns) / 1'000'000'000, max_windows - 1);
    if (static_cast<int64_t>(cr.windows.size()) <= w) cr.windows.resize(static_cast<size_t>(w) + 1);
    window_stats& ws = cr.windows[static_cast<size_t>(w)];
    ++ws.counts[o];
    ++ws.counts.scheduled;
    if (o == outcome::ok) ws.latency_us.record(latency_us);
    if (o_.keep_trace) {
      request_record r;
      r.seq = p.a.seq;
      r.class_index = p.a.class_index;
      r.scheduled_ns = p.scheduled_ns;
      r.sent_ns = sent_ns;
      r.done_ns = done;
      r.http_status = http_status;
      r.result = o;
      result_.trace.push_back(r);
    }
    --in_flight_;
  }

  void maybe_finish() {
    if (!schedule_done_ || in_flight_ > 0 || finished_) return;
    finished_ = true;
    for (auto& c : idle_) {
      error_code ignored;
      c->socket.shutdown(tcp::socket::shutdown_both, ignored);
      c->socket.close(ignored);
    }
    idle_.clear();
    arrival_timer_.cancel();
    if (o_.server_pid > 0) {
      if (auto m = read_process_memory(o_.server_pid); m.ok()) {
        result_.server_rss_kb.push_back(m->rss_kb);
        result_.server_peak_rss_kb = std::max(result_.server_peak_rss_kb, m->peak_rss_kb);
      }
    }
    memory_timer_.cancel();
    error_code ignored;
    signals_.cancel(ignored);
  }

  const run_options& o_;
  asio::io_context ioc_;
  arrival_schedule schedule_;
  asio::steady_timer arrival_timer_;
  asio::steady_timer memory_timer_;
  asio::signal_set signals_;
  std::vector<tcp::endpoint> endpoints_;
  std::string host_header_;
  std::optional<arrival> next_;
  std::vector<connection_ptr> idle_;
  std::deque<pending_request> waiting_;
  std::vector<size_t> body_cursor_;
  int open_ = 0;
  int preconnect_left_ = 0;
  int64_t in_flight_ = 0;
  int64_t last_done_ns_ = 0;
  bool schedule_done_ = false;
  bool finished_ = false;
  bool aborted_ = false;
  std::string first_connect_error_;
  run_result result_;
};

}  // namespace

status_or<run_result> run_load(const run_options& options) {
  if (options.classes.empty()) return status::invalid_argument("run_load: no request classes");
  for (const auto& c : options.classes) {
    if (c.bodies.empty()) return status::invalid_argument("run_load: class '" + c.name + "' has no request bodies");
    if (!c.body_doc_ids.empty() && c.body_doc_ids.size() != c.bodies.size())
      return status::invalid_argument("run_load: class '" + c.name + "': body_doc_ids does not match bodies");
  }
  if (options.target.addresses.empty()) return status::invalid_argument("run_load: target has no vetted address");
  for (const auto& a : options.target.addresses)
    if (!is_loopback(a)) return status::invalid_argument("run_load: refusing non-loopback address " + a.to_string());
  if (options.max_connections < 1) return status::invalid_argument("run_load: max_connections must be >= 1");
  if (options.timeout_ms < 1) return status::invalid_argument("run_load: timeout_ms must be >= 1");
  if (options.server_pid > 0) WINNOW_RETURN_IF_ERROR(read_process_memory(options.server_pid).get_status());
  // Each connection is a file descriptor: raise the soft limit as far as the
  // hard limit allows, and refuse a cap the process could not honour (it
  // would otherwise surface as a wall of connect errors blamed on the server).
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    if (lim.rlim_cur < lim.rlim_max) {
      rlimit raised = lim;
      raised.rlim_cur = lim.rlim_max;
      if (setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    constexpr rlim_t reserve = 64;  // stdio, logs, gnuplot, the test server's sockets
    if (lim.rlim_cur != RLIM_INFINITY && static_cast<rlim_t>(options.max_connections) + reserve > lim.rlim_cur) {
      return status::invalid_argument("run_load: max_connections " + std::to_string(options.max_connections) +
                                      " exceeds the open-file limit " + std::to_string(lim.rlim_cur) +
                                      " minus a reserve of 64; lower connections.max or raise ulimit -n");
    }
  }
  runner r(options);
  return r.run();
}

}  // namespace winnow::loadtest
