#include "config/engine_config.hpp"

#include <algorithm>

namespace winnow::config {

const char* to_string(precision p) { return p == precision::int8 ? "int8" : "fp32"; }

const char* to_string(ranking_mode m) {
  switch (m) {
    case ranking_mode::bm25: return "bm25";
    case ranking_mode::dense: return "dense";
    case ranking_mode::hybrid: return "hybrid";
  }
  return "?";
}

const char* to_string(fusion_kind f) { return f == fusion_kind::score ? "score" : "rrf"; }
const char* to_string(timeout_action a) { return a == timeout_action::reject ? "reject" : "demote"; }
const char* to_string(device_tier t) { return t == device_tier::high ? "high" : "low"; }

const char* to_string(backend_kind k) {
  switch (k) {
    case backend_kind::cpu: return "cpu";
    case backend_kind::cuda: return "cuda";
    case backend_kind::simulated: return "sim";
  }
  return "?";
}

const char* to_string(api_role r) {
  switch (r) {
    case api_role::read: return "read";
    case api_role::write: return "write";
    case api_role::admin: return "admin";
  }
  return "?";
}

const char* to_string(node_role r) {
  switch (r) {
    case node_role::frontend: return "frontend";
    case node_role::shard: return "shard";
    case node_role::gpu: return "gpu";
  }
  return "?";
}

bool node_config::has_role(node_role r) const {
  return std::find(roles.begin(), roles.end(), r) != roles.end();
}

const node_config* cluster_config::find_node(const std::string& name) const {
  for (const auto& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

const class_config* engine_config::find_class(const std::string& name) const {
  for (const auto& c : classes) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

const device_config* engine_config::find_device(const std::string& name) const {
  for (const auto& d : devices) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

status_or<const node_config*> engine_config::node(const std::string& name) const {
  if (const node_config* n = cluster.find_node(name)) return n;
  std::string known;
  for (const auto& n : cluster.nodes) known += (known.empty() ? "" : ", ") + n.name;
  if (known.empty()) known = "none: the file has no [[cluster.nodes]]";
  return status::not_found(source + ": unknown node '" + name + "' (known nodes: " + known + ")");
}

}  // namespace winnow::config
