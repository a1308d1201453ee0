#pragma once
// Ingests a BEIR corpus file through the actor engine (ingest actor: durable
// write → shard → bulk-class encoding → vectors): the path of `winnow ingest`.
//
// Malformed-line policy [INGEST_REJECTS_FILE]: the whole file is rejected.
// validate_corpus_file (app/beir_reader.hpp) reads every line first (JSON,
// required fields, UTF-8, repeated `_id`) without writing anything; if any
// line is bad, ingest fails with invalid_argument listing the bad lines (file
// and line number, the first ones plus the total) and nothing is written. Only
// a clean file is sent, batch by batch: each batch is acknowledged (durable:
// its synced RocksDB write returned) before the next is read, so a crash
// after an acknowledged batch loses nothing (the engine replays into the
// index whatever it had not absorbed when the directory is next opened). At
// the end the call waits up to `searchable_timeout` (0: not at all) until
// every document is searchable (indexed, and encoded when the engine has the
// model). The one gap: a file that changes between the check and the sending
// can fail in the second pass, after earlier batches were stored.

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "actors/engine.hpp"
#include "app/ingest_progress.hpp"
#include "common/status_or.hpp"

namespace winnow::app {

struct engine_ingest_summary {
  uint64_t docs = 0;
  double accept_s = 0;     // until the last batch was durable
  double searchable_s = 0; // until everything was indexed and encoded (when waited for)
};

// Called after every batch the engine acknowledged (durable), then with its ids.
using progress_callback = std::function<void(const ingest_progress&)>;
using ack_callback = std::function<void(const std::vector<std::string>& ids)>;

// REQUIRES: validate_corpus_file(path) (app/beir_reader.hpp) succeeded with
// `docs_total` — run it before the engine is opened, so a bad file costs no
// model load and writes nothing.
status_or<engine_ingest_summary> ingest_corpus(actors::engine& e, const std::string& path,
                                               uint64_t docs_total, size_t batch_docs,
                                               const progress_callback& on_progress,
                                               std::chrono::milliseconds searchable_timeout,
                                               const ack_callback& on_ack = nullptr);

}  // namespace winnow::app
