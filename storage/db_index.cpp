// storage::db — persistence of index segments and manifests.
#include <rocksdb/write_batch.h>

#include "storage/db.hpp"
#include "storage/db_impl.hpp"
#include "storage/records.hpp"

namespace winnow::storage {

status db::commit_index(const index_commit& c) {
  if (c.manifest_key.empty()) return status::invalid_argument("index commit without a manifest key");
  if (c.manifest_key.substr(0, reserved_meta_prefix.size()) == reserved_meta_prefix) {
    return status::invalid_argument("manifest key '" + c.manifest_key + "' is reserved for storage");
  }
  rocksdb::WriteBatch batch;
  // Deletes first: a commit may drop and re-put a blob of the same name.
  for (const auto& name : c.blob_deletes) {
    rocksdb::Status s = batch.DeleteRange(impl_->segments, blob_chunk_key(name, 0),
                                          std::string(name) + "$");
    if (!s.ok()) return from_rocksdb(s, "deleting blob '" + name + "'");
  }
  for (const auto& [name, bytes] : c.blob_puts) {
    if (name.empty() || name.find('#') != std::string::npos) {
      return status::invalid_argument("invalid blob name '" + name + "'");
    }
    // Drop chunks of an earlier blob of that name that this one might not overwrite.
    rocksdb::Status s = batch.DeleteRange(impl_->segments, blob_chunk_key(name, 0), name + "$");
    if (!s.ok()) return from_rocksdb(s, "replacing blob '" + name + "'");
    uint32_t chunk = 0;
    size_t off = 0;
    do {
      size_t n = std::min(blob_chunk_bytes, bytes.size() - off);
      batch.Put(impl_->segments, blob_chunk_key(name, chunk++), rocksdb::Slice(bytes.data() + off, n));
      off += n;
    } while (off < bytes.size());
  }
  batch.Put(impl_->meta, to_slice(c.manifest_key), encode_manifest_record(c.manifest));
  for (const auto& id : c.indexed_ids) {
    batch.Put(impl_->state, marker_key(indexed_marker, id), rocksdb::Slice());
  }
  for (const auto& id : c.absorbed_deletes) {
    batch.Delete(impl_->state, marker_key(deleted_marker, id));
  }
  return from_rocksdb(impl_->rdb->Write(synced_write(), &batch),
                      "committing index '" + c.manifest_key + "' to '" + impl_->dir + "'");
}

status_or<std::optional<index_manifest>> db::load_manifest(std::string_view key) const {
  std::string v;
  rocksdb::Status s = impl_->rdb->Get(rocksdb::ReadOptions(), impl_->meta, to_slice(key), &v);
  if (s.IsNotFound()) return std::optional<index_manifest>();
  if (!s.ok()) return from_rocksdb(s, "reading manifest '" + std::string(key) + "'");
  index_manifest m;
  WINNOW_RETURN_IF_ERROR(decode_manifest_record(key, v, &m));
  return std::optional<index_manifest>(std::move(m));
}

status_or<std::string> db::get_blob(std::string_view name) const {
  std::unique_ptr<rocksdb::Iterator> it(impl_->rdb->NewIterator(rocksdb::ReadOptions(), impl_->segments));
  std::string out;
  uint32_t expected = 0;
  const std::string prefix = std::string(name) + "#";
  for (it->Seek(to_slice(prefix)); it->Valid(); it->Next()) {
    std::string_view k = to_view(it->key());
    if (k.substr(0, prefix.size()) != prefix) break;
    if (k != blob_chunk_key(name, expected)) {
      return status::corruption("blob '" + std::string(name) + "' is missing chunk " +
                                std::to_string(expected));
    }
    ++expected;
    out.append(it->value().data(), it->value().size());
  }
  WINNOW_RETURN_IF_ERROR(from_rocksdb(it->status(), "reading blob '" + std::string(name) + "'"));
  if (expected == 0) return status::not_found("blob '" + std::string(name) + "' not found");
  return out;
}

}  // namespace winnow::storage
