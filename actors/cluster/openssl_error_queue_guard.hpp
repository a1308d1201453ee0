#pragma once
// [OPENSSL_ERROR_QUEUE] CAF 0.17's OpenSSL module does not clear OpenSSL's
// per-thread error queue before its SSL_read / SSL_write / handshake calls.
// A TLS handshake that fails (a peer with a foreign or no certificate) leaves
// errors on the queue of the middleman's I/O thread; the next SSL_get_error()
// of ANY other session on that thread then reports SSL_ERROR_SSL, and CAF
// drops that healthy connection. So one refused client would cut every node
// link of the node it tried (seen in tests/cluster: each attempt of a rogue
// frontend disconnected the real frontend from every shard node).
//
// The guard wraps those OpenSSL entry points for the whole process (the
// `winnow` executable defines them, so the dynamic linker binds CAF's calls to
// the wrappers) and clears the queue before calling the real function — what
// OpenSSL's documentation asks of every caller of SSL_get_error().
//
// The SSL_accept wrapper also logs every refused incoming handshake (peer
// address and OpenSSL's reason, e.g. "certificate verify failed: self-signed
// certificate" or "peer did not return a certificate"): CAF 0.17 closes such
// connections silently, and the refusing node should say so.
//
// Linked only through openssl_error_queue_guard_installed(), which
// cluster_node calls, so that the object file is part of the binary.

#include <functional>
#include <string>

namespace winnow::actors::cluster {

// True when the wrappers found the real OpenSSL functions (dlsym RTLD_NEXT).
bool openssl_error_queue_guard_installed();

// Where refused handshakes are reported (one line each); set once at start-up,
// before any connection exists.
void set_tls_refusal_log(std::function<void(const std::string&)> log);

}  // namespace winnow::actors::cluster
