// storage::db — hot/cold tiers of the documents.
#include <mutex>

#include <rocksdb/write_batch.h>

#include "storage/db.hpp"
#include "storage/db_impl.hpp"

namespace winnow::storage {

namespace {

status_or<uint64_t> move(db::impl& i, rocksdb::ColumnFamilyHandle* from, rocksdb::ColumnFamilyHandle* to,
                         const std::vector<std::string>& ids, const char* what) {
  std::unique_lock<std::shared_mutex> lock(i.tier_mu);
  rocksdb::WriteBatch batch;
  uint64_t moved = 0;
  std::string v;
  for (const auto& id : ids) {
    rocksdb::Status s = i.rdb->Get(rocksdb::ReadOptions(), from, to_slice(id), &v);
    if (s.IsNotFound()) continue;
    if (!s.ok()) return from_rocksdb(s, std::string("moving document '") + id + "' " + what);
    batch.Put(to, to_slice(id), v);
    batch.Delete(from, to_slice(id));
    ++moved;
  }
  if (moved == 0) return uint64_t{0};
  WINNOW_RETURN_IF_ERROR(from_rocksdb(i.rdb->Write(synced_write(), &batch),
                                      std::string("moving documents ") + what + " in '" + i.dir + "'"));
  return moved;
}

}  // namespace

status_or<uint64_t> db::move_to_cold(const std::vector<std::string>& ids) {
  return move(*impl_, impl_->docs, impl_->cold, ids, "to the cold tier");
}

status_or<uint64_t> db::move_to_hot(const std::vector<std::string>& ids) {
  return move(*impl_, impl_->cold, impl_->docs, ids, "to the hot tier");
}

status_or<db::tier> db::get_document_tier(std::string_view id) const {
  std::string v;
  for (auto [cf, t] : {std::pair{impl_->docs, tier::hot}, std::pair{impl_->cold, tier::cold}}) {
    rocksdb::Status s = impl_->rdb->Get(rocksdb::ReadOptions(), cf, to_slice(id), &v);
    if (s.ok()) return t;
    if (!s.IsNotFound()) return from_rocksdb(s, "reading document '" + std::string(id) + "'");
  }
  return status::not_found("document '" + std::string(id) + "' not found");
}

}  // namespace winnow::storage
