#pragma once
// The load generator may only ever talk to this machine. parse_target_url()
// is the one gate: it parses the URL and resolves the host to addresses
// WITHOUT any socket or DNS query (a pure function), refusing every host that
// is not a loopback address. The client then connects only to the vetted
// addresses it returns, never to the host string again, so what was checked
// is exactly what is dialled.
//
// Accepted hosts:
//  - IPv4 literals in 127.0.0.0/8, in any form the classic inet_aton() accepts
//    (127.0.0.1, 127.1, 0x7f.0.0.1, 0177.0.0.1, 2130706433), parsed strictly:
//    trailing garbage or out-of-range parts are refused, not truncated;
//  - IPv6 literals in brackets equal to ::1, or IPv4-mapped ::ffff:127.x.y.z
//    (dialled as the plain IPv4 address); zone ids ("%lo") are refused;
//  - the name "localhost" (any case), which RFC 6761 §6.3 reserves for
//    loopback: it maps to 127.0.0.1 then ::1 without asking a resolver.
// Everything else (other names, 0.0.0.0, 10/8, 192.168/16, public addresses,
// IPv4-compatible ::127.0.0.1) is refused with a message naming the host.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::loadtest {

struct ip_address {
  bool is_v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses bytes[0..3], network order

  static ip_address v4(uint32_t host_order);
  std::string to_string() const;  // "127.0.0.1" or "::1"
  bool operator==(const ip_address& o) const { return is_v6 == o.is_v6 && bytes == o.bytes; }
};

// True for 127.0.0.0/8 and ::1 only.
bool is_loopback(const ip_address& a);

// Strict inet_aton-style IPv4 parsing: 1 to 4 parts, each decimal, octal
// (leading 0) or hex (0x); the last part fills the remaining bytes.
// Returns invalid_argument for anything else (including hostnames).
status_or<ip_address> parse_ipv4_literal(std::string_view text);

// An IPv6 literal without brackets ("::1", "::ffff:127.0.0.1").
status_or<ip_address> parse_ipv6_literal(std::string_view text);

// Host (as it appears in a URL: "127.0.0.1", "[::1]", "localhost") → the
// loopback addresses to dial, or invalid_argument naming the host and why.
// Pure: opens no socket, reads no file, asks no resolver.
status_or<std::vector<ip_address>> resolve_loopback_host(std::string_view host);

struct target_url {
  std::string host;                     // as written, for the Host header
  uint16_t port = 80;
  std::string base_path;                // "" or "/prefix" (no trailing '/')
  std::vector<ip_address> addresses;    // vetted loopback addresses, in dial order
};

// "http://HOST[:PORT][/PREFIX]" → target_url. Only the http scheme;
// user-info, query strings and fragments are refused.
status_or<target_url> parse_target_url(std::string_view url);

}  // namespace winnow::loadtest
