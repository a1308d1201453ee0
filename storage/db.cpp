// storage::db — open, format version, metadata. Documents, vectors, state and
// index persistence live in db_documents.cpp, db_vectors.cpp, db_state.cpp and
// db_index.cpp (split by concern like RocksDB's db_impl_*.cc).
#include "storage/db.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>

#include <rocksdb/cache.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include "storage/db_impl.hpp"
#include "storage/records.hpp"

namespace winnow::storage {

const char* to_string(doc_state s) {
  switch (s) {
    case doc_state::accepted: return "accepted";
    case doc_state::indexed: return "indexed";
    case doc_state::encoded: return "encoded";
    case doc_state::searchable: return "searchable";
    case doc_state::deleted: return "deleted";
  }
  return "unknown";
}

db::impl::~impl() {
  if (rdb) {
    for (auto* h : handles) rdb->DestroyColumnFamilyHandle(h).PermitUncheckedError();
    rdb->Close().PermitUncheckedError();
  }
}

status from_rocksdb(const rocksdb::Status& s, std::string_view context) {
  if (s.ok()) return {};
  std::string m = std::string(context) + ": " + s.ToString();
  if (s.IsNotFound()) return status::not_found(std::move(m));
  if (s.IsCorruption()) return status::corruption(std::move(m));
  if (s.IsInvalidArgument()) return status::invalid_argument(std::move(m));
  if (s.IsBusy() || s.IsTryAgain()) return status::unavailable(std::move(m));
  return status::io_error(std::move(m));
}

rocksdb::WriteOptions synced_write() {
  rocksdb::WriteOptions w;
  w.sync = true;
  return w;
}

std::string marker_key(std::string_view prefix, std::string_view id) {
  std::string k;
  k.reserve(prefix.size() + id.size());
  k.append(prefix).append(id);
  return k;
}

std::string blob_chunk_key(std::string_view name, uint32_t chunk) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#%08x", chunk);
  return std::string(name) + buf;
}

namespace {

rocksdb::ColumnFamilyOptions docs_cf_options(const db_options& o) {
  // The hot tier: LZ4 and a block cache (architecture.md §4).
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = rocksdb::kLZ4Compression;
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = rocksdb::NewLRUCache(o.block_cache_bytes);
  t.block_size = 16 * 1024;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  return cf;
}

rocksdb::ColumnFamilyOptions cold_cf_options(const db_options& o) {
  // The cold tier: heavy compression, no block cache, optionally another path.
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = rocksdb::kZSTD;
  cf.bottommost_compression = rocksdb::kZSTD;
  rocksdb::BlockBasedTableOptions t;
  t.no_block_cache = true;
  t.block_size = 64 * 1024;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  if (!o.cold_dir.empty()) cf.cf_paths.emplace_back(o.cold_dir, UINT64_MAX);
  return cf;
}

rocksdb::ColumnFamilyOptions segments_cf_options() {
  // Segment bytes are already compressed by the postings codec; large values
  // go to blob files so that compaction does not rewrite them.
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = rocksdb::kNoCompression;
  cf.enable_blob_files = true;
  cf.min_blob_size = 4096;
  return cf;
}

rocksdb::ColumnFamilyOptions vectors_cf_options() {
  rocksdb::ColumnFamilyOptions cf;
  cf.compression = rocksdb::kLZ4Compression;
  return cf;
}

}  // namespace

db::db(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
db::~db() = default;

const std::string& db::path() const { return impl_->dir; }
uint32_t db::format_version() const { return impl_->format_version; }

status_or<std::unique_ptr<db>> db::open(const std::string& dir, const db_options& options) {
  if (dir.empty()) return status::invalid_argument("storage: empty data directory path");
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    if (!options.create_if_missing) {
      return status::not_found("data directory '" + dir + "' does not exist");
    }
    std::filesystem::create_directories(dir, ec);
    if (ec) return status::io_error("cannot create data directory '" + dir + "': " + ec.message());
  }

  rocksdb::DBOptions dbo;
  dbo.create_if_missing = options.create_if_missing;
  dbo.create_missing_column_families = true;
  dbo.max_background_jobs = 2;

  // Open every column family that exists (RocksDB refuses to open a db with
  // some left out) plus ours.
  std::vector<std::string> existing;
  rocksdb::Status ls = rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir, &existing);
  if (!ls.ok()) existing.clear();  // a new directory
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  const std::vector<std::string> ours = {"docs", "vectors", "segments", "meta", "doc_state",
                                         "docs_cold"};
  descs.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  for (const auto& n : ours) {
    rocksdb::ColumnFamilyOptions cf;
    if (n == "docs") cf = docs_cf_options(options);
    if (n == "segments") cf = segments_cf_options();
    if (n == "vectors") cf = vectors_cf_options();
    if (n == "docs_cold") cf = cold_cf_options(options);
    descs.emplace_back(n, cf);
  }
  for (const auto& n : existing) {
    if (n == rocksdb::kDefaultColumnFamilyName ||
        std::find(ours.begin(), ours.end(), n) != ours.end())
      continue;
    descs.emplace_back(n, rocksdb::ColumnFamilyOptions());
  }

  auto i = std::make_unique<impl>();
  i->dir = dir;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(dbo, dir, descs, &i->handles, &raw);
  if (!s.ok()) return from_rocksdb(s, "cannot open data directory '" + dir + "'");
  i->rdb.reset(raw);
  i->docs = i->handles[1];
  i->vectors = i->handles[2];
  i->segments = i->handles[3];
  i->meta = i->handles[4];
  i->state = i->handles[5];
  i->cold = i->handles[6];

  std::string v;
  s = i->rdb->Get(rocksdb::ReadOptions(), i->meta, to_slice(format_version_key), &v);
  if (s.ok()) {
    uint32_t found = 0;
    WINNOW_RETURN_IF_ERROR(decode_u32_record(format_version_key, v, &found).with_context(
        "data directory '" + dir + "'"));
    if (found != options.format_version) {
      return status::failed_precondition(
          "data directory '" + dir + "' has format version " + std::to_string(found) +
          ", but this build reads format version " + std::to_string(options.format_version) +
          "; use a build of the matching version or ingest into a new directory");
    }
  } else if (s.IsNotFound()) {
    s = i->rdb->Put(synced_write(), i->meta, to_slice(format_version_key),
                    encode_u32_record(options.format_version));
    if (!s.ok()) return from_rocksdb(s, "writing format version to '" + dir + "'");
  } else {
    return from_rocksdb(s, "reading format version of '" + dir + "'");
  }
  i->format_version = options.format_version;
  return std::unique_ptr<db>(new db(std::move(i)));
}

status db::put_meta(std::string_view key, std::string_view value) {
  if (key.empty()) return status::invalid_argument("meta key is empty");
  if (key.substr(0, reserved_meta_prefix.size()) == reserved_meta_prefix) {
    return status::invalid_argument("meta key '" + std::string(key) + "' is reserved for storage");
  }
  return from_rocksdb(impl_->rdb->Put(synced_write(), impl_->meta, to_slice(key), to_slice(value)),
                      "writing meta key '" + std::string(key) + "'");
}

status_or<std::optional<std::string>> db::get_meta(std::string_view key) const {
  std::string v;
  rocksdb::Status s = impl_->rdb->Get(rocksdb::ReadOptions(), impl_->meta, to_slice(key), &v);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return from_rocksdb(s, "reading meta key '" + std::string(key) + "'");
  return std::optional<std::string>(std::move(v));
}

}  // namespace winnow::storage
