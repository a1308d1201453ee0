// `winnow config --print-default` prints config::embedded_default_toml(): that
// text, written to a file and loaded as any file is, must give the embedded
// default itself, and its commented `# key = value` lines (the built-in
// defaults it documents) must be true: uncommenting them all changes nothing.
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "config/load_config.hpp"
#include "tests/support/test_support.hpp"

namespace winnow::config {
namespace {

// Every field of the configuration but `source`, one per line, so that two
// configurations compare as text and a difference shows which field it is.
std::string describe(const engine_config& c) {
  std::ostringstream o;
  o.precision(17);
  const auto& e = c.engine;
  o << "engine: " << e.data_dir << " " << e.shards << " " << e.threads << " " << e.default_class << " "
    << e.ingest_class << " " << e.max_pending_encode << "\n";
  o << "index: " << c.index.k1 << " " << c.index.b << " " << c.index.stop_words << " "
    << c.index.stemming << "\n";
  o << "model: " << c.model.dir << " " << to_string(c.model.precision) << " " << c.model.max_tokens
    << " " << c.model.min_int8_cosine << "\n";
  const auto& r = c.ranking;
  o << "ranking: " << to_string(r.mode) << " " << to_string(r.fusion) << " " << r.alpha << " "
    << r.rrf_k << " " << r.candidates << "\n";
  for (const auto& k : c.classes) {
    o << "class: " << k.name << " " << k.priority << " " << k.max_queue_delay_us << " "
      << k.max_batch_tokens << " " << k.preferred_batch_tokens << " " << k.max_queue << " "
      << k.timeout_ms << " " << to_string(k.on_timeout) << " [" << k.demote_to << "] "
      << to_string(k.preferred_tier) << " " << k.aging_us << " " << k.borrow_higher_tier << " "
      << k.max_batch_ms << " " << k.max_in_flight << " " << k.target_latency_ms << "\n";
  }
  for (const auto& d : c.devices) {
    o << "device: " << d.name << " " << d.backend << " " << to_string(d.kind) << " " << d.cuda_index
      << " [" << d.sim_profile << "] " << to_string(d.tier) << " " << d.cost_per_hour << " "
      << d.threads << " " << d.tokens_per_s << " " << d.launch_overhead_us << " " << d.os_nice
      << "\n";
  }
  o << "http: " << c.http.listen << " " << c.http.max_body_bytes << " keys " << c.http.api_keys.size()
    << "\n";
  o << "cluster: " << c.cluster.heartbeat_interval_ms << " " << c.cluster.connection_timeout_ms
    << " nodes " << c.cluster.nodes.size() << " tls " << c.cluster.tls.enabled() << "\n";
  return o.str();
}

std::string write_file(const testing::temp_dir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.str() + "/" + name;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  EXPECT_NE(f, nullptr) << path;
  if (f != nullptr) {
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }
  return path;
}

TEST(print_default, the_printed_file_loads_as_the_embedded_default) {
  testing::temp_dir tmp;
  const std::string path = write_file(tmp, "winnow.toml", std::string(embedded_default_toml()));
  auto loaded = load_config(path);
  ASSERT_OK(loaded);
  EXPECT_EQ(loaded->source, path);
  EXPECT_EQ(describe(*loaded), describe(embedded_default()));
  // It is a commented file, not a bare dump.
  const std::string text(embedded_default_toml());
  EXPECT_NE(text.find("# winnow configuration"), std::string::npos);
  EXPECT_NE(text.find("\n# k1 = 1.2"), std::string::npos);
}

TEST(print_default, its_commented_defaults_are_the_built_in_ones) {
  // "# key = value" (with an optional trailing comment) → "key = value".
  const std::regex commented_key(R"(^# ([a-z_0-9]+ = .*)$)");
  std::istringstream in{std::string(embedded_default_toml())};
  std::string line, uncommented;
  int keys = 0;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_match(line, m, commented_key)) {
      uncommented += m[1].str() + "\n";
      ++keys;
    } else {
      uncommented += line + "\n";
    }
  }
  EXPECT_GE(keys, 15);  // engine, index, model, ranking, device, http defaults
  auto all = parse_config(uncommented, "<uncommented default>");
  ASSERT_OK(all);
  EXPECT_EQ(describe(*all), describe(embedded_default()));
}

TEST(print_default, describe_sees_a_changed_value) {
  // The comparison above can fail: one changed key shows.
  std::string text(embedded_default_toml());
  const std::string from = "max_queue = 256", to = "max_queue = 255";
  ASSERT_NE(text.find(from), std::string::npos);
  text.replace(text.find(from), from.size(), to);
  auto changed = parse_config(text, "<changed>");
  ASSERT_OK(changed);
  EXPECT_NE(describe(*changed), describe(embedded_default()));
}

}  // namespace
}  // namespace winnow::config
