#pragma once
// Which shard owns a document: FNV-1a (64 bit) of the id modulo the shard
// count. A fixed hash, not std::hash, so that the owner of an id is the same
// in every build and after every restart (crash replay relies on it).

#include <cstdint>
#include <string_view>

namespace winnow::actors::policy {

inline uint64_t fnv1a_64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

// REQUIRES: shards >= 1.
inline uint32_t shard_of(std::string_view id, uint32_t shards) {
  return static_cast<uint32_t>(fnv1a_64(id) % shards);
}

}  // namespace winnow::actors::policy
