#include "config/load_config.hpp"

#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <utility>

#include <toml++/toml.h>

#include "common/assert.hpp"
#include "config/detail/toml_reader.hpp"
#include "config/simulated_profile.hpp"

namespace winnow::config {
namespace {

using detail::toml_reader;

// The embedded default, printed by `winnow config --print-default` as a
// starting point for a file of one's own. Active lines are what the embedded
// default sets; a commented `# key = value` line shows a key's built-in default
// (tests/config/print_default_test.cpp checks that uncommenting them all gives
// the same configuration, so these lines cannot go stale). The full reference
// of every key is in the README's configuration section; config/*.toml are
// commented examples for a GPU pool, a simulated pool and a cluster.
constexpr std::string_view embedded_toml = R"(# winnow configuration: the embedded default (`winnow config --print-default`).
# One node, the CPU device, two priority classes, HTTP on 127.0.0.1:8080.
# Use it as a start for your own file: winnow serve --config FILE.
# Commented `# key = value` lines show built-in defaults; uncomment to change.

[engine]
# Where documents, vectors and index segments live (RocksDB). --data overrides it.
data_dir = "./winnow-data"
# BM25 shards (documents are spread by hash of their id), 1..1024.
shards = 1
# Class of a query that names none, and class of ingest's encoding work.
default_class = "interactive"
ingest_class = "bulk"
# Actor-system worker threads; 0 = one per core.
# threads = 0
# Documents accepted but not yet encoded, at most; an ingest beyond it is
# refused whole with HTTP 429.
# max_pending_encode = 100000

[index]
# BM25 parameters (chosen on SciFact's training queries) and text analysis.
# k1 = 1.2
# b = 0.75
# stop_words = true
# stemming = true

[model]
# The encoder's files. A relative dir is looked up from the working directory,
# then beside the installed binary (PREFIX/share/winnow/DIR). --model overrides it.
# dir = "models/all-MiniLM-L6-v2"
# precision = "int8"          # int8 | fp32
# max_tokens = 256            # passages are truncated to this many word pieces, 8..512
# min_int8_cosine = 0.99      # start-up self-check: int8 vs fp32 agreement

[ranking]
# Default mode of a query that names none: bm25 | dense | hybrid.
# mode = "hybrid"
# fusion = "score"            # score (alpha * dense + (1 - alpha) * bm25) | rrf
# alpha = 0.6
# rrf_k = 60
# candidates = 100            # BM25 candidates handed to the re-ranker

# Priority classes: 0 is the most urgent. The knobs mean what Triton's dynamic
# batcher means by them, with sizes in tokens.
[[classes]]
name = "interactive"
priority = 0
max_queue_delay_us = 500      # longest the oldest request waits for a fuller batch
max_batch_tokens = 2048
max_queue = 256               # one more queued request is refused at once
timeout_ms = 200              # encoding later than this: the answer is BM25 order (degraded)
preferred_tier = "high"
max_in_flight = 64            # HTTP admission: searches in flight at once, at most (429 beyond)
target_latency_ms = 25        # ...adapting between 2 and max_in_flight to keep answers within this

[[classes]]
name = "bulk"
priority = 10
max_queue_delay_us = 20000
max_batch_tokens = 8192
max_queue = 4096
timeout_ms = 0                # no deadline
preferred_tier = "low"
aging_us = 500000             # minimum share: a starving bulk batch goes first once per 0.5 s
max_batch_ms = 100            # a bulk batch holds its device this long at most
borrow_higher_tier = false    # bulk never runs on the query device

# Devices: "cpu", "cuda:N", or a simulated "sim:a100-80gb" / "sim:rtx4090-24gb".
[[devices]]
name = "cpu"
backend = "cpu"
tier = "high"
cost_per_hour = 0.0           # USD: device seconds are charged to each class
# threads = 0                 # 0 = half the cores under `winnow serve`, all for ingest/eval

# Bulk encoding on its own device on the same cores, at the lowest OS priority, so a
# query's encoding never waits behind a bulk batch (docs/scheduling.md).
[[devices]]
name = "cpu-bulk"
backend = "cpu"
tier = "low"
cost_per_hour = 0.0
os_nice = 19                  # 0..19; threads = 0 on a niced device means every core

[http]
# HOST:PORT; --listen overrides it. Without [[http.api_keys]] only loopback
# clients are served.
listen = "127.0.0.1:8080"
# max_body_bytes = 16777216
)";

void parse_engine(toml_reader& r, engine_section& e) {
  r.read("data_dir", e.data_dir);
  r.read("shards", e.shards, 1, 1024);
  r.read("threads", e.threads, 0, 1024);
  r.read("default_class", e.default_class);
  r.read("ingest_class", e.ingest_class);
  r.read("max_pending_encode", e.max_pending_encode, 1, 1000000000);
  if (r.ok() && e.data_dir.empty()) r.fail_at("data_dir", "must not be empty");
  r.finish();
}

void parse_index(toml_reader& r, index_section& s) {
  r.read("k1", s.k1, 0.0, 100.0);
  r.read("b", s.b, 0.0, 1.0);
  r.read("stop_words", s.stop_words);
  r.read("stemming", s.stemming);
  r.finish();
}

void parse_model(toml_reader& r, model_section& m) {
  r.read("dir", m.dir);
  r.read_enum<precision>("precision", m.precision,
                         {{"int8", precision::int8}, {"fp32", precision::fp32}});
  r.read("max_tokens", m.max_tokens, 8, 512);
  r.read("min_int8_cosine", m.min_int8_cosine, 0.0, 1.0);
  if (r.ok() && m.dir.empty()) r.fail_at("dir", "must not be empty");
  r.finish();
}

void parse_ranking(toml_reader& r, ranking_section& s) {
  r.read_enum<ranking_mode>("mode", s.mode,
                            {{"bm25", ranking_mode::bm25},
                             {"dense", ranking_mode::dense},
                             {"hybrid", ranking_mode::hybrid}});
  r.read_enum<fusion_kind>("fusion", s.fusion,
                           {{"score", fusion_kind::score}, {"rrf", fusion_kind::rrf}});
  r.read("alpha", s.alpha, 0.0, 1.0);
  r.read("rrf_k", s.rrf_k, 1, 100000);
  r.read("candidates", s.candidates, 1, 10000);
  r.finish();
}

const std::vector<std::pair<const char*, device_tier>> tier_choices = {
    {"high", device_tier::high}, {"low", device_tier::low}};

void parse_class(toml_reader& r, class_config& c) {
  r.read("name", c.name, true);
  r.read("priority", c.priority, 0, 1000);
  r.read("max_queue_delay_us", c.max_queue_delay_us, 0, 60'000'000);
  r.read("max_batch_tokens", c.max_batch_tokens, 1, 1u << 24);
  r.read("preferred_batch_tokens", c.preferred_batch_tokens, 0, 1u << 24);
  r.read("max_queue", c.max_queue, 1, 10'000'000);
  r.read("timeout_ms", c.timeout_ms, 0, 86'400'000);
  r.read_enum<timeout_action>("on_timeout", c.on_timeout,
                              {{"reject", timeout_action::reject},
                               {"demote", timeout_action::demote}});
  r.read("demote_to", c.demote_to);
  r.read_enum<device_tier>("preferred_tier", c.preferred_tier, tier_choices);
  r.read("aging_us", c.aging_us, 0, 3'600'000'000ull);
  r.read("borrow_higher_tier", c.borrow_higher_tier);
  r.read("max_batch_ms", c.max_batch_ms, 0, 600'000);
  r.read("max_in_flight", c.max_in_flight, 0, 1'000'000);
  r.read("target_latency_ms", c.target_latency_ms, 0, 3'600'000);
  if (!r.ok()) return;
  if (c.name.empty()) r.fail_at("name", "must not be empty");
  if (c.preferred_batch_tokens > c.max_batch_tokens) {
    r.fail_at("preferred_batch_tokens", "must not exceed max_batch_tokens (" +
                                            std::to_string(c.max_batch_tokens) + ")");
  }
  if (c.on_timeout == timeout_action::demote && c.demote_to.empty()) {
    r.fail_at("on_timeout", "on_timeout = \"demote\" needs demote_to (the class to move to)");
  }
  if (c.on_timeout == timeout_action::demote && c.timeout_ms == 0) {
    r.fail_at("on_timeout", "on_timeout = \"demote\" needs a timeout_ms > 0");
  }
  if (c.preferred_tier == device_tier::high && r.has("borrow_higher_tier")) {
    r.fail_at("borrow_higher_tier",
              "only meaningful with preferred_tier = \"low\" (there is no higher tier to borrow)");
  }
  if (c.target_latency_ms > 0 && c.max_in_flight == 0) {
    r.fail_at("target_latency_ms",
              "needs max_in_flight > 0 (the most the adaptive in-flight limit may grow to)");
  }
  if (c.on_timeout == timeout_action::reject && !c.demote_to.empty()) {
    r.fail_at("demote_to", "demote_to is only meaningful with on_timeout = \"demote\"");
  }
  r.finish();
}

void parse_device(toml_reader& r, device_config& d) {
  r.read("name", d.name, true);
  r.read("backend", d.backend, true);
  r.read_enum<device_tier>("tier", d.tier, tier_choices);
  r.read("cost_per_hour", d.cost_per_hour, 0.0, 1e6);
  r.read("threads", d.threads, 0, 1024);
  bool has_speed = r.has("tokens_per_s");
  r.read("tokens_per_s", d.tokens_per_s, 1.0, 1e12);
  bool has_overhead = r.has("launch_overhead_us");
  r.read("launch_overhead_us", d.launch_overhead_us, 0, 10'000'000);
  r.read("os_nice", d.os_nice, 0, 19);
  if (!r.ok()) return;
  if (d.name.empty()) r.fail_at("name", "must not be empty");
  const std::string& b = d.backend;
  double speed = 0;
  uint64_t overhead = 0;
  if (b == "cpu") {
    d.kind = backend_kind::cpu;
    speed = default_cpu_tokens_per_s;
    overhead = default_cpu_launch_overhead_us;
  } else if (b.rfind("cuda:", 0) == 0) {
    d.kind = backend_kind::cuda;
    std::string digits = b.substr(5);
    bool valid = !digits.empty() && digits.size() <= 3 &&
                 digits.find_first_not_of("0123456789") == std::string::npos;
    if (!valid) {
      r.fail_at("backend", "\"" + b + "\": expected cuda:N with N a device index");
      return;
    }
    d.cuda_index = static_cast<uint32_t>(std::stoul(digits));
    speed = default_cuda_tokens_per_s;
    overhead = default_cuda_launch_overhead_us;
  } else if (b.rfind("sim:", 0) == 0) {
    d.kind = backend_kind::simulated;
    d.sim_profile = b.substr(4);
    const simulated_profile* p = find_simulated_profile(d.sim_profile);
    if (p == nullptr) {
      std::string known;
      for (const auto& n : simulated_profile_names()) known += (known.empty() ? "sim:" : ", sim:") + n;
      r.fail_at("backend", "unknown simulated profile \"" + b + "\" (known: " + known + ")");
      return;
    }
    speed = p->tokens_per_s;
    overhead = p->launch_overhead_us;
  } else {
    r.fail_at("backend", "unknown backend \"" + b +
                             "\" (expected \"cpu\", \"cuda:N\", \"sim:a100-80gb\" or "
                             "\"sim:rtx4090-24gb\")");
    return;
  }
  if (d.kind != backend_kind::cpu && r.has("threads")) {
    r.fail_at("threads", "only the cpu backend takes threads");
  }
  if (d.kind == backend_kind::cuda && r.has("os_nice")) {
    r.fail_at("os_nice", "only CPU-computed devices (cpu, sim:*) take os_nice");
  }
  if (!has_speed) d.tokens_per_s = speed;
  if (!has_overhead) d.launch_overhead_us = overhead;
  r.finish();
}

void parse_http(toml_reader& r, http_section& h) {
  r.read("listen", h.listen);
  r.read("max_body_bytes", h.max_body_bytes, 1024, 1ull << 32);
  if (r.ok()) {
    auto colon = h.listen.rfind(':');
    bool valid = colon != std::string::npos && colon > 0 && colon + 1 < h.listen.size() &&
                 h.listen.size() - colon - 1 <= 5 &&
                 h.listen.find_first_not_of("0123456789", colon + 1) == std::string::npos;
    if (valid) {
      unsigned long port = std::stoul(h.listen.substr(colon + 1));
      valid = port >= 1 && port <= 65535;
    }
    if (!valid) r.fail_at("listen", "\"" + h.listen + "\": expected HOST:PORT with PORT 1..65535");
  }
  std::vector<const toml::table*> keys = r.table_array("api_keys");
  std::map<std::string, uint32_t> seen;  // key → line, to name both places of a duplicate
  for (size_t i = 0; i < keys.size() && r.ok(); ++i) {
    toml_reader kr = r.child(*keys[i], r.path("api_keys") + "[" + std::to_string(i) + "]");
    api_key_config k;
    std::vector<std::string> roles;
    kr.read("key", k.key, true);
    kr.read("roles", roles, true);
    if (!kr.ok()) return;
    // The key itself is a secret: messages never quote it.
    if (k.key.size() < 16) kr.fail_at("key", "API keys must be at least 16 characters");
    if (roles.empty()) kr.fail_at("roles", "must list at least one of \"read\", \"write\", \"admin\"");
    for (const auto& name : roles) {
      if (name == "read") k.roles.push_back(api_role::read);
      else if (name == "write") k.roles.push_back(api_role::write);
      else if (name == "admin") k.roles.push_back(api_role::admin);
      else kr.fail_at("roles", "unknown role \"" + name + "\" (expected \"read\", \"write\", \"admin\")");
    }
    auto [it, inserted] = seen.emplace(k.key, kr.line_of("key"));
    if (!inserted) {
      kr.fail_at("key", "the same API key is listed twice (first at line " +
                            std::to_string(it->second) + ")");
    }
    kr.finish();
    h.api_keys.push_back(std::move(k));
  }
  r.finish();
}

void parse_cluster(toml_reader& r, cluster_config& c, uint32_t shards) {
  r.read("heartbeat_interval_ms", c.heartbeat_interval_ms, 1, 3'600'000);
  r.read("connection_timeout_ms", c.connection_timeout_ms, 1, 3'600'000);
  const toml::table* tls = nullptr;
  if (r.sub_table("tls", &tls)) {
    toml_reader tr = r.child(*tls, r.path("tls"));
    tr.read("cert", c.tls.cert);
    tr.read("key", c.tls.key);
    tr.read("passphrase", c.tls.passphrase);
    tr.read("cafile", c.tls.cafile);
    if (tr.ok() && (!c.tls.cert.empty() || !c.tls.key.empty() || !c.tls.cafile.empty())) {
      // CAF 0.17's OpenSSL module only does mutual TLS: all three are needed.
      if (c.tls.cert.empty()) tr.fail_table("TLS needs cert, key and cafile; cert is missing");
      if (c.tls.key.empty()) tr.fail_table("TLS needs cert, key and cafile; key is missing");
      if (c.tls.cafile.empty()) tr.fail_table("TLS needs cert, key and cafile; cafile is missing");
    }
    tr.finish();
  }
  if (r.ok() && c.connection_timeout_ms <= c.heartbeat_interval_ms) {
    r.fail_at("connection_timeout_ms", "must be larger than heartbeat_interval_ms (" +
                                           std::to_string(c.heartbeat_interval_ms) + ")");
  }
  std::vector<const toml::table*> nodes = r.table_array("nodes");
  std::map<std::string, uint32_t> names;
  std::map<uint32_t, std::pair<std::string, uint32_t>> owner;  // shard → (node, line)
  for (size_t i = 0; i < nodes.size() && r.ok(); ++i) {
    toml_reader nr = r.child(*nodes[i], r.path("nodes") + "[" + std::to_string(i) + "]");
    node_config n;
    std::vector<std::string> roles;
    nr.read("name", n.name, true);
    nr.read("host", n.host, true);
    nr.read("port", n.port, 1, 65535, true);
    nr.read("roles", roles, true);
    nr.read("shard_ids", n.shard_ids, 0, 1u << 20);
    if (!nr.ok()) return;
    if (n.name.empty()) nr.fail_at("name", "must not be empty");
    if (n.host.empty()) nr.fail_at("host", "must not be empty");
    if (roles.empty()) nr.fail_at("roles", "must list at least one of \"frontend\", \"shard\", \"gpu\"");
    for (const auto& role : roles) {
      if (role == "frontend") n.roles.push_back(node_role::frontend);
      else if (role == "shard") n.roles.push_back(node_role::shard);
      else if (role == "gpu") n.roles.push_back(node_role::gpu);
      else nr.fail_at("roles", "unknown role \"" + role + "\" (expected \"frontend\", \"shard\", \"gpu\")");
    }
    auto [it, inserted] = names.emplace(n.name, nr.line_of("name"));
    if (!inserted) {
      nr.fail_at("name", "duplicate node name \"" + n.name + "\" (first defined at line " +
                             std::to_string(it->second) + ")");
    }
    if (n.has_role(node_role::shard) && n.shard_ids.empty()) {
      nr.fail_at("roles", "a node with the \"shard\" role needs shard_ids");
    }
    if (!n.has_role(node_role::shard) && !n.shard_ids.empty()) {
      nr.fail_at("shard_ids", "shard_ids given but the node has no \"shard\" role");
    }
    for (uint32_t id : n.shard_ids) {
      if (!nr.ok()) break;
      if (id >= shards) {
        nr.fail_at("shard_ids", "shard " + std::to_string(id) + " does not exist ([engine] shards = " +
                                    std::to_string(shards) + ", ids are 0.." +
                                    std::to_string(shards - 1) + ")");
        break;
      }
      auto [o, fresh] = owner.emplace(id, std::make_pair(n.name, nr.line_of("shard_ids")));
      if (!fresh) {
        nr.fail_at("shard_ids", "shard " + std::to_string(id) + " is owned twice: by \"" +
                                    o->second.first + "\" (line " +
                                    std::to_string(o->second.second) + ") and by \"" + n.name + "\"");
      }
    }
    nr.finish();
    c.nodes.push_back(std::move(n));
  }
  if (r.ok() && !c.nodes.empty()) {
    for (uint32_t id = 0; id < shards; ++id) {
      if (owner.count(id) == 0) {
        r.fail_at("nodes", "shard " + std::to_string(id) + " is owned by no node");
        break;
      }
    }
    auto count = [&](node_role role) {
      size_t k = 0;
      for (const auto& n : c.nodes) k += n.has_role(role) ? 1 : 0;
      return k;
    };
    if (count(node_role::frontend) == 0) r.fail_at("nodes", "no node has the \"frontend\" role");
    if (count(node_role::gpu) == 0) r.fail_at("nodes", "no node has the \"gpu\" role");
  }
  r.finish();
}

// Parses sections that are present; absent ones keep their defaults.
status parse_root(const toml::table& root, const std::string& file, engine_config& cfg) {
  status error;
  toml_reader r(root, file, "", &error);
  const toml::table* t = nullptr;
  // [engine] first: other sections refer to its values.
  if (r.sub_table("engine", &t)) {
    toml_reader s = r.child(*t, "engine");
    parse_engine(s, cfg.engine);
  }
  if (r.sub_table("index", &t)) {
    toml_reader s = r.child(*t, "index");
    parse_index(s, cfg.index);
  }
  if (r.sub_table("model", &t)) {
    toml_reader s = r.child(*t, "model");
    parse_model(s, cfg.model);
  }
  if (r.sub_table("ranking", &t)) {
    toml_reader s = r.child(*t, "ranking");
    parse_ranking(s, cfg.ranking);
  }
  if (r.sub_table("http", &t)) {
    toml_reader s = r.child(*t, "http");
    parse_http(s, cfg.http);
  }
  if (r.sub_table("cluster", &t)) {
    toml_reader s = r.child(*t, "cluster");
    parse_cluster(s, cfg.cluster, cfg.engine.shards);
  }

  // Classes: readers stay alive until the cross-checks so that those errors
  // point at the offending class's own lines.
  std::vector<const toml::table*> class_tables = r.table_array("classes");
  std::vector<toml_reader> class_readers;
  std::map<std::string, size_t> class_index;
  for (size_t i = 0; i < class_tables.size() && r.ok(); ++i) {
    class_readers.push_back(r.child(*class_tables[i], "classes[" + std::to_string(i) + "]"));
    class_config c;
    parse_class(class_readers.back(), c);
    if (!r.ok()) break;
    auto [it, inserted] = class_index.emplace(c.name, i);
    if (!inserted) {
      class_readers.back().fail_at(
          "name", "duplicate class name \"" + c.name + "\" (first defined at line " +
                      std::to_string(class_readers[it->second].line_of("name")) + ")");
    }
    cfg.classes.push_back(std::move(c));
  }
  for (size_t i = 0; i < cfg.classes.size() && r.ok(); ++i) {
    const class_config& c = cfg.classes[i];
    if (c.demote_to.empty()) continue;
    auto it = class_index.find(c.demote_to);
    if (it == class_index.end()) {
      class_readers[i].fail_at("demote_to", "unknown class \"" + c.demote_to + "\"");
    } else if (cfg.classes[it->second].priority <= c.priority) {
      // Demotion must go strictly down, or two classes could bounce a request forever.
      class_readers[i].fail_at("demote_to", "class \"" + c.demote_to + "\" (priority " +
                                                std::to_string(cfg.classes[it->second].priority) +
                                                ") is not less urgent than \"" + c.name +
                                                "\" (priority " + std::to_string(c.priority) + ")");
    }
  }

  std::vector<const toml::table*> device_tables = r.table_array("devices");
  std::map<std::string, uint32_t> device_lines;
  for (size_t i = 0; i < device_tables.size() && r.ok(); ++i) {
    toml_reader dr = r.child(*device_tables[i], "devices[" + std::to_string(i) + "]");
    device_config d;
    parse_device(dr, d);
    if (!r.ok()) break;
    auto [it, inserted] = device_lines.emplace(d.name, dr.line_of("name"));
    if (!inserted) {
      dr.fail_at("name", "duplicate device name \"" + d.name + "\" (first defined at line " +
                             std::to_string(it->second) + ")");
    }
    cfg.devices.push_back(std::move(d));
  }
  if (!r.ok()) return error;
  r.finish();
  return error;
}

status_or<engine_config> parse_text(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, std::string_view{file});
  } catch (const toml::parse_error& e) {
    return status::invalid_argument(file + ":" + std::to_string(e.source().begin.line) +
                                    ": TOML syntax error: " + std::string(e.description()));
  }
  engine_config cfg;
  cfg.source = file;
  WINNOW_RETURN_IF_ERROR(parse_root(root, file, cfg));

  // Sections the file leaves out come from the embedded default.
  if (cfg.classes.empty() || cfg.devices.empty()) {
    toml::table def = toml::parse(embedded_toml, std::string_view{"<embedded default>"});
    engine_config d;
    status s = parse_root(def, "<embedded default>", d);
    WINNOW_ASSERT(s.ok(), s.to_string().c_str());
    if (cfg.classes.empty()) cfg.classes = d.classes;
    if (cfg.devices.empty()) cfg.devices = d.devices;
  }

  // Cross-section references, reported at the key that makes them.
  status error;
  toml_reader r(root, file, "", &error);
  const toml::table* engine = nullptr;
  if (root.contains("engine") && root["engine"].as_table() != nullptr) {
    engine = root["engine"].as_table();
  }
  auto fail_engine = [&](const char* key, const std::string& reason) {
    if (engine != nullptr) {
      toml_reader(*engine, file, "engine", &error).fail_at(key, reason);
    } else {
      r.fail_table("engine." + std::string(key) + ": " + reason);
    }
  };
  for (const char* key : {"default_class", "ingest_class"}) {
    const std::string& name =
        std::string(key) == "default_class" ? cfg.engine.default_class : cfg.engine.ingest_class;
    if (cfg.find_class(name) == nullptr && error.ok()) {
      std::string known;
      for (const auto& c : cfg.classes) known += (known.empty() ? "" : ", ") + c.name;
      fail_engine(key, "names class \"" + name + "\", which is not defined (classes: " + known + ")");
    }
  }
  WINNOW_RETURN_IF_ERROR(error);
  return cfg;
}

}  // namespace

status_or<engine_config> parse_config(std::string_view text, const std::string& source_name) {
  try {
    return parse_text(text, source_name);
  } catch (const std::exception& e) {
    // toml++ or the standard library threw something unexpected: still a status.
    return status::invalid_argument(source_name + ": " + e.what());
  }
}

status_or<engine_config> load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return status::not_found(path + ": cannot open configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return status::io_error(path + ": read failed");
  return parse_config(text.str(), path);
}

engine_config embedded_default() {
  status_or<engine_config> cfg = parse_config(embedded_toml, "<embedded default>");
  WINNOW_ASSERT(cfg.ok(), cfg.get_status().to_string().c_str());
  return std::move(cfg).value();
}

std::string_view embedded_default_toml() { return embedded_toml; }

}  // namespace winnow::config
