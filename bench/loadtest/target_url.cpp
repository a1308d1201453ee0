#include "bench/loadtest/target_url.hpp"

#include <arpa/inet.h>

#include <cctype>
#include <cstdio>

namespace winnow::loadtest {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One inet_aton part: decimal, 0-prefixed octal or 0x-prefixed hex; must fit
// in `limit`. Empty parts and stray characters are errors.
bool parse_part(std::string_view p, uint64_t limit, uint64_t* out) {
  if (p.empty()) return false;
  int base = 10;
  if (p.size() > 1 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p.remove_prefix(2);
    if (p.empty()) return false;  // "0x" alone
  } else if (p.size() > 1 && p[0] == '0') {
    base = 8;
    p.remove_prefix(1);
  }
  uint64_t v = 0;
  for (char c : p) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    if (d >= base) return false;
    v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
    if (v > limit) return false;
  }
  *out = v;
  return true;
}

}  // namespace

ip_address ip_address::v4(uint32_t host_order) {
  ip_address a;
  a.bytes[0] = static_cast<uint8_t>(host_order >> 24);
  a.bytes[1] = static_cast<uint8_t>(host_order >> 16);
  a.bytes[2] = static_cast<uint8_t>(host_order >> 8);
  a.bytes[3] = static_cast<uint8_t>(host_order);
  return a;
}

std::string ip_address::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (!is_v6) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", bytes[0], bytes[1], bytes[2], bytes[3]);
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf);
  }
  return buf;
}

bool is_loopback(const ip_address& a) {
  if (!a.is_v6) return a.bytes[0] == 127;
  for (int i = 0; i < 15; ++i)
    if (a.bytes[i] != 0) return false;
  return a.bytes[15] == 1;
}

status_or<ip_address> parse_ipv4_literal(std::string_view text) {
  const auto bad = [&] {
    return status::invalid_argument("'" + std::string(text) + "' is not an IPv4 literal");
  };
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t dot = text.find('.', start);
    parts.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos
                                                                      : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (parts.empty() || parts.size() > 4) return bad();
  uint32_t addr = 0;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    uint64_t v;
    if (!parse_part(parts[i], 0xff, &v)) return bad();
    addr |= static_cast<uint32_t>(v) << (8 * (3 - i));
  }
  // The last part fills all remaining bytes: 127.1 == 127.0.0.1.
  const size_t rest_bytes = 4 - (parts.size() - 1);
  const uint64_t limit = rest_bytes == 4 ? 0xffffffffULL : (1ULL << (8 * rest_bytes)) - 1;
  uint64_t last;
  if (!parse_part(parts.back(), limit, &last)) return bad();
  addr |= static_cast<uint32_t>(last);
  return ip_address::v4(addr);
}

status_or<ip_address> parse_ipv6_literal(std::string_view text) {
  if (text.find('%') != std::string_view::npos)
    return status::invalid_argument("IPv6 zone ids are not accepted: '" + std::string(text) + "'");
  const std::string s(text);
  ip_address a;
  a.is_v6 = true;
  // inet_pton is a pure parser: no socket, no resolver.
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1)
    return status::invalid_argument("'" + s + "' is not an IPv6 literal");
  // IPv4-mapped (::ffff:a.b.c.d) reaches the IPv4 address: judge and dial that.
  bool mapped = true;
  for (int i = 0; i < 10; ++i) mapped = mapped && a.bytes[i] == 0;
  mapped = mapped && a.bytes[10] == 0xff && a.bytes[11] == 0xff;
  if (mapped) {
    return ip_address::v4((uint32_t{a.bytes[12]} << 24) | (uint32_t{a.bytes[13]} << 16) |
                          (uint32_t{a.bytes[14]} << 8) | uint32_t{a.bytes[15]});
  }
  return a;
}

status_or<std::vector<ip_address>> resolve_loopback_host(std::string_view host) {
  const std::string shown(host);
  if (host.empty()) return status::invalid_argument("target host is empty");
  const auto refuse = [&](const std::string& why) {
    return status::invalid_argument("refusing target host '" + shown + "': " + why +
                                    " (only 127.0.0.0/8, ::1 and localhost are allowed)");
  };
  if (host.front() == '[') {
    if (host.back() != ']') return refuse("unterminated IPv6 literal");
    auto a = parse_ipv6_literal(host.substr(1, host.size() - 2));
    if (!a.ok()) return refuse(a.get_status().message());
    if (!is_loopback(*a)) return refuse(a->to_string() + " is not a loopback address");
    return std::vector<ip_address>{*a};
  }
  if (lower(host) == "localhost") {
    ip_address v6;
    v6.is_v6 = true;
    v6.bytes[15] = 1;
    return std::vector<ip_address>{ip_address::v4(0x7f000001), v6};
  }
  // A bare IPv6 literal outside brackets is ambiguous with the port: refuse.
  if (host.find(':') != std::string_view::npos) return refuse("IPv6 literals need brackets");
  auto a = parse_ipv4_literal(host);
  if (!a.ok()) return refuse("not an IP literal and not 'localhost' (no name is resolved)");
  if (!is_loopback(*a)) return refuse(a->to_string() + " is not a loopback address");
  return std::vector<ip_address>{*a};
}

status_or<target_url> parse_target_url(std::string_view url) {
  const std::string shown(url);
  const std::string_view scheme = "http://";
  if (url.size() < scheme.size() || lower(url.substr(0, scheme.size())) != scheme) {
    return status::invalid_argument("target url '" + shown +
                                    "' must start with http:// (https is not supported)");
  }
  std::string_view rest = url.substr(scheme.size());
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos)
    return status::invalid_argument("target url '" + shown + "': user-info is not accepted");
  if (path.find_first_of("?#") != std::string_view::npos || authority.find_first_of("?#") != std::string_view::npos)
    return status::invalid_argument("target url '" + shown + "': query or fragment is not accepted");

  target_url t;
  std::string_view host = authority;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return status::invalid_argument("target url '" + shown + "': unterminated '['");
    host = authority.substr(0, close + 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':')
        return status::invalid_argument("target url '" + shown + "': junk after ']'");
      port_text = after.substr(1);
      if (port_text.empty()) return status::invalid_argument("target url '" + shown + "': empty port");
    }
  } else {
    const size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      if (authority.find(':') != colon)
        return status::invalid_argument("target url '" + shown + "': IPv6 literals need brackets");
      host = authority.substr(0, colon);
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return status::invalid_argument("target url '" + shown + "': empty port");
    }
  }
  if (!port_text.empty()) {
    uint32_t port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9' || port > 65535)
        return status::invalid_argument("target url '" + shown + "': bad port '" + std::string(port_text) + "'");
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535)
      return status::invalid_argument("target url '" + shown + "': port out of range");
    t.port = static_cast<uint16_t>(port);
  }
  WINNOW_ASSIGN_OR_RETURN(t.addresses, resolve_loopback_host(host));
  t.host = std::string(host);
  std::string p(path);
  while (!p.empty() && p.back() == '/') p.pop_back();
  t.base_path = p;
  return t;
}

}  // namespace winnow::loadtest
