#pragma once
// The engine's configuration as typed, validated values. Produced by
// load_config() / embedded_default() (config/load_config.hpp); every value here
// has already passed validation, so consumers need not re-check ranges or
// cross-references (a class's demote_to names an existing class, every shard id
// has exactly one owner, ...). Plain data: copyable, no third-party types.

#include <cstdint>
#include <string>
#include <vector>

#include "common/status_or.hpp"

namespace winnow::config {

enum class precision { int8, fp32 };
enum class ranking_mode { bm25, dense, hybrid };
enum class fusion_kind { score, rrf };         // normalized-score fusion or reciprocal rank fusion
enum class timeout_action { reject, demote };  // what happens to a request past its timeout
enum class device_tier { high = 0, low = 1 };  // high = the expensive, fast card (A100 class)
enum class backend_kind { cpu, cuda, simulated };
enum class api_role { read, write, admin };
enum class node_role { frontend, shard, gpu };

const char* to_string(precision p);
const char* to_string(ranking_mode m);
const char* to_string(fusion_kind f);
const char* to_string(timeout_action a);
const char* to_string(device_tier t);
const char* to_string(backend_kind k);
const char* to_string(api_role r);
const char* to_string(node_role r);

// [engine]
struct engine_section {
  std::string data_dir = "./winnow-data";
  uint32_t shards = 1;                       // 1..1024
  uint32_t threads = 0;                      // actor-system worker threads; 0 = hardware concurrency
  std::string default_class = "interactive"; // class of a query that names none
  std::string ingest_class = "bulk";         // class of ingest encoding work
  // Documents accepted but not yet encoded, at most; an ingest that would go
  // beyond it is refused whole (HTTP 429) instead of queueing without bound.
  uint64_t max_pending_encode = 100000;      // 1..10^9
};

// [index]
struct index_section {
  double k1 = 1.2;          // BM25 term-frequency saturation, >= 0
  double b = 0.75;          // BM25 length normalization, 0..1
  bool stop_words = true;   // drop English stop words
  bool stemming = true;     // Snowball English stemmer
};

// [model]
struct model_section {
  std::string dir = "models/all-MiniLM-L6-v2";
  config::precision precision = config::precision::int8;
  uint32_t max_tokens = 256;        // passages are truncated to this many word pieces, 8..512
  double min_int8_cosine = 0.99;    // start-up self-check: int8 vs fp32 embedding agreement, 0..1
};

// [ranking]
struct ranking_section {
  ranking_mode mode = ranking_mode::hybrid;  // default mode of a query that names none
  fusion_kind fusion = fusion_kind::score;
  double alpha = 0.6;          // score fusion: alpha * dense + (1 - alpha) * bm25, 0..1 (tuned on SciFact train)
  uint32_t rrf_k = 60;         // reciprocal rank fusion constant, >= 1
  uint32_t candidates = 100;   // BM25 candidates handed to the reranker, 1..10000
};

// [[classes]] — one priority class. The knobs mean what Triton's dynamic
// batcher means by them (max_queue_delay_microseconds, preferred batch size,
// max queue size, default timeout + timeout action), with sizes in tokens.
struct class_config {
  std::string name;
  uint32_t priority = 0;             // 0 is the most urgent; larger values are less urgent
  uint64_t max_queue_delay_us = 0;   // longest the oldest request waits for a fuller batch
  uint32_t max_batch_tokens = 8192;  // padded tokens (requests × longest request) per batch
  uint32_t preferred_batch_tokens = 0;  // send as soon as a batch holds this many; 0 = max_batch_tokens
  uint32_t max_queue = 1024;         // queued requests; one more is rejected at once
  uint64_t timeout_ms = 0;           // request deadline after enqueue; 0 = none
  timeout_action on_timeout = timeout_action::reject;
  std::string demote_to;             // REQUIRED iff on_timeout == demote: a less urgent class
  device_tier preferred_tier = device_tier::high;
  // Anti-starvation as a minimum share (scheduler/batch_former.hpp, rule 3):
  // once the oldest request has waited aging_us and the class has had no
  // batch started for aging_us, its next batch goes ahead of more urgent
  // classes, once; then it waits its turn again. It never outranks urgent
  // work otherwise. 0 = no aging (a less urgent class may starve).
  uint64_t aging_us = 0;
  // May a class preferring the low tier run on an idle high-tier device when
  // its own tier is busy? true keeps the high tier busy with bulk work, at the
  // price that an urgent request arriving meanwhile waits for that batch to end
  // (a batch is never preempted). false keeps the high tier free for urgent
  // work. Without any usable low-tier device the class still runs on the high
  // tier (there is nowhere else), whatever this says. Ignored for high classes.
  bool borrow_higher_tier = true;
  // Upper bound on one batch's expected run time, in ms: the batch's token
  // budget is min(max_batch_tokens, max_batch_ms × the measured tokens/s of the
  // slowest device the class may be placed on). Bounds how long a batch holds
  // a device, hence how long urgent work can wait behind it. A single request
  // longer than the bound still runs, alone. 0 = no bound.
  uint32_t max_batch_ms = 0;
  // Admission at the HTTP server (http/class_admission.hpp): searches and
  // ingests of this class in flight at once, at most; one more is refused at
  // once with 429 + Retry-After, and while this class refuses, every less
  // urgent class is refused too. 0 = no bound of its own.
  uint32_t max_in_flight = 0;
  // With max_in_flight: the bound adapts between 2 and max_in_flight to keep
  // answers within this latency (it shrinks by 20% when more than 10% of a
  // window of 40 answers take longer, grows by one while the bound is reached and they
  // do not). Set it below the class's p99 objective. 0 = fixed bound.
  uint32_t target_latency_ms = 0;
};

// [[devices]]
struct device_config {
  std::string name;                 // unique
  std::string backend;              // as written: "cpu", "cuda:0", "sim:a100-80gb"
  backend_kind kind = backend_kind::cpu;
  uint32_t cuda_index = 0;          // kind == cuda
  std::string sim_profile;          // kind == simulated: "a100-80gb" | "rtx4090-24gb"
  device_tier tier = device_tier::high;
  double cost_per_hour = 0.0;       // USD, >= 0
  uint32_t threads = 0;             // CPU backend threads; 0 = half the cores under `winnow serve`
                                    // (the rest serve HTTP, BM25, re-ranking), all cores offline
                                    // and for a device with os_nice > 0 (it yields them)
  // Timing model used before the first measurement (and always, for simulated
  // devices): tokens per second and fixed launch overhead per batch.
  double tokens_per_s = 0.0;        // > 0 after validation
  uint64_t launch_overhead_us = 0;
  // OS scheduling priority (Linux per-thread nice, 0..19) of the threads that
  // compute this device's batches (the worker thread and its OpenMP team), so
  // that a low-tier CPU device yields the cores to interactive work sharing
  // them. 0 = unchanged. Only lowers priority (raising needs privileges).
  uint32_t os_nice = 0;
};

struct api_key_config {
  std::string key;
  std::vector<api_role> roles;
};

// [http]
struct http_section {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT
  uint64_t max_body_bytes = 16u << 20;
  std::vector<api_key_config> api_keys;   // empty: loopback only
};

struct tls_config {
  std::string cert;        // PEM paths; all empty = no TLS
  std::string key;
  std::string passphrase;
  std::string cafile;
  bool enabled() const { return !cert.empty(); }
};

struct node_config {
  std::string name;
  std::string host;
  uint16_t port = 0;
  std::vector<node_role> roles;
  std::vector<uint32_t> shard_ids;  // non-empty iff roles has shard

  bool has_role(node_role r) const;
};

// [cluster]
struct cluster_config {
  uint64_t heartbeat_interval_ms = 1000;
  uint64_t connection_timeout_ms = 5000;
  tls_config tls;
  std::vector<node_config> nodes;  // empty: single-node engine

  // The node called `name`, or nullptr. Pointer valid while this object lives unchanged.
  const node_config* find_node(const std::string& name) const;
};

struct engine_config {
  std::string source;  // file path, or "<embedded default>"
  engine_section engine;
  index_section index;
  model_section model;
  ranking_section ranking;
  std::vector<class_config> classes;   // never empty after validation
  std::vector<device_config> devices;  // never empty after validation
  http_section http;
  cluster_config cluster;

  // Lookups; nullptr when absent. Pointers valid while this object lives unchanged.
  const class_config* find_class(const std::string& name) const;
  const device_config* find_device(const std::string& name) const;

  // The cluster node called `name`, or not_found naming the file and the known
  // nodes (for `winnow serve --node NAME`). Pointer valid as above.
  status_or<const node_config*> node(const std::string& name) const;
};

}  // namespace winnow::config
