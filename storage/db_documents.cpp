// storage::db — documents.
#include <mutex>
#include <shared_mutex>

#include <rocksdb/write_batch.h>

#include "storage/db.hpp"
#include "storage/db_impl.hpp"
#include "storage/records.hpp"

namespace winnow::storage {

namespace {
constexpr size_t max_id_bytes = 1024;
}  // namespace

status db::put_documents(const std::vector<document>& docs) {
  if (docs.empty()) return {};
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < docs.size(); ++i) {
    const auto& d = docs[i];
    if (d.id.empty()) {
      return status::invalid_argument("document " + std::to_string(i) + " of the batch has an empty id");
    }
    if (d.id.size() > max_id_bytes) {
      return status::invalid_argument("document " + std::to_string(i) + " of the batch has an id of " +
                                      std::to_string(d.id.size()) + " bytes (at most " +
                                      std::to_string(max_id_bytes) + ")");
    }
    batch.Put(impl_->docs, to_slice(d.id), encode_document_record(d));  // new versions are hot
    batch.Delete(impl_->cold, to_slice(d.id));
    // A new version is neither indexed nor encoded yet.
    batch.Delete(impl_->state, marker_key(indexed_marker, d.id));
    batch.Delete(impl_->state, marker_key(encoded_marker, d.id));
    batch.Delete(impl_->state, marker_key(deleted_marker, d.id));
  }
  std::shared_lock<std::shared_mutex> lock(impl_->tier_mu);
  return from_rocksdb(impl_->rdb->Write(synced_write(), &batch),
                      "writing " + std::to_string(docs.size()) + " documents to '" + impl_->dir + "'");
}

status_or<document> db::get_document(std::string_view id) const {
  std::string v;
  rocksdb::Status s = impl_->rdb->Get(rocksdb::ReadOptions(), impl_->docs, to_slice(id), &v);
  if (s.IsNotFound()) s = impl_->rdb->Get(rocksdb::ReadOptions(), impl_->cold, to_slice(id), &v);
  if (s.IsNotFound()) return status::not_found("document '" + std::string(id) + "' not found");
  if (!s.ok()) return from_rocksdb(s, "reading document '" + std::string(id) + "'");
  document d;
  WINNOW_RETURN_IF_ERROR(decode_document_record(id, v, &d));
  return d;
}

status db::delete_documents(const std::vector<std::string>& ids) {
  if (ids.empty()) return {};
  rocksdb::WriteBatch batch;
  for (const auto& id : ids) {
    if (id.empty()) return status::invalid_argument("delete_documents: empty document id");
    batch.Delete(impl_->docs, to_slice(id));
    batch.Delete(impl_->cold, to_slice(id));
    batch.Delete(impl_->vectors, to_slice(id));
    batch.Delete(impl_->state, marker_key(indexed_marker, id));
    batch.Delete(impl_->state, marker_key(encoded_marker, id));
    batch.Put(impl_->state, marker_key(deleted_marker, id), rocksdb::Slice());
  }
  std::shared_lock<std::shared_mutex> lock(impl_->tier_mu);
  return from_rocksdb(impl_->rdb->Write(synced_write(), &batch),
                      "deleting " + std::to_string(ids.size()) + " documents from '" + impl_->dir + "'");
}

status db::for_each_document(const std::function<bool(const document&)>& fn) const {
  // Both tiers, merged by id (an id is in at most one of them).
  std::unique_ptr<rocksdb::Iterator> hot(impl_->rdb->NewIterator(rocksdb::ReadOptions(), impl_->docs));
  std::unique_ptr<rocksdb::Iterator> cold(impl_->rdb->NewIterator(rocksdb::ReadOptions(), impl_->cold));
  hot->SeekToFirst();
  cold->SeekToFirst();
  document d;
  while (hot->Valid() || cold->Valid()) {
    rocksdb::Iterator* it = !cold->Valid() ? hot.get()
                            : !hot->Valid() ? cold.get()
                            : (hot->key().compare(cold->key()) <= 0 ? hot.get() : cold.get());
    WINNOW_RETURN_IF_ERROR(decode_document_record(to_view(it->key()), to_view(it->value()), &d));
    if (!fn(d)) return {};
    it->Next();
  }
  WINNOW_RETURN_IF_ERROR(from_rocksdb(cold->status(), "scanning documents of '" + impl_->dir + "'"));
  return from_rocksdb(hot->status(), "scanning documents of '" + impl_->dir + "'");
}

status_or<uint64_t> db::count_documents() const {
  uint64_t n = 0;
  for (auto* cf : {impl_->docs, impl_->cold}) {
    std::unique_ptr<rocksdb::Iterator> it(impl_->rdb->NewIterator(rocksdb::ReadOptions(), cf));
    for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
    WINNOW_RETURN_IF_ERROR(from_rocksdb(it->status(), "counting documents of '" + impl_->dir + "'"));
  }
  return n;
}

}  // namespace winnow::storage
