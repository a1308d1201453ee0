#pragma once
// encode_backlog — the ingest actor's flow control toward the gpu_batcher.
// Documents waiting for their passage vectors queue here; at most
// `max_in_flight` of them are with the batcher at any time, in chunks of at
// most `chunk` documents, so an ingest of any size never overflows the bulk
// class's max_queue (which would only turn into rejections and retries).
// A chunk that failed (queue full, device trouble) goes back to the front.
//
// Plain class, no CAF, not thread-safe (one actor owns it).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace winnow::actors::policy {

class encode_backlog {
 public:
  // REQUIRES: chunk >= 1, max_in_flight >= chunk.
  encode_backlog(size_t chunk, size_t max_in_flight) : chunk_(chunk), max_in_flight_(max_in_flight) {}

  // Queues ids to encode (duplicates of queued or in-flight ids are dropped).
  void push(const std::vector<std::string>& ids);

  // The next chunk to send, or empty when nothing is queued or the in-flight
  // limit is reached. The chunk counts as in flight until done() or failed().
  std::vector<std::string> next_chunk();

  void done(const std::vector<std::string>& ids);
  // Back to the front of the queue, in order; counted in retries().
  void failed(const std::vector<std::string>& ids);

  size_t queued() const { return queue_.size(); }
  size_t in_flight() const { return in_flight_; }
  // Queued + in flight: documents not yet encoded.
  size_t pending() const { return queue_.size() + in_flight_; }
  uint64_t retries() const { return retries_; }

 private:
  size_t chunk_;
  size_t max_in_flight_;
  std::deque<std::string> queue_;
  std::vector<std::string> in_flight_ids_;
  size_t in_flight_ = 0;
  uint64_t retries_ = 0;
};

}  // namespace winnow::actors::policy
