#pragma once
// The list of persisted segments of one index shard. It is written in the same
// atomic batch as the segment blobs it names (db::commit_index), so a reader
// never sees a manifest naming a blob that is missing or half written.

#include <cstdint>
#include <string>
#include <vector>

namespace winnow::storage {

struct manifest_segment {
  uint64_t id = 0;            // unique within the shard, never reused
  uint32_t doc_count = 0;     // documents in the segment, deleted ones included
  uint32_t deleted_count = 0; // documents marked deleted (a deletes blob exists when > 0)
};

struct index_manifest {
  uint64_t generation = 0;       // incremented by every commit
  uint64_t next_segment_id = 1;
  std::vector<manifest_segment> segments;  // in creation order
};

inline bool operator==(const manifest_segment& a, const manifest_segment& b) {
  return a.id == b.id && a.doc_count == b.doc_count && a.deleted_count == b.deleted_count;
}
inline bool operator==(const index_manifest& a, const index_manifest& b) {
  return a.generation == b.generation && a.next_segment_id == b.next_segment_id &&
         a.segments == b.segments;
}

}  // namespace winnow::storage
