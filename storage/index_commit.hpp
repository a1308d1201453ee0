#pragma once
// One atomic change of an index shard's persisted state (db::commit_index):
// new and dropped blobs (segments, deletes bitmaps), the new manifest, and the
// document markers that the change settles. Either all of it is durable or
// none of it is.

#include <string>
#include <utility>
#include <vector>

#include "storage/index_manifest.hpp"

namespace winnow::storage {

struct index_commit {
  std::string manifest_key;   // meta key of the shard's manifest
  index_manifest manifest;
  // Blobs in the segments column family. A blob of any size is stored in
  // chunks; `blob_deletes` removes every chunk of the named blobs.
  std::vector<std::pair<std::string, std::string>> blob_puts;
  std::vector<std::string> blob_deletes;
  // Documents now held by a persisted segment: their `indexed` marker is set.
  std::vector<std::string> indexed_ids;
  // Deleted documents whose removal is now persisted: their `deleted` marker
  // is cleared.
  std::vector<std::string> absorbed_deletes;
};

}  // namespace winnow::storage
