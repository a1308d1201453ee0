#pragma once
// direct_engine — the BM25-only engine used until the actor engine is wired:
// an engine_api over one storage::db and one index::search_index shard, with a
// small worker pool and one bounded FIFO queue per priority class. No model,
// no devices: `hybrid` answers in BM25 order marked degraded, `dense` is
// unsupported.
//
// Admission: a call whose class queue is full is refused at once with
// resource_exhausted (→ 429); a search that waited longer than its budget
// before a worker took it answers deadline_exceeded (→ 504). Workers take the
// most urgent non-empty class first (classes listed most urgent first).
//
// Ingest: documents are written to storage (durable, WAL-synced), added to the
// index and flushed in the same call, so a successful ingest answers
// `searchable`. When indexing fails after the write, the documents answer
// `accepted` (durable; the index replays them at the next open).
//
// Thread-safety: all engine_api calls may be made concurrently.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/status_or.hpp"
#include "http/engine_api.hpp"

namespace winnow::storage { class db; }
namespace winnow::index { class search_index; }

namespace winnow::http {

class metrics;

struct direct_engine_options {
  std::string data_dir = "winnow-data";
  unsigned worker_threads = 2;
  // Most urgent first; searches and reads may name any of them.
  std::vector<std::string> classes = {"interactive", "batch", "bulk"};
  // Per-class queue bound (calls waiting for a worker); default_max_queue
  // for classes not listed.
  std::map<std::string, uint32_t> max_queue;
  uint32_t default_max_queue = 1024;
  // Class used for get_document (a read) and delete_document (a write).
  std::string read_class = "interactive";
  std::string write_class = "bulk";
  uint32_t snippet_bytes = 240;
};

class direct_engine final : public engine_api {
 public:
  // Opens (creating when missing) the data directory and the index shard 0,
  // replaying documents the index had not absorbed. `m` (may be null) receives
  // queue depth/wait, rejections and documents_searchable; it must outlive the
  // engine.
  static status_or<std::unique_ptr<direct_engine>> open(direct_engine_options options,
                                                        metrics* m);
  ~direct_engine() override;  // shutdown()
  direct_engine(const direct_engine&) = delete;
  direct_engine& operator=(const direct_engine&) = delete;

  // Stops the workers after the calls they are running; calls still queued
  // complete with cancelled (→ 503). Then flushes the index. Idempotent; no
  // call may be made afterwards.
  void shutdown();

  void search(search_request request, completion<search_response> done) override;
  void ingest(ingest_request request, completion<std::vector<document_result>> done) override;
  void get_document(std::string id, completion<document> done) override;
  void delete_document(std::string id, std::function<void(status)> done) override;
  readiness get_readiness() const override;

 private:
  struct job {
    std::function<void()> run;        // does the work and completes the call
    std::function<void(status)> fail; // completes the call with an error instead
    int64_t enqueued_ns = 0;
    int64_t deadline_ns = 0;          // 0 = none
    std::string class_name;
  };

  direct_engine(direct_engine_options options, metrics* m);
  // Queues `j`, or fails it at once (resource_exhausted / unavailable).
  void submit(job j);
  void worker_loop();

  search_response run_search(const search_request& r, status* error);
  std::vector<document_result> run_ingest(const ingest_request& r);
  std::string make_snippet(const std::string& text, const std::string& query) const;

  direct_engine_options opts_;
  metrics* metrics_;
  std::unique_ptr<storage::db> db_;
  std::unique_ptr<index::search_index> index_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::deque<job>> queues_;  // by class
  bool stopping_ = false;
  bool stopped_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace winnow::http
