#pragma once
// Internal: the hidden side of storage::db (as DBImpl is for rocksdb::DB).
// Only storage/*.cpp include this header.

#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include <rocksdb/db.h>
#include <rocksdb/slice.h>
#include <rocksdb/status.h>

#include "common/status.hpp"
#include "storage/db.hpp"

namespace winnow::storage {

// Marker prefixes in the doc_state column family [DOC_STATE].
inline constexpr std::string_view indexed_marker = "i/";
inline constexpr std::string_view encoded_marker = "e/";
inline constexpr std::string_view deleted_marker = "d/";
// Meta keys reserved for storage itself.
inline constexpr std::string_view reserved_meta_prefix = "winnow.";
inline constexpr std::string_view format_version_key = "winnow.format_version";
// Blobs are cut into chunks of this size so that no RocksDB value grows huge.
inline constexpr size_t blob_chunk_bytes = 16u << 20;

struct db::impl {
  std::string dir;
  uint32_t format_version = 0;
  std::unique_ptr<rocksdb::DB> rdb;
  rocksdb::ColumnFamilyHandle* docs = nullptr;  // hot tier
  rocksdb::ColumnFamilyHandle* cold = nullptr;  // cold tier (docs_cold)
  // Tier moves read a record and rewrite it elsewhere; a concurrent put of the
  // same id in between would be lost. Writers of documents hold this shared,
  // tier moves hold it exclusively.
  std::shared_mutex tier_mu;
  rocksdb::ColumnFamilyHandle* vectors = nullptr;
  rocksdb::ColumnFamilyHandle* segments = nullptr;
  rocksdb::ColumnFamilyHandle* meta = nullptr;
  rocksdb::ColumnFamilyHandle* state = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;  // all opened, for cleanup

  ~impl();
};

// rocksdb::Status → winnow::status, message prefixed with `context`.
status from_rocksdb(const rocksdb::Status& s, std::string_view context);

inline rocksdb::Slice to_slice(std::string_view v) { return rocksdb::Slice(v.data(), v.size()); }
inline std::string_view to_view(const rocksdb::Slice& s) { return std::string_view(s.data(), s.size()); }

// Synced write options: a call returns only once its batch is in the WAL on disk.
rocksdb::WriteOptions synced_write();

std::string marker_key(std::string_view prefix, std::string_view id);
std::string blob_chunk_key(std::string_view name, uint32_t chunk);

}  // namespace winnow::storage
