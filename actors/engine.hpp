#pragma once
// winnow::actors::engine — the actor engine behind `winnow serve`, `winnow
// ingest`, `winnow search` and `winnow eval`. Builds the actor system from an
// engine_config (config::embedded_default() when there is no file), opens
// storage and one search_index per shard over one shared storage::db, loads
// the model onto every configured device, spawns ingest, coarse_rankers,
// gpu_batcher (+ one detached device worker per device), reranker and
// query_router, and replays what a crash left (ingest recover) before open()
// returns.
//
// Two ways in:
//   * blocking calls for the CLI and tests (a scoped_actor request with a
//     finite timeout; never call them from inside an actor);
//   * *_async calls for server threads: each spawns a tiny event-based actor
//     that makes the request and calls `done` exactly once, on an actor
//     thread (caf-0.17.md §3 pattern 1); they never block the caller.
//
// No CAF in this header (pimpl). Thread-safety: all methods may be called
// concurrently. Destruction stops every actor, waits for them, then closes
// the indexes and the db.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/engine_types.hpp"
#include "common/status.hpp"
#include "common/status_or.hpp"
#include "config/engine_config.hpp"
#include "storage/document.hpp"

namespace winnow::actors {

class engine_extension;  // actors/engine_extension.hpp

struct engine_options {
  std::string data_dir;                         // "" = [engine] data_dir
  std::string model_dir;                        // "" = [model] dir
  std::optional<config::precision> precision;   // unset = [model] precision
  // false: no model and no devices: bm25 queries only, documents are indexed
  // but never encoded (they stay `indexed`, and are encoded on a later start
  // with the model).
  bool load_model = true;
  // false: a missing data directory is not_found (search / eval never create one).
  bool create_if_missing = true;
  // CAF scheduler: false = one shared queue (the default; best on machines
  // with few, busy cores), true = CAF's work-stealing workers.
  bool work_stealing = false;
  // What `threads = 0` means for a CPU device: this many threads; 0 = every
  // core. A server sets it lower (see app/cmd_serve.cpp) so that HTTP, BM25
  // and re-ranking keep cores while queries are encoded; offline ingest and
  // eval use every core.
  uint32_t auto_cpu_threads = 0;
  // [CLUSTER] Rewires the engine's actors (a cluster node); null = one process.
  std::shared_ptr<engine_extension> extension;
};

template <class T>
using engine_callback = std::function<void(status_or<T>)>;

class engine {
 public:
  engine(const engine&) = delete;
  engine& operator=(const engine&) = delete;
  ~engine();

  // Errors: the data directory (not_found, format version), a bad index or
  // ranking option, the model files (named), a device that cannot be opened.
  static status_or<std::unique_ptr<engine>> open(config::engine_config cfg,
                                                 const engine_options& options = {});

  // ---- blocking (CLI, tests) ------------------------------------------------------
  // Durable when it returns: one ack per document ("accepted" / "rejected").
  status_or<ingest_ack> ingest(std::vector<storage::document> docs);
  // Waits until every document accepted so far is indexed and (with a model)
  // encoded; deadline_exceeded with the pending counts after `timeout`.
  status wait_until_searchable(std::chrono::milliseconds timeout);
  status_or<search_result> search(search_query query);
  status_or<storage::document> get_document(const std::string& id);
  status_or<std::string> document_state(const std::string& id);
  status remove(std::vector<std::string> ids);
  status_or<engine_stats> stats();
  // Encodes texts in a priority class (the gpu_batcher's queues): one unit
  // vector per text. unsupported without a model; resource_exhausted when the
  // class's queue is full; deadline_exceeded past the class's timeout.
  status_or<std::vector<std::vector<float>>> encode(std::string class_name,
                                                    std::vector<std::string> texts);
  // Fault injection (tests, drills): the named device's next batch fails.
  void inject_device_fault(const std::string& device);

  // ---- asynchronous (HTTP) -----------------------------------------------------------
  void search_async(search_query query, engine_callback<search_result> done);
  void ingest_async(std::vector<storage::document> docs, engine_callback<ingest_ack> done);
  void get_document_async(std::string id, engine_callback<storage::document> done);
  void remove_async(std::vector<std::string> ids, std::function<void(status)> done);
  void encode_async(std::string class_name, std::vector<std::string> texts,
                    engine_callback<std::vector<std::vector<float>>> done);

  const config::engine_config& config() const;
  bool has_model() const;
  // Documents replayed by the start-up recovery.
  uint64_t recovered() const;

  struct impl;

 private:
  explicit engine(std::unique_ptr<impl> p);
  std::unique_ptr<impl> impl_;
};

}  // namespace winnow::actors
