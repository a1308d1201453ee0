// The Grafana dashboard only queries series the metrics registry exports.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "http/metrics.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::http {
namespace {

TEST(dashboard, queries_only_exported_series) {
  std::ifstream in(winnow::testing::source_path("dashboards/winnow.json"));
  ASSERT_TRUE(in) << "dashboards/winnow.json missing";
  std::stringstream text;
  text << in.rdbuf();
  auto dash = nlohmann::json::parse(text.str(), nullptr, false);
  ASSERT_FALSE(dash.is_discarded());

  metrics m;  // feed every series once so each one is serialized
  m.observe_request("search", "interactive", 200, 0.01);
  m.set_queue_depth("bulk", 1);
  m.set_in_flight_limit("interactive", 8);
  m.observe_queue_wait("bulk", 0.1);
  m.observe_batch("bulk", "cpu", 4, 256);
  m.set_device_busy_fraction("cpu", 0.2);
  m.set_device_up("cpu", true);
  m.add_device_seconds("cpu", "bulk", 1);
  m.add_cost_usd("cpu", "bulk", 0.01);
  m.add_documents_accepted(1);
  m.add_documents_searchable(1);
  m.add_documents_rejected(1);
  m.add_degraded("interactive");
  m.add_rejected("bulk", "resource_exhausted");
  std::string exported = m.serialize();

  std::set<std::string> used;
  std::regex name(R"(winnow_[a-z_]+)");
  size_t exprs = 0;
  for (const auto& p : dash["panels"]) {
    if (!p.contains("targets")) continue;
    for (const auto& t : p["targets"]) {
      std::string e = t["expr"];
      ++exprs;
      for (std::sregex_iterator it(e.begin(), e.end(), name), end; it != end; ++it) used.insert(it->str());
    }
  }
  EXPECT_GT(exprs, 10u);
  for (const auto& n : used)
    EXPECT_NE(exported.find("\n" + n), std::string::npos) << "dashboard queries " << n
                                                          << ", which metrics does not export";
}

}  // namespace
}  // namespace winnow::http
