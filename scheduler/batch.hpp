#pragma once
// A batch the scheduler hands out: requests of one class and one length
// bucket, sent to one device. Its cost on a device is `padded_tokens()`:
// every sequence is padded to the longest one.

#include <cstdint>
#include <vector>

#include "scheduler/request.hpp"

namespace winnow::scheduler {

struct batch {
  uint64_t id = 0;                 // unique per batch_former; names the batch in complete()
  class_id cls = 0;
  std::vector<request> requests;   // in arrival order
  uint32_t max_tokens = 0;         // longest request

  uint64_t padded_tokens() const { return uint64_t{max_tokens} * requests.size(); }
  uint64_t real_tokens() const {
    uint64_t n = 0;
    for (const auto& r : requests) n += r.tokens;
    return n;
  }
};

}  // namespace winnow::scheduler
