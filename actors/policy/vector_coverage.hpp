#pragma once
// vector_coverage — how much of the corpus a dense or hybrid search can score
// by vector: live documents that have a passage vector (encoded) out of all
// live documents (total). While `winnow serve` encodes a catalogue ingested
// without vectors (scripts/run), answers carry these counts so that the caller
// (and the search page: "encoding 12,345 of 100,000") knows the dense stage
// covered only part of the corpus.
//
// Written by the ingest actor as documents are stored, encoded and deleted;
// read by any thread answering a search. Two relaxed atomic counters: a
// reader may see one update before the other (a count off by a chunk for an
// instant), never a torn value. No CAF.

#include <atomic>
#include <cstdint>
#include <optional>

#include "storage/doc_state.hpp"

namespace winnow::actors::policy {

class vector_coverage {
 public:
  struct counts {
    uint64_t encoded = 0;
    uint64_t total = 0;
  };

  // Whether a document in state `s` has a passage vector.
  static bool has_vector(storage::doc_state s);

  // Starts from counts taken from storage (ingest's recovery at start).
  void reset(counts c);
  // A document was written; `before`: its state before (nullopt = absent).
  // A new document adds to total; a replaced one loses its vector (its new
  // text is encoded again).
  void stored(std::optional<storage::doc_state> before);
  // `n` documents got their vectors.
  void encoded(uint64_t n);
  // A document was deleted; `before` as for stored().
  void deleted(std::optional<storage::doc_state> before);

  counts get() const;

 private:
  // Signed so that a racing decrement never wraps; get() clamps at 0.
  std::atomic<int64_t> encoded_{0};
  std::atomic<int64_t> total_{0};
};

}  // namespace winnow::actors::policy
