// The loopback gate. Nothing here opens a socket: the checks are pure.
#include "bench/loadtest/target_url.hpp"

#include "tests/support/test_support.hpp"

namespace winnow::loadtest {
namespace {

std::string first_address(const std::string& host) {
  auto r = resolve_loopback_host(host);
  EXPECT_OK(r);
  return r.ok() ? r->front().to_string() : "";
}

void expect_refused(const std::string& host) {
  auto r = resolve_loopback_host(host);
  ASSERT_FALSE(r.ok()) << host << " was accepted as " << (r.ok() ? r->front().to_string() : "");
  EXPECT_TRUE(r.get_status().is_invalid_argument());
  EXPECT_NE(r.get_status().message().find(host), std::string::npos) << r.get_status().message();
}

TEST(target_url, accepts_loopback_ipv4_in_every_inet_aton_form) {
  EXPECT_EQ(first_address("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(first_address("127.255.255.254"), "127.255.255.254");
  EXPECT_EQ(first_address("127.1"), "127.0.0.1");          // a.b: b fills 3 bytes
  EXPECT_EQ(first_address("127.0.1"), "127.0.0.1");        // a.b.c: c fills 2 bytes
  EXPECT_EQ(first_address("127.1.513"), "127.1.2.1");      // 513 = 0x0201
  EXPECT_EQ(first_address("0x7f.0.0.1"), "127.0.0.1");
  EXPECT_EQ(first_address("0X7F.0.0.1"), "127.0.0.1");
  EXPECT_EQ(first_address("0177.0.0.1"), "127.0.0.1");     // octal
  EXPECT_EQ(first_address("2130706433"), "127.0.0.1");     // one 32-bit number
  EXPECT_EQ(first_address("0x7f000001"), "127.0.0.1");
  EXPECT_EQ(first_address("017700000001"), "127.0.0.1");
}

TEST(target_url, refuses_non_loopback_ipv4_including_disguised_forms) {
  for (const char* h : {"10.0.0.1", "192.168.1.1", "192.168.0.100", "172.16.0.1", "8.8.8.8",
                        "1.1.1.1", "0.0.0.0", "0", "255.255.255.255", "128.0.0.1", "126.255.255.255",
                        "169.254.1.1", "0x0a.0.0.1", "012.0.0.1",  // octal 012 = 10
                        "167772161",                               // 10.0.0.1 as one number
                        "3232235777",                              // 192.168.1.1
                        "0xc0a80101", "10.1", "192.168.257"}) {
    SCOPED_TRACE(h);
    expect_refused(h);
  }
}

TEST(target_url, refuses_malformed_ipv4_rather_than_truncating) {
  for (const char* h : {"127.0.0.1.", "127..0.1", "127.0.0.256", "127.0.0.1 evil.com", "127.0.0.1\n",
                        "127.0.0.0x", "127.0.0.08", "127.0.0.1a", "0x", "127.0.0.1.2", "127.16777216",
                        "4294967296", "-127.0.0.1", "+127.0.0.1", " 127.0.0.1"}) {
    SCOPED_TRACE(h);
    expect_refused(h);
  }
}

TEST(target_url, ipv6_only_loopback_and_mapped_loopback) {
  EXPECT_EQ(first_address("[::1]"), "::1");
  EXPECT_EQ(first_address("[0:0:0:0:0:0:0:1]"), "::1");
  EXPECT_EQ(first_address("[::ffff:127.0.0.1]"), "127.0.0.1");  // dialled as IPv4
  EXPECT_EQ(first_address("[::ffff:7f00:1]"), "127.0.0.1");
  EXPECT_FALSE(resolve_loopback_host("[::ffff:127.0.0.1]")->front().is_v6);
  for (const char* h : {"[::]", "[::2]", "[::ffff:10.0.0.1]", "[::ffff:192.168.1.1]", "[::127.0.0.1]",
                        "[fe80::1]", "[::1%lo]", "[2001:4860:4860::8888]", "[fc00::1]", "[::1",
                        "::1", "[]", "[127.0.0.1]"}) {
    SCOPED_TRACE(h);
    expect_refused(h);
  }
}

TEST(target_url, localhost_is_mapped_without_a_resolver_and_other_names_are_refused) {
  auto r = resolve_loopback_host("localhost");
  ASSERT_OK(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].to_string(), "127.0.0.1");
  EXPECT_EQ((*r)[1].to_string(), "::1");
  EXPECT_OK(resolve_loopback_host("LocalHost"));
  for (const char* h : {"example.com", "localhost.example.com", "foo.localhost", "localhost.", "127.0.0.1.nip.io",
                        "localtest.me", "winnow", "my-host", ""}) {
    SCOPED_TRACE(h);
    auto refused = resolve_loopback_host(h);
    EXPECT_FALSE(refused.ok());
  }
  EXPECT_NE(resolve_loopback_host("example.com").get_status().message().find("no name is resolved"),
            std::string::npos);
}

TEST(target_url, every_accepted_address_is_loopback) {
  for (const char* h : {"127.0.0.1", "127.1", "localhost", "[::1]", "[::ffff:127.9.9.9]", "2130706433"}) {
    auto r = resolve_loopback_host(h);
    ASSERT_OK(r);
    for (const auto& a : *r) EXPECT_TRUE(is_loopback(a)) << h << " -> " << a.to_string();
  }
}

TEST(target_url, parses_urls_and_applies_the_check) {
  auto t = parse_target_url("http://127.0.0.1:8080");
  ASSERT_OK(t);
  EXPECT_EQ(t->port, 8080);
  EXPECT_EQ(t->base_path, "");
  EXPECT_EQ(t->host, "127.0.0.1");

  t = parse_target_url("http://[::1]:9000/api/");
  ASSERT_OK(t);
  EXPECT_EQ(t->port, 9000);
  EXPECT_EQ(t->base_path, "/api");
  EXPECT_TRUE(t->addresses.front().is_v6);

  t = parse_target_url("HTTP://localhost");
  ASSERT_OK(t);
  EXPECT_EQ(t->port, 80);

  const std::pair<const char*, const char*> bad[] = {
      {"https://127.0.0.1:8080", "https"},
      {"127.0.0.1:8080", "http://"},
      {"http://10.0.0.1:8080", "10.0.0.1"},
      {"http://192.168.1.20", "192.168.1.20"},
      {"http://example.com", "example.com"},
      {"http://127.0.0.1@10.0.0.1/", "user-info"},
      {"http://user:pw@127.0.0.1/", "user-info"},
      {"http://127.0.0.1:0", "port"},
      {"http://127.0.0.1:65536", "port"},
      {"http://127.0.0.1:80a", "port"},
      {"http://127.0.0.1:", "empty port"},
      {"http://::1:8080", "brackets"},
      {"http://[::1]x", "junk"},
      {"http://127.0.0.1/x?y=1", "query"},
      {"http://127.0.0.1#frag", "query or fragment"},
      {"http://:8080", "empty"},
  };
  for (const auto& [url, needle] : bad) {
    SCOPED_TRACE(url);
    auto r = parse_target_url(url);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.get_status().message().find(needle), std::string::npos) << r.get_status().message();
  }
}

}  // namespace
}  // namespace winnow::loadtest
