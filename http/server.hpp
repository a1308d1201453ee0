#pragma once
// server — the HTTP/1.1 front end: a listening socket, N io threads, one
// connection object per client, all requests routed by api_handler to an
// engine_api.
//
// Lifecycle:  server s(engine, metrics, opts);
//             WINNOW_RETURN_IF_ERROR(s.start());   // binds; threads running
//             ... s.url() ...
//             s.stop(grace);   // on SIGTERM: stop accepting, drain, join
//             engine shutdown; flush/close storage; then destroy s.
//
// Thread-safety: start() and stop() are called from one controlling thread.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.hpp"
#include "http/server_options.hpp"

namespace winnow::http {

class engine_api;
class metrics;

class server {
 public:
  // REQUIRES: `engine` and `m` outlive this object.
  server(engine_api& engine, metrics& m, server_options opts);
  ~server();  // calls stop() when still running
  server(const server&) = delete;
  server& operator=(const server&) = delete;

  // Binds listen_host:listen_port and starts the io threads.
  // failed_precondition: no API keys and a non-loopback address (the server
  // refuses to expose an unauthenticated API); invalid_argument: the host is
  // not an IP address or "localhost"; io_error: bind/listen failed.
  status start();

  // The bound port (the ephemeral one when listen_port was 0). REQUIRES: started.
  uint16_t port() const;
  // "http://127.0.0.1:8080/" (REQUIRES: started).
  std::string url() const;

  // Graceful stop: closes the listening socket (new connections are refused),
  // reads no more requests, lets in-flight requests finish for up to `grace`,
  // answers the rest 503, closes every connection and joins the io threads.
  // Returns how many requests were failed 503. Idempotent.
  uint32_t stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  // Number of open client connections.
  size_t connection_count() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace winnow::http
