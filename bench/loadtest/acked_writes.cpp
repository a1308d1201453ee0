#include "bench/loadtest/acked_writes.hpp"

#include <algorithm>
#include <cctype>
#include <set>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "bench/loadtest/target_endpoints.hpp"

namespace winnow::loadtest {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

}  // namespace

std::vector<std::string> acknowledged_ids(const run_options& o, const run_result& r) {
  std::set<std::string> ids;
  for (size_t c = 0; c < r.classes.size() && c < o.classes.size(); ++c) {
    const auto& acked = r.classes[c].acked_per_body;
    for (size_t b = 0; b < acked.size(); ++b)
      if (acked[b] > 0)
        for (const auto& id : o.classes[c].body_doc_ids[b]) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

std::string percent_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 15];
    }
  }
  return out;
}

status_or<verify_result> verify_documents(const target_url& target, const std::vector<std::string>& ids,
                                          const std::vector<std::pair<std::string, std::string>>& headers,
                                          const std::string& path_prefix) {
  verify_result v;
  const std::vector<tcp::endpoint> eps = loopback_endpoints(target);
  if (eps.empty()) return status::invalid_argument("verify_documents: no loopback address to dial");
  asio::io_context ioc;
  tcp::socket socket(ioc);
  beast::flat_buffer buffer;
  bool connected = false;
  const std::string host = target.host + ":" + std::to_string(target.port);
  for (const std::string& id : ids) {
    ++v.checked;
    bool answered = false;
    for (int attempt = 0; attempt < 2 && !answered; ++attempt) {
      beast::error_code ec;
      if (!connected) {
        socket = tcp::socket(ioc);
        buffer.clear();
        asio::connect(socket, eps, ec);
        if (ec) {
          if (v.checked == 1) return status::unavailable("cannot connect to " + host + ": " + ec.message());
          break;
        }
        connected = true;
      }
      http::request<http::empty_body> req{http::verb::get, target.base_path + path_prefix + percent_encode(id), 11};
      req.set(http::field::host, host);
      req.set(http::field::user_agent, "winnow-loadtest");
      for (const auto& [k, val] : headers) req.set(k, val);
      req.keep_alive(true);
      http::write(socket, req, ec);
      http::response_parser<http::string_body> parser;
      parser.body_limit(64u << 20);
      if (!ec) http::read(socket, buffer, parser, ec);
      if (ec) {  // a closed keep-alive connection: reconnect once
        beast::error_code ignored;
        socket.close(ignored);
        connected = false;
        if (attempt == 1 && v.first_other.empty()) v.first_other = id + ": " + ec.message();
        continue;
      }
      answered = true;
      const int code = static_cast<int>(parser.get().result_int());
      if (code == 200) {
        ++v.present;
      } else if (code == 404) {
        ++v.missing;
        if (v.missing_ids.size() < 100) v.missing_ids.push_back(id);
      } else {
        ++v.other;
        if (v.first_other.empty()) v.first_other = id + ": HTTP " + std::to_string(code);
      }
      if (!parser.get().keep_alive()) {
        beast::error_code ignored;
        socket.close(ignored);
        connected = false;
      }
    }
    if (!answered) ++v.other;
  }
  return v;
}

}  // namespace winnow::loadtest
