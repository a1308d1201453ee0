#pragma once
// cluster_node — one process of a winnow cluster (`winnow serve --config FILE
// --node NAME`). Every node reads the same TOML file; [cluster] lists the
// nodes with host, port, roles and shard ids, and this node's role decides
// what it runs (architecture.md §5):
//
//   frontend  HTTP, query_router, reranker, ingest and the document/vector
//             store; a shard_slot per shard id and a gpu_dispatcher stand in
//             for the remote actors; a node_watcher connects to and watches
//             every shard and gpu node; an ingest_gate refuses documents of
//             unreachable shards.
//   shard     a coarse_ranker + its own storage for each of its shard ids
//             (writes through a shard_store).
//   gpu       a gpu_batcher over the [[devices]] of the file, on this node.
//
// Every node publishes one agent (node_agent_actor) at its configured port:
// with [cluster.tls], through CAF's OpenSSL module on all interfaces (mutual
// TLS, files checked first, see tls_check.hpp); without it, plain BASP bound
// to 127.0.0.1 only (said on the log). The middleman's heartbeat and
// connection timeout come from [cluster] heartbeat_interval_ms /
// connection_timeout_ms.
//
// No CAF in this header: app/ builds a plan and hands its extension to
// actors::engine (engine_options::extension).

#include <cstdio>
#include <memory>
#include <string>

#include "actors/engine.hpp"
#include "common/status_or.hpp"
#include "config/engine_config.hpp"

namespace winnow::actors::cluster {

struct node_plan {
  std::string name;
  bool frontend = false;
  bool shard = false;
  bool gpu = false;
  bool tls = false;
  std::string data_dir;       // this node's data directory
  std::string listen;         // HOST:PORT the node's agent is published on
  std::string notice;         // what to tell the operator at start (e.g. loopback only)
  std::shared_ptr<engine_extension> extension;

  // Sets this node's data dir, whether it loads the model (gpu role) and the
  // extension in `o`; other options are left as they are.
  void apply(engine_options* o) const;
  // One line: "node shard-a (shard: 0,1) on 127.0.0.1:9101, no TLS".
  std::string describe() const;
};

// Checks that `node` is one of [cluster] nodes (not_found listing them), that
// the TLS files work (tls_check.hpp), and builds the plan. `data_override`
// (serve --data) wins; otherwise the data directory is [engine] data_dir/NAME,
// so that nodes sharing a file and a machine never share a RocksDB. `log`
// receives the node's connection log lines (stderr when null).
status_or<node_plan> plan_node(const config::engine_config& cfg, const std::string& node,
                               const std::string& data_override, std::FILE* log = nullptr);

}  // namespace winnow::actors::cluster
