#pragma once
// Per-document processing state, derived from markers that storage keeps in
// the doc_state column family [DOC_STATE]:
//   accepted   — the document is stored (acknowledged) but neither indexed nor encoded
//   indexed    — a persisted index segment holds it; no vector yet
//   encoded    — its vector is stored; no persisted segment holds it yet
//   searchable — both indexed and encoded
//   deleted    — deleted from storage; the index has not yet persisted the removal
// The markers are separate keys so that the index writer and the encoder can
// record their progress independently, each atomically with its own data,
// without read-modify-write races between them. After a crash the engine
// replays `accepted`/`encoded` documents into the index, `accepted`/`indexed`
// ones into the encoder, and `deleted` ones as removals.

#include <cstdint>

namespace winnow::storage {

enum class doc_state : unsigned char {
  accepted = 0,
  indexed = 1,
  encoded = 2,
  searchable = 3,
  deleted = 4,
};

// Returns "accepted", "indexed", ...
const char* to_string(doc_state s);

}  // namespace winnow::storage
