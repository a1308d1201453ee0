#include "actors/cluster/openssl_error_queue_guard.hpp"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace {

template <class Fn>
Fn real(const char* name) {
  return reinterpret_cast<Fn>(dlsym(RTLD_NEXT, name));
}

using io_fn = int (*)(SSL*, void*, int);
using wio_fn = int (*)(SSL*, const void*, int);
using hs_fn = int (*)(SSL*);

io_fn real_read() {
  static io_fn f = real<io_fn>("SSL_read");
  return f;
}
wio_fn real_write() {
  static wio_fn f = real<wio_fn>("SSL_write");
  return f;
}
hs_fn real_accept() {
  static hs_fn f = real<hs_fn>("SSL_accept");
  return f;
}
hs_fn real_connect() {
  static hs_fn f = real<hs_fn>("SSL_connect");
  return f;
}

std::function<void(const std::string&)>& refusal_log() {
  static std::function<void(const std::string&)> log;
  return log;
}

std::string peer_of(SSL* ssl) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  const int fd = SSL_get_fd(ssl);
  if (fd < 0 || getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) return "an unknown peer";
  char host[INET6_ADDRSTRLEN] = "?";
  uint16_t port = 0;
  if (a.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&a);
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
    port = ntohs(in->sin_port);
  } else if (a.ss_family == AF_INET6) {
    auto* in = reinterpret_cast<sockaddr_in6*>(&a);
    if (IN6_IS_ADDR_V4MAPPED(&in->sin6_addr)) inet_ntop(AF_INET, &in->sin6_addr.s6_addr[12], host, sizeof host);
    else inet_ntop(AF_INET6, &in->sin6_addr, host, sizeof host);
    port = ntohs(in->sin6_port);
  }
  return std::string(host) + ":" + std::to_string(port);
}

// At most one line per peer host every 10 s (a refused peer usually retries
// several times a second); the line counts the refusals it stands for.
bool should_log(const std::string& peer, uint64_t* refusals) {
  static std::mutex mu;
  static std::map<std::string, std::pair<std::chrono::steady_clock::time_point, uint64_t>> last;
  const std::string host = peer.substr(0, peer.rfind(':'));
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard<std::mutex> lock(mu);
  auto& [when, count] = last[host];
  ++count;
  if (count > 1 && now - when < std::chrono::seconds(10)) return false;
  *refusals = count;
  when = now;
  count = 0;
  return true;
}

void log_refusal(SSL* ssl, int rc) {
  const int e = SSL_get_error(ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE || !refusal_log()) return;
  std::string why;
  const long verify = SSL_get_verify_result(ssl);
  if (verify != X509_V_OK) why = X509_verify_cert_error_string(verify);
  if (const unsigned long err = ERR_peek_error(); err != 0) {
    char buf[256];
    ERR_error_string_n(err, buf, sizeof buf);
    why += (why.empty() ? "" : "; ") + std::string(buf);
  }
  if (why.empty()) return;  // CAF asking again about a handshake already reported
  const std::string peer = peer_of(ssl);
  uint64_t refusals = 0;
  if (!should_log(peer, &refusals)) return;
  refusal_log()("refused a TLS connection from " + peer + ": " + why +
                (refusals > 1 ? " (" + std::to_string(refusals) + " refusals from this host since the last report)"
                              : ""));
}

}  // namespace

extern "C" {

int SSL_read(SSL* ssl, void* buf, int num) {
  ERR_clear_error();
  return real_read()(ssl, buf, num);
}

int SSL_write(SSL* ssl, const void* buf, int num) {
  ERR_clear_error();
  return real_write()(ssl, buf, num);
}

int SSL_accept(SSL* ssl) {
  ERR_clear_error();
  const int rc = real_accept()(ssl);
  if (rc <= 0) log_refusal(ssl, rc);
  return rc;
}

int SSL_connect(SSL* ssl) {
  ERR_clear_error();
  return real_connect()(ssl);
}

}  // extern "C"

namespace winnow::actors::cluster {

bool openssl_error_queue_guard_installed() {
  return real_read() != nullptr && real_write() != nullptr && real_accept() != nullptr &&
         real_connect() != nullptr;
}

void set_tls_refusal_log(std::function<void(const std::string&)> log) { refusal_log() = std::move(log); }

}  // namespace winnow::actors::cluster
