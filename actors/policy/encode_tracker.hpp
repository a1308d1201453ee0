#pragma once
// encode_tracker — the gpu_batcher's bookkeeping between callers and the
// scheduler. A caller's encode request of N texts becomes one group and N
// scheduler requests (one per text, so the batch former can bucket them by
// length); the group is answered when its last text has a vector, or failed
// as a whole as soon as one of its texts is rejected.
//
// Plain class, no CAF, not thread-safe (the batcher actor owns it).

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "model/tokenizer.hpp"

namespace winnow::actors::policy {

using group_id = uint64_t;

class encode_tracker {
 public:
  // A new group of texts (already tokenized). Returns the group id and one
  // scheduler request id per text, in order.
  std::pair<group_id, std::vector<uint64_t>> add_group(std::vector<model::token_ids> texts);

  // The token ids of a live request; nullptr when its group is gone.
  const model::token_ids* tokens(uint64_t request) const;

  // Stores a request's vector. Returns the group's vectors (in text order)
  // when this was its last missing one; the group is then removed.
  std::optional<std::pair<group_id, std::vector<std::vector<float>>>> complete(
      uint64_t request, std::vector<float> vector);

  // Drops `request`; returns its group when that group was still alive (it is
  // removed now and the caller fails it), nullopt when it had failed before.
  std::optional<group_id> fail(uint64_t request);

  size_t live_groups() const { return groups_.size(); }

 private:
  struct group {
    std::vector<std::vector<float>> vectors;
    size_t missing = 0;
  };
  struct slot {
    group_id g = 0;
    size_t index = 0;
    model::token_ids tokens;
  };
  uint64_t next_group_ = 1;
  uint64_t next_request_ = 1;
  std::unordered_map<group_id, group> groups_;
  std::unordered_map<uint64_t, slot> slots_;
};

}  // namespace winnow::actors::policy
