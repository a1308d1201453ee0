#include "http/authenticator.hpp"

#include <gtest/gtest.h>

#include "http/metrics.hpp"

namespace winnow::http {
namespace {

authenticator make() {
  return authenticator({{"reader-secret", "reader", {role::read}},
                        {"writer-secret", "writer", {role::read, role::write}},
                        {"admin-secret", "ops", {role::admin}}});
}

TEST(constant_time_equal, compares_contents_and_lengths) {
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(authenticator, allows_everything_without_keys) {
  authenticator open({});
  EXPECT_TRUE(open.open());
  EXPECT_EQ(open.check("", "", role::admin).outcome, auth_outcome::allowed);
}

TEST(authenticator, applies_the_role_matrix) {
  auto a = make();
  struct row { const char* key; role needed; auth_outcome want; };
  const row rows[] = {
      {"reader-secret", role::read, auth_outcome::allowed},
      {"reader-secret", role::write, auth_outcome::forbidden},
      {"reader-secret", role::admin, auth_outcome::forbidden},
      {"writer-secret", role::write, auth_outcome::allowed},
      {"writer-secret", role::admin, auth_outcome::forbidden},
      {"admin-secret", role::read, auth_outcome::allowed},
      {"admin-secret", role::write, auth_outcome::allowed},
      {"admin-secret", role::admin, auth_outcome::allowed},
      {"wrong", role::read, auth_outcome::unauthenticated},
      {"reader-secre", role::read, auth_outcome::unauthenticated},
      {"", role::read, auth_outcome::unauthenticated},
  };
  for (const auto& r : rows) {
    auto d = a.check(std::string("Bearer ") + r.key, "", r.needed);
    EXPECT_EQ(d.outcome, r.want) << r.key << " / " << to_string(r.needed);
    // The detail may name the role but never the presented or stored secret.
    EXPECT_EQ(d.detail.find("secret"), std::string::npos) << d.detail;
  }
}

TEST(authenticator, reads_x_api_key_and_case_insensitive_bearer) {
  auto a = make();
  EXPECT_EQ(a.check("", "writer-secret", role::write).outcome, auth_outcome::allowed);
  EXPECT_EQ(a.check("bearer writer-secret", "", role::write).outcome, auth_outcome::allowed);
  EXPECT_EQ(a.check("Basic d3JpdGVy", "", role::read).outcome, auth_outcome::unauthenticated);
  EXPECT_NE(a.check("", "", role::read).detail.find("missing API key"), std::string::npos);
}

TEST(metrics, serializes_every_fed_series) {
  metrics m;
  m.observe_request("search", "interactive", 200, 0.003);
  m.set_queue_depth("bulk", 7);
  m.observe_queue_wait("bulk", 0.2);
  m.observe_batch("bulk", "a100-0", 12, 900);
  m.set_device_busy_fraction("a100-0", 0.5);
  m.set_device_up("a100-0", true);
  m.add_device_seconds("a100-0", "interactive", 1.5);
  m.add_cost_usd("a100-0", "interactive", 0.0017);
  m.add_documents_accepted(3);
  m.add_documents_searchable(2);
  m.add_degraded("interactive");
  m.add_rejected("bulk", "resource_exhausted");
  std::string text = m.serialize();
  for (const char* want : {
           "winnow_http_requests_total{class=\"interactive\",code=\"200\",route=\"search\"} 1",
           "winnow_http_request_duration_seconds_bucket{class=\"interactive\",route=\"search\",le=\"0.005\"} 1",
           "winnow_queue_depth{class=\"bulk\"} 7",
           "winnow_queue_wait_seconds_count{class=\"bulk\"} 1",
           "winnow_batch_size_sum{class=\"bulk\",device=\"a100-0\"} 12",
           "winnow_batch_tokens_sum{class=\"bulk\",device=\"a100-0\"} 900",
           "winnow_device_busy_fraction{device=\"a100-0\"} 0.5",
           "winnow_device_up{device=\"a100-0\"} 1",
           "winnow_device_seconds_total{class=\"interactive\",device=\"a100-0\"} 1.5",
           "winnow_cost_usd_total{class=\"interactive\",device=\"a100-0\"} 0.0017",
           "winnow_documents_accepted_total 3",
           "winnow_documents_searchable_total 2",
           "winnow_degraded_total{class=\"interactive\"} 1",
           "winnow_rejected_total{class=\"bulk\",reason=\"resource_exhausted\"} 1",
       })
    EXPECT_NE(text.find(want), std::string::npos) << "missing: " << want << "\n" << text;
}

}  // namespace
}  // namespace winnow::http
