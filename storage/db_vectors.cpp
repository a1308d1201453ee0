// storage::db — passage vectors.
#include <rocksdb/write_batch.h>

#include "storage/db.hpp"
#include "storage/db_impl.hpp"
#include "storage/records.hpp"

namespace winnow::storage {

status db::put_vectors(const std::vector<std::pair<std::string, std::vector<float>>>& vectors) {
  if (vectors.empty()) return {};
  rocksdb::WriteBatch batch;
  for (const auto& [id, v] : vectors) {
    if (id.empty()) return status::invalid_argument("put_vectors: empty document id");
    batch.Put(impl_->vectors, to_slice(id), encode_vector_record(v));
    batch.Put(impl_->state, marker_key(encoded_marker, id), rocksdb::Slice());
  }
  return from_rocksdb(impl_->rdb->Write(synced_write(), &batch),
                      "writing " + std::to_string(vectors.size()) + " vectors to '" + impl_->dir + "'");
}

status_or<std::vector<float>> db::get_vector(std::string_view id) const {
  std::string v;
  rocksdb::Status s = impl_->rdb->Get(rocksdb::ReadOptions(), impl_->vectors, to_slice(id), &v);
  if (s.IsNotFound()) return status::not_found("no vector for document '" + std::string(id) + "'");
  if (!s.ok()) return from_rocksdb(s, "reading vector of '" + std::string(id) + "'");
  std::vector<float> out;
  WINNOW_RETURN_IF_ERROR(decode_vector_record(id, v, &out));
  return out;
}

status_or<std::vector<std::optional<std::vector<float>>>> db::get_vectors(
    const std::vector<std::string>& ids) const {
  std::vector<rocksdb::Slice> keys;
  keys.reserve(ids.size());
  for (const auto& id : ids) keys.emplace_back(to_slice(id));
  std::vector<rocksdb::PinnableSlice> values(ids.size());
  std::vector<rocksdb::Status> statuses(ids.size());
  impl_->rdb->MultiGet(rocksdb::ReadOptions(), impl_->vectors, keys.size(), keys.data(),
                       values.data(), statuses.data());
  std::vector<std::optional<std::vector<float>>> out(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return from_rocksdb(statuses[i], "reading vector of '" + ids[i] + "'");
    std::vector<float> v;
    WINNOW_RETURN_IF_ERROR(decode_vector_record(ids[i], to_view(values[i]), &v));
    out[i] = std::move(v);
  }
  return out;
}

status db::for_each_vector(
    const std::function<bool(std::string_view, const std::vector<float>&)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(impl_->rdb->NewIterator(rocksdb::ReadOptions(), impl_->vectors));
  std::vector<float> v;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    WINNOW_RETURN_IF_ERROR(decode_vector_record(to_view(it->key()), to_view(it->value()), &v));
    if (!fn(to_view(it->key()), v)) return {};
  }
  return from_rocksdb(it->status(), "scanning vectors of '" + impl_->dir + "'");
}

}  // namespace winnow::storage
