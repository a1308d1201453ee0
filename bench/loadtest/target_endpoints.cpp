#include "bench/loadtest/target_endpoints.hpp"

#include <algorithm>

namespace winnow::loadtest {

std::vector<boost::asio::ip::tcp::endpoint> loopback_endpoints(const target_url& t) {
  namespace ip = boost::asio::ip;
  std::vector<ip::tcp::endpoint> eps;
  for (const ip_address& a : t.addresses) {
    if (!is_loopback(a)) continue;
    if (a.is_v6) {
      ip::address_v6::bytes_type b;
      std::copy(a.bytes.begin(), a.bytes.begin() + b.size(), b.begin());
      eps.emplace_back(ip::address_v6(b), t.port);
    } else {
      eps.emplace_back(ip::address_v4(ip::address_v4::bytes_type{a.bytes[0], a.bytes[1], a.bytes[2], a.bytes[3]}),
                       t.port);
    }
  }
  return eps;
}

}  // namespace winnow::loadtest
