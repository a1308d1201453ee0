// config/load_config: the example files load, and every kind of wrong file is
// refused with a message naming the file, the line, the key and the reason.

#include "config/load_config.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tests/support/test_support.hpp"

namespace winnow::config {
namespace {

using ::winnow::testing::source_path;
using ::winnow::testing::temp_dir;

// Writes `text` to a file in `dir` and loads it through load_config.
status_or<engine_config> load_text(const temp_dir& dir, const std::string& text,
                                   std::string* path_out = nullptr) {
  std::string path = dir.str() + "/engine.toml";
  std::ofstream(path) << text;
  if (path_out) *path_out = path;
  return load_config(path);
}

// Expects an invalid_argument naming `path:line`, the key and the reason.
void expect_error(const status_or<engine_config>& r, const std::string& path, int line,
                  const std::string& key, const std::string& reason) {
  ASSERT_FALSE(r.ok()) << "expected an error for key " << key;
  const std::string& m = r.get_status().message();
  EXPECT_EQ(r.get_status().code(), status_code::invalid_argument) << m;
  EXPECT_NE(m.find(path + ":" + std::to_string(line) + ":"), std::string::npos) << m;
  EXPECT_NE(m.find(key), std::string::npos) << m;
  EXPECT_NE(m.find(reason), std::string::npos) << m;
}

TEST(config, every_example_file_loads) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(source_path("config"))) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    auto cfg = load_config(entry.path().string());
    EXPECT_OK(cfg) << entry.path();
    if (cfg.ok()) {
      EXPECT_FALSE(cfg->classes.empty());
      EXPECT_FALSE(cfg->devices.empty());
      EXPECT_NE(cfg->find_class(cfg->engine.default_class), nullptr);
      EXPECT_NE(cfg->find_class(cfg->engine.ingest_class), nullptr);
    }
  }
  EXPECT_GE(files, 4);
}

TEST(config, embedded_default_is_one_cpu_node) {
  engine_config cfg = embedded_default();
  EXPECT_EQ(cfg.engine.data_dir, "./winnow-data");
  EXPECT_EQ(cfg.http.listen, "127.0.0.1:8080");
  // Two CPU devices (issue 17): "cpu" (high tier, normal priority) encodes the
  // queries; "cpu-bulk" (low tier, os_nice 19) encodes ingest on every core it
  // is left, and bulk never borrows "cpu", so a query never waits behind a
  // bulk batch.
  ASSERT_EQ(cfg.devices.size(), 2u);
  EXPECT_EQ(cfg.devices[0].kind, backend_kind::cpu);
  EXPECT_EQ(cfg.devices[0].tier, device_tier::high);
  EXPECT_EQ(cfg.devices[0].os_nice, 0u);
  EXPECT_EQ(cfg.devices[1].kind, backend_kind::cpu);
  EXPECT_EQ(cfg.devices[1].tier, device_tier::low);
  EXPECT_EQ(cfg.devices[1].os_nice, 19u);
  ASSERT_NE(cfg.find_class("interactive"), nullptr);
  ASSERT_NE(cfg.find_class("bulk"), nullptr);
  EXPECT_LT(cfg.find_class("interactive")->priority, cfg.find_class("bulk")->priority);
  EXPECT_GT(cfg.find_class("bulk")->aging_us, 0u);
  EXPECT_FALSE(cfg.find_class("bulk")->borrow_higher_tier);
  // Bulk batches: bounded in time, as large as that allows (not one passage).
  EXPECT_EQ(cfg.find_class("bulk")->max_batch_ms, 100u);
  EXPECT_GE(cfg.find_class("bulk")->max_batch_tokens, 4096u);
  // Searches are admitted against an adaptive in-flight bound; bulk has none
  // of its own (it is shed while interactive refuses).
  EXPECT_EQ(cfg.find_class("interactive")->max_in_flight, 64u);
  EXPECT_EQ(cfg.find_class("interactive")->target_latency_ms, 25u);
  EXPECT_EQ(cfg.find_class("bulk")->max_in_flight, 0u);
  EXPECT_EQ(cfg.ranking.candidates, 100u);
  EXPECT_TRUE(cfg.cluster.nodes.empty());
}

TEST(config, a100_example_values) {
  auto cfg = load_config(source_path("config/a100-plus-two-4090.toml"));
  ASSERT_OK(cfg);
  ASSERT_EQ(cfg->devices.size(), 3u);
  EXPECT_EQ(cfg->devices[0].kind, backend_kind::cuda);
  EXPECT_EQ(cfg->devices[2].cuda_index, 2u);
  EXPECT_EQ(cfg->devices[1].tier, device_tier::low);
  EXPECT_DOUBLE_EQ(cfg->devices[0].cost_per_hour, 3.67);
  const class_config* interactive = cfg->find_class("interactive");
  ASSERT_NE(interactive, nullptr);
  EXPECT_EQ(interactive->on_timeout, timeout_action::demote);
  EXPECT_EQ(interactive->demote_to, "batch");
  EXPECT_EQ(interactive->max_queue_delay_us, 300u);
  EXPECT_EQ(cfg->ranking.fusion, fusion_kind::rrf);
  ASSERT_EQ(cfg->http.api_keys.size(), 2u);
  EXPECT_EQ(cfg->http.api_keys[1].roles.size(), 3u);
}

TEST(config, simulated_pool_takes_profile_timing) {
  auto cfg = load_config(source_path("config/simulated-pool.toml"));
  ASSERT_OK(cfg);
  const device_config* a100 = cfg->find_device("sim-a100");
  const device_config* r4090 = cfg->find_device("sim-4090-a");
  ASSERT_NE(a100, nullptr);
  ASSERT_NE(r4090, nullptr);
  EXPECT_EQ(a100->kind, backend_kind::simulated);
  EXPECT_EQ(a100->sim_profile, "a100-80gb");
  EXPECT_GT(a100->tokens_per_s, r4090->tokens_per_s);
  EXPECT_GT(r4090->launch_overhead_us, 0u);
}

TEST(config, cluster_example_and_node_lookup) {
  std::string path = source_path("config/cluster-3-nodes.toml");
  auto cfg = load_config(path);
  ASSERT_OK(cfg);
  ASSERT_EQ(cfg->cluster.nodes.size(), 3u);
  auto a = cfg->node("shard-a");
  ASSERT_OK(a);
  EXPECT_TRUE((*a)->has_role(node_role::gpu));
  EXPECT_EQ((*a)->shard_ids, (std::vector<uint32_t>{0, 1}));
  auto missing = cfg->node("shard-z");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.get_status().code(), status_code::not_found);
  EXPECT_NE(missing.get_status().message().find(path), std::string::npos);
  EXPECT_NE(missing.get_status().message().find("'shard-z'"), std::string::npos);
  EXPECT_NE(missing.get_status().message().find("front, shard-a, shard-b"), std::string::npos);
}

TEST(config, sections_left_out_come_from_the_default) {
  temp_dir dir;
  auto cfg = load_text(dir, "[engine]\nshards = 3\n");
  ASSERT_OK(cfg);
  EXPECT_EQ(cfg->engine.shards, 3u);
  EXPECT_EQ(cfg->classes.size(), 2u);
  EXPECT_EQ(cfg->devices.size(), 2u);
  EXPECT_DOUBLE_EQ(cfg->index.k1, 1.2);
}

TEST(config, missing_file_is_not_found) {
  auto cfg = load_config("/nonexistent/winnow.toml");
  ASSERT_FALSE(cfg.ok());
  EXPECT_EQ(cfg.get_status().code(), status_code::not_found);
  EXPECT_NE(cfg.get_status().message().find("/nonexistent/winnow.toml"), std::string::npos);
}

TEST(config, syntax_error_names_line) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[engine]\nshards = 2\nthreads = = 3\n", &path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.get_status().message().find(path + ":3:"), std::string::npos)
      << r.get_status().message();
  EXPECT_NE(r.get_status().message().find("syntax"), std::string::npos);
}

TEST(config, unknown_top_level_key) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[engine]\nshards = 2\n\n[engnie]\nx = 1\n", &path);
  expect_error(r, path, 4, "'engnie'", "unknown key");
}

TEST(config, unknown_key_in_a_section) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[index]\nk1 = 1.0\nstemmer = true\n", &path);
  expect_error(r, path, 3, "'index.stemmer'", "unknown key");
}

TEST(config, unknown_key_in_a_class) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir,
                     "[[classes]]\nname = \"interactive\"\n\n[[classes]]\nname = \"bulk\"\n"
                     "max_que = 5\n",
                     &path);
  expect_error(r, path, 6, "'classes[1].max_que'", "unknown key");
}

TEST(config, unknown_key_in_a_nested_table) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir,
                     "[http]\nlisten = \"127.0.0.1:9\"\n[[http.api_keys]]\n"
                     "key = \"0123456789abcdef0\"\nroles = [\"read\"]\nrole = \"x\"\n",
                     &path);
  expect_error(r, path, 6, "'http.api_keys[0].role'", "unknown key");
}

TEST(config, wrong_type) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[engine]\nshards = \"four\"\n", &path);
  expect_error(r, path, 2, "'engine.shards'", "expected an integer, got string");
  r = load_text(dir, "[index]\nstemming = 1\n", &path);
  expect_error(r, path, 2, "'index.stemming'", "expected a boolean");
  r = load_text(dir, "[[cluster.nodes]]\nname = \"a\"\nhost = \"h\"\nport = 1\nroles = [\"shard\", 2]\n",
                &path);
  expect_error(r, path, 5, "'cluster.nodes[0].roles'", "element 1: expected a string, got integer");
}

TEST(config, out_of_range_value) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[ranking]\nalpha = 1.5\n", &path);
  expect_error(r, path, 2, "'ranking.alpha'", "out of range");
  r = load_text(dir, "[[classes]]\nname = \"interactive\"\nmax_queue = 0\n", &path);
  expect_error(r, path, 3, "'classes[0].max_queue'", "out of range");
  r = load_text(dir, "[engine]\nmax_pending_encode = 0\n", &path);
  expect_error(r, path, 2, "'engine.max_pending_encode'", "out of range");
}

TEST(config, unknown_enum_value) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[model]\nprecision = \"int4\"\n", &path);
  expect_error(r, path, 2, "'model.precision'", "unknown value \"int4\" (expected \"int8\", \"fp32\")");
  r = load_text(dir, "[[classes]]\nname = \"interactive\"\non_timeout = \"drop\"\n", &path);
  expect_error(r, path, 3, "'classes[0].on_timeout'", "unknown value \"drop\"");
}

TEST(config, bad_backend) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[[devices]]\nname = \"x\"\nbackend = \"sim:h100\"\n", &path);
  expect_error(r, path, 3, "'devices[0].backend'", "unknown simulated profile \"sim:h100\"");
  r = load_text(dir, "[[devices]]\nname = \"x\"\nbackend = \"cuda:one\"\n", &path);
  expect_error(r, path, 3, "'devices[0].backend'", "expected cuda:N");
  r = load_text(dir, "[[devices]]\nname = \"x\"\nbackend = \"tpu\"\n", &path);
  expect_error(r, path, 3, "'devices[0].backend'", "unknown backend \"tpu\"");
}

TEST(config, missing_required_key) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[[devices]]\nname = \"gpu\"\ntier = \"high\"\n", &path);
  expect_error(r, path, 1, "devices[0]", "missing required key 'backend'");
}

TEST(config, duplicate_class) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir,
                     "[[classes]]\nname = \"interactive\"\n[[classes]]\nname = \"bulk\"\n"
                     "[[classes]]\nname = \"interactive\"\n",
                     &path);
  expect_error(r, path, 6, "'classes[2].name'",
               "duplicate class name \"interactive\" (first defined at line 2)");
}

TEST(config, duplicate_device) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir,
                     "[[devices]]\nname = \"g\"\nbackend = \"cpu\"\n[[devices]]\nname = \"g\"\n"
                     "backend = \"cuda:0\"\n",
                     &path);
  expect_error(r, path, 5, "'devices[1].name'", "duplicate device name \"g\"");
}

TEST(config, demote_needs_a_known_less_urgent_class) {
  temp_dir dir;
  std::string path;
  std::string base = "[[classes]]\nname = \"bulk\"\npriority = 10\n[[classes]]\nname = \"interactive\"\n"
                     "timeout_ms = 10\non_timeout = \"demote\"\n";
  auto r = load_text(dir, base, &path);
  expect_error(r, path, 7, "'classes[1].on_timeout'", "needs demote_to");
  r = load_text(dir, base + "demote_to = \"batch\"\n", &path);
  expect_error(r, path, 8, "'classes[1].demote_to'", "unknown class \"batch\"");
  r = load_text(dir, base + "priority = 20\ndemote_to = \"bulk\"\n", &path);
  expect_error(r, path, 9, "'classes[1].demote_to'", "is not less urgent");
  r = load_text(dir, base + "demote_to = \"bulk\"\n", &path);
  EXPECT_OK(r);
}

TEST(config, default_class_must_exist) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[engine]\ndefault_class = \"fast\"\n", &path);
  expect_error(r, path, 2, "'engine.default_class'", "names class \"fast\", which is not defined");
}

TEST(config, preferred_larger_than_max) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir,
                     "[[classes]]\nname = \"interactive\"\nmax_batch_tokens = 100\n"
                     "preferred_batch_tokens = 200\n[[classes]]\nname = \"bulk\"\n",
                     &path);
  expect_error(r, path, 4, "'classes[0].preferred_batch_tokens'", "must not exceed max_batch_tokens");
}

TEST(config, bad_listen_and_short_api_key) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[http]\nlisten = \"localhost\"\n", &path);
  expect_error(r, path, 2, "'http.listen'", "expected HOST:PORT");
  r = load_text(dir, "[http]\n[[http.api_keys]]\nkey = \"short\"\nroles = [\"read\"]\n", &path);
  expect_error(r, path, 3, "'http.api_keys[0].key'", "at least 16 characters");
  EXPECT_EQ(r.get_status().message().find("\"short\""), std::string::npos) << "key leaked";
}

const char* cluster_head =
    "[engine]\nshards = 3\n"                                                       // 1-2
    "[cluster]\n"                                                                  // 3
    "[[cluster.nodes]]\nname = \"f\"\nhost = \"h\"\nport = 1\nroles = [\"frontend\", \"gpu\"]\n"  // 4-8
    "[[cluster.nodes]]\nname = \"s1\"\nhost = \"h\"\nport = 2\nroles = [\"shard\"]\n"  // 9-13
    "shard_ids = [0, 1]\n";                                                        // 14

TEST(config, cluster_valid_when_every_shard_has_one_owner) {
  temp_dir dir;
  auto r = load_text(dir, std::string(cluster_head) +
                              "[[cluster.nodes]]\nname = \"s2\"\nhost = \"h\"\nport = 3\n"
                              "roles = [\"shard\"]\nshard_ids = [2]\n");
  ASSERT_OK(r);
  EXPECT_EQ(r->cluster.nodes.size(), 3u);
}

TEST(config, cluster_shard_owned_twice) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir,
                     std::string(cluster_head) +
                         "[[cluster.nodes]]\nname = \"s2\"\nhost = \"h\"\nport = 3\n"
                         "roles = [\"shard\"]\nshard_ids = [1, 2]\n",
                     &path);
  expect_error(r, path, 20, "'cluster.nodes[2].shard_ids'",
               "shard 1 is owned twice: by \"s1\" (line 14) and by \"s2\"");
}

TEST(config, cluster_shard_owned_by_nobody) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, cluster_head, &path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.get_status().message().find(path + ":"), std::string::npos);
  EXPECT_NE(r.get_status().message().find("'cluster.nodes'"), std::string::npos);
  EXPECT_NE(r.get_status().message().find("shard 2 is owned by no node"), std::string::npos)
      << r.get_status().message();
}

TEST(config, cluster_duplicate_node_and_unknown_shard) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir,
                     std::string(cluster_head) +
                         "[[cluster.nodes]]\nname = \"s1\"\nhost = \"h\"\nport = 3\n"
                         "roles = [\"shard\"]\nshard_ids = [2]\n",
                     &path);
  expect_error(r, path, 16, "'cluster.nodes[2].name'", "duplicate node name \"s1\"");
  r = load_text(dir,
                std::string(cluster_head) +
                    "[[cluster.nodes]]\nname = \"s2\"\nhost = \"h\"\nport = 3\n"
                    "roles = [\"shard\"]\nshard_ids = [2, 7]\n",
                &path);
  expect_error(r, path, 20, "'cluster.nodes[2].shard_ids'", "shard 7 does not exist");
}

TEST(config, cluster_tls_needs_all_three_files) {
  temp_dir dir;
  std::string path;
  auto r = load_text(dir, "[cluster.tls]\ncert = \"a.pem\"\nkey = \"a.key\"\n", &path);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.get_status().message().find(path + ":1:"), std::string::npos)
      << r.get_status().message();
  EXPECT_NE(r.get_status().message().find("cafile is missing"), std::string::npos);
}

TEST(config, isolation_knobs_parse) {
  temp_dir dir;
  auto r = load_text(dir,
                     "[[classes]]\nname = \"interactive\"\n"
                     "[[classes]]\nname = \"bulk\"\npriority = 10\npreferred_tier = \"low\"\n"
                     "borrow_higher_tier = false\nmax_batch_ms = 25\n"
                     "[[devices]]\nname = \"fast\"\nbackend = \"cpu\"\n"
                     "[[devices]]\nname = \"slow\"\nbackend = \"cpu\"\ntier = \"low\"\nos_nice = 10\n");
  ASSERT_OK(r);
  const class_config* bulk = r->find_class("bulk");
  ASSERT_NE(bulk, nullptr);
  EXPECT_FALSE(bulk->borrow_higher_tier);
  EXPECT_EQ(bulk->max_batch_ms, 25u);
  const class_config* interactive = r->find_class("interactive");
  ASSERT_NE(interactive, nullptr);
  // Defaults: today's behaviour (borrowing allowed, no time bound).
  EXPECT_TRUE(interactive->borrow_higher_tier);
  EXPECT_EQ(interactive->max_batch_ms, 0u);
  EXPECT_EQ(r->find_device("slow")->os_nice, 10u);
  EXPECT_EQ(r->find_device("fast")->os_nice, 0u);
}

TEST(config, admission_knobs_parse_and_need_each_other) {
  temp_dir dir;
  std::string path;
  const std::string classes =
      "[[classes]]\nname = \"bulk\"\npriority = 10\n[[classes]]\nname = \"interactive\"\n";
  auto r = load_text(dir, classes + "max_in_flight = 12\ntarget_latency_ms = 40\n");
  ASSERT_OK(r);
  EXPECT_EQ(r->find_class("interactive")->max_in_flight, 12u);
  EXPECT_EQ(r->find_class("interactive")->target_latency_ms, 40u);
  EXPECT_EQ(r->find_class("bulk")->max_in_flight, 0u);
  r = load_text(dir, classes + "target_latency_ms = 40\n", &path);
  expect_error(r, path, 6, "'classes[1].target_latency_ms'", "needs max_in_flight > 0");
  r = load_text(dir, classes + "max_in_flight = -3\n", &path);
  expect_error(r, path, 6, "'classes[1].max_in_flight'", "out of range");
}

TEST(config, isolation_knobs_bad_values) {
  temp_dir dir;
  std::string path;
  const std::string classes =
      "[[classes]]\nname = \"interactive\"\n[[classes]]\nname = \"bulk\"\npriority = 10\n";
  auto r = load_text(dir, classes + "preferred_tier = \"low\"\nborrow_higher_tier = \"no\"\n", &path);
  expect_error(r, path, 7, "'classes[1].borrow_higher_tier'", "expected a boolean");
  r = load_text(dir, classes + "borrow_higher_tier = false\n", &path);
  expect_error(r, path, 6, "'classes[1].borrow_higher_tier'",
               "only meaningful with preferred_tier = \"low\"");
  r = load_text(dir, classes + "max_batch_ms = 700000\n", &path);
  expect_error(r, path, 6, "'classes[1].max_batch_ms'", "out of range");
  r = load_text(dir, classes + "max_batch_ms = -1\n", &path);
  expect_error(r, path, 6, "'classes[1].max_batch_ms'", "out of range");
  r = load_text(dir, "[[devices]]\nname = \"x\"\nbackend = \"cpu\"\nos_nice = 20\n", &path);
  expect_error(r, path, 4, "'devices[0].os_nice'", "out of range");
  r = load_text(dir, "[[devices]]\nname = \"x\"\nbackend = \"cpu\"\nos_nice = -5\n", &path);
  expect_error(r, path, 4, "'devices[0].os_nice'", "out of range");
  r = load_text(dir, "[[devices]]\nname = \"x\"\nbackend = \"cuda:0\"\nos_nice = 5\n", &path);
  expect_error(r, path, 4, "'devices[0].os_nice'", "only CPU-computed devices");
}

}  // namespace
}  // namespace winnow::config
