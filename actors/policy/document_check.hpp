#pragma once
// Per-document admission for ingest: a document that storage or the index
// would refuse is rejected on its own (with a message naming the id, the
// field and the byte offset), so one bad document does not fail its whole
// batch and nothing half-applied is ever stored: an accepted document is one
// the index and the encoder can always take. Plain function, no CAF.

#include <string>

#include "common/status.hpp"
#include "storage/document.hpp"

namespace winnow::actors::policy {

inline constexpr size_t max_id_bytes = 1024;  // storage's limit

// ok, or invalid_argument: empty id, id longer than max_id_bytes, or invalid
// UTF-8 in id, title or text.
status check_document(const storage::document& d);

}  // namespace winnow::actors::policy
