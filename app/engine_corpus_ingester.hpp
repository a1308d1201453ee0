#pragma once
// Ingests a BEIR corpus file through the actor engine (ingest actor: durable
// write → shard → bulk-class encoding → vectors), keeping the whole-file
// policy [INGEST_REJECTS_FILE] of corpus_ingester.hpp: validate_corpus_file
// checks every line first and nothing is written unless the file is clean. Each batch is
// acknowledged (durable) before the next is read; at the end the call waits
// up to `searchable_timeout` (0: not at all) until every document is
// searchable (indexed, and encoded when the engine has the model).

#include <chrono>
#include <string>

#include "actors/engine.hpp"
#include "app/corpus_ingester.hpp"
#include "common/status_or.hpp"

namespace winnow::app {

struct engine_ingest_summary {
  uint64_t docs = 0;
  double accept_s = 0;     // until the last batch was durable
  double searchable_s = 0; // until everything was indexed and encoded (when waited for)
};

// REQUIRES: validate_corpus_file(path) (app/beir_reader.hpp) succeeded with
// `docs_total` — run it before the engine is opened, so a bad file costs no
// model load and writes nothing.
status_or<engine_ingest_summary> ingest_corpus(actors::engine& e, const std::string& path,
                                               uint64_t docs_total, size_t batch_docs,
                                               const corpus_ingester::progress_callback& on_progress,
                                               std::chrono::milliseconds searchable_timeout);

}  // namespace winnow::app
