#pragma once

#include <cstdint>
#include <string>

namespace winnow::storage {

// The on-disk format this build reads and writes. Bump it whenever a record
// layout changes; a directory of another version is refused at open.
inline constexpr uint32_t current_format_version = 1;

struct db_options {
  bool create_if_missing = true;
  // Block cache for the docs column family (the hot tier), in bytes.
  uint64_t block_cache_bytes = 64ull << 20;
  // Where the cold tier's files go (another disk, say); empty = the data directory.
  std::string cold_dir;
  // The format version this process expects. Only tests and migration tools
  // set it to anything but current_format_version.
  uint32_t format_version = current_format_version;
};

}  // namespace winnow::storage
