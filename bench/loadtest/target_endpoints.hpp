#pragma once
// The asio endpoints a load-test client may dial for a target. Private to
// bench/loadtest (Boost stays out of the public headers).

#include <vector>

#include <boost/asio/ip/tcp.hpp>

#include "bench/loadtest/target_url.hpp"

namespace winnow::loadtest {

// One endpoint per loopback address of `t` (parse_target_url already refused
// anything else; non-loopback addresses are skipped again here so that no
// client can dial them even if handed an unvetted target).
std::vector<boost::asio::ip::tcp::endpoint> loopback_endpoints(const target_url& t);

}  // namespace winnow::loadtest
