#pragma once
// A blocking HTTP/1.1 client over a real socket (Boost.Beast), for tests only.
// One object = one keep-alive connection to 127.0.0.1:port.

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace winnow::http::testing {

struct test_response {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lowercased names
  bool keep_alive = true;
  nlohmann::json json() const { return nlohmann::json::parse(body, nullptr, false); }
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class test_client {
 public:
  explicit test_client(uint16_t port) : socket_(ioc_) {
    boost::asio::ip::tcp::endpoint ep(boost::asio::ip::make_address("127.0.0.1"), port);
    socket_.connect(ep);
    socket_.set_option(boost::asio::ip::tcp::no_delay(true));
    timeval tv{10, 0};  // a hung server fails the test instead of hanging it
    setsockopt(socket_.native_handle(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  // Sends one request and reads its response.
  test_response request(const std::string& method, const std::string& target,
                        const std::string& body = "",
                        std::vector<std::pair<std::string, std::string>> headers = {}) {
    send(method, target, body, std::move(headers));
    return read();
  }

  void send(const std::string& method, const std::string& target, const std::string& body = "",
            std::vector<std::pair<std::string, std::string>> headers = {}) {
    send_raw(serialize(method, target, body, headers));
  }

  static std::string serialize(const std::string& method, const std::string& target,
                               const std::string& body,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
    namespace bhttp = boost::beast::http;
    bhttp::request<bhttp::string_body> req{bhttp::string_to_verb(method), target, 11};
    req.set(bhttp::field::host, "127.0.0.1");
    if (!body.empty() && !has(headers, "Content-Type"))
      req.set(bhttp::field::content_type, "application/json");
    for (const auto& [k, v] : headers) req.set(k, v);
    req.body() = body;
    req.prepare_payload();
    std::ostringstream os;
    os << req;
    return os.str();
  }

  void send_raw(const std::string& bytes) {
    boost::asio::write(socket_, boost::asio::buffer(bytes));
  }

  test_response read() {
    namespace bhttp = boost::beast::http;
    bhttp::response_parser<bhttp::string_body> p;
    p.body_limit(64u << 20);
    bhttp::read(socket_, buffer_, p);
    auto res = p.release();
    test_response out;
    out.status = res.result_int();
    out.body = res.body();
    out.keep_alive = res.keep_alive();
    for (const auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    return out;
  }

  // True when the server closed the connection (reads EOF).
  bool closed_by_server() {
    boost::system::error_code ec;
    char c;
    socket_.read_some(boost::asio::buffer(&c, 1), ec);
    return ec == boost::asio::error::eof || ec == boost::asio::error::connection_reset;
  }

 private:
  static bool has(const std::vector<std::pair<std::string, std::string>>& h, const std::string& k) {
    for (const auto& [name, v] : h)
      if (name == k) return true;
    return false;
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace winnow::http::testing
