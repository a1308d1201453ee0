#pragma once
// connection — one HTTP/1.1 client connection: reads requests (pipelined or
// not), hands each to the api_handler, and writes the responses strictly in
// request order, whatever order the engine answers in.
//
// Every member runs on the connection's strand. Lifetime: owned by
// shared_ptrs held by its pending asynchronous operations and by the
// responders of its unanswered requests.
//
// Timeouts: while no request is pending, the connection closes after
// idle_timeout without a complete request (this also bounds slow headers and
// bodies); a response the client does not take within write_timeout closes it;
// a request the engine does not answer within engine_timeout is answered 504.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/api_message.hpp"

namespace winnow::http {

class api_handler;
class responder;

class connection : public std::enable_shared_from_this<connection> {
 public:
  using tcp = boost::asio::ip::tcp;

  // `socket` must use a strand executor (the acceptor creates it so).
  // `on_closed` is called once, on the strand, when the socket is closed.
  // REQUIRES: `handler` outlives the connection.
  connection(tcp::socket socket, api_handler& handler, std::function<void()> on_closed);
  ~connection();
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  void start();
  boost::asio::any_io_executor get_executor() const { return ex_; }

  // Shutdown, phase 1: read no more requests; answer the pending ones (with
  // Connection: close), then close. Idle connections close at once.
  void begin_drain();
  // Shutdown, phase 2: answer every still-pending request 503, then close;
  // adds the number of requests so answered to *failed.
  void fail_pending(std::atomic<uint32_t>* failed);
  // Shutdown, phase 3 (io threads joined): close now.
  void force_close() { close(); }

 private:
  struct slot {
    bool ready = false;
    bool close_after = false;
    boost::beast::http::response<boost::beast::http::string_body> response;
    std::shared_ptr<responder> responder_ref;
    std::optional<boost::asio::steady_timer> engine_timer;
  };

  void do_read();
  void on_header(boost::beast::error_code ec);
  void read_body();
  void on_body(boost::beast::error_code ec);
  void on_request();
  void on_read_error(boost::beast::error_code ec);
  // Queues a response made here (parse errors, 413) and stops reading.
  void push_local_response(api_response r, const char* route);
  void fill(const std::shared_ptr<slot>& s, api_response r);
  void do_write();
  void on_write(boost::beast::error_code ec, const std::shared_ptr<slot>& s);
  void update_deadline();
  void arm_deadline(std::chrono::milliseconds d);
  // Closes the sending side, then reads and discards for a short while, so the
  // client sees the last response instead of a reset caused by unread input.
  void linger_close();
  void close();

  tcp::socket socket_;
  boost::asio::any_io_executor ex_;  // the socket's strand
  api_handler& handler_;
  std::function<void()> on_closed_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::deque<std::shared_ptr<slot>> queue_;  // responses owed, in request order
  boost::asio::steady_timer deadline_;
  uint64_t deadline_gen_ = 0;
  bool reading_ = false;
  bool writing_ = false;
  bool stop_reading_ = false;  // after Connection: close, a parse error, or drain
  bool draining_ = false;
  bool lingering_ = false;
  bool closed_ = false;
  uint64_t route_limit_ = 0;
  char discard_[4096];
};

}  // namespace winnow::http
