// storage::db — per-document state [DOC_STATE].
#include <rocksdb/iterator.h>

#include "storage/db.hpp"
#include "storage/db_impl.hpp"

namespace winnow::storage {

namespace {

// Walks the ids under one marker prefix (or all keys of a column family when
// the prefix is empty) in ascending order, answering monotone membership
// queries: a merge join instead of a point lookup per document.
class sorted_ids {
 public:
  sorted_ids(rocksdb::DB* rdb, rocksdb::ColumnFamilyHandle* cf, std::string_view prefix)
      : it_(rdb->NewIterator(rocksdb::ReadOptions(), cf)), prefix_(prefix) {
    if (prefix_.empty()) it_->SeekToFirst(); else it_->Seek(to_slice(prefix_));
  }
  bool valid() const {
    return it_->Valid() && to_view(it_->key()).substr(0, prefix_.size()) == prefix_;
  }
  std::string_view id() const { return to_view(it_->key()).substr(prefix_.size()); }
  void next() { it_->Next(); }
  // REQUIRES: successive calls with non-decreasing ids.
  bool contains(std::string_view id) {
    while (valid() && this->id() < id) next();
    return valid() && this->id() == id;
  }
  rocksdb::Status status() const { return it_->status(); }

 private:
  std::unique_ptr<rocksdb::Iterator> it_;
  std::string prefix_;
};

}  // namespace

status db::for_each_document_in_state(doc_state s,
                                       const std::function<bool(std::string_view)>& fn) const {
  rocksdb::DB* rdb = impl_->rdb.get();
  const std::string ctx = std::string("listing ") + to_string(s) + " documents of '" + impl_->dir + "'";
  switch (s) {
    case doc_state::accepted: {
      // Documents of both tiers, merged by id.
      sorted_ids hot(rdb, impl_->docs, "");
      sorted_ids cold(rdb, impl_->cold, "");
      sorted_ids idx(rdb, impl_->state, indexed_marker);
      sorted_ids enc(rdb, impl_->state, encoded_marker);
      while (hot.valid() || cold.valid()) {
        sorted_ids& cur = !cold.valid() ? hot : !hot.valid() ? cold : (hot.id() <= cold.id() ? hot : cold);
        std::string_view id = cur.id();
        if (!idx.contains(id) && !enc.contains(id) && !fn(id)) return {};
        cur.next();
      }
      WINNOW_RETURN_IF_ERROR(from_rocksdb(idx.status(), ctx));
      WINNOW_RETURN_IF_ERROR(from_rocksdb(enc.status(), ctx));
      WINNOW_RETURN_IF_ERROR(from_rocksdb(cold.status(), ctx));
      return from_rocksdb(hot.status(), ctx);
    }
    case doc_state::indexed:
    case doc_state::encoded:
    case doc_state::searchable: {
      const bool want_idx = s != doc_state::encoded;
      const bool want_enc = s != doc_state::indexed;
      // Walk one marker list, check the other one.
      sorted_ids lead(rdb, impl_->state, want_idx ? indexed_marker : encoded_marker);
      sorted_ids other(rdb, impl_->state, want_idx ? encoded_marker : indexed_marker);
      const bool other_wanted = want_idx ? want_enc : want_idx;
      for (; lead.valid(); lead.next()) {
        std::string_view id = lead.id();
        if (other.contains(id) != other_wanted) continue;
        if (!fn(id)) return {};
      }
      WINNOW_RETURN_IF_ERROR(from_rocksdb(other.status(), ctx));
      return from_rocksdb(lead.status(), ctx);
    }
    case doc_state::deleted: {
      sorted_ids del(rdb, impl_->state, deleted_marker);
      for (; del.valid(); del.next()) {
        if (!fn(del.id())) return {};
      }
      return from_rocksdb(del.status(), ctx);
    }
  }
  return status::invalid_argument("unknown document state");
}

status_or<doc_state> db::get_document_state(std::string_view id) const {
  auto has = [&](rocksdb::ColumnFamilyHandle* cf, const std::string& key, bool* out) -> status {
    std::string v;
    rocksdb::Status s = impl_->rdb->Get(rocksdb::ReadOptions(), cf, key, &v);
    if (s.IsNotFound()) { *out = false; return {}; }
    *out = true;
    return from_rocksdb(s, "reading state of document '" + std::string(id) + "'");
  };
  bool deleted = false, exists = false, idx = false, enc = false;
  WINNOW_RETURN_IF_ERROR(has(impl_->state, marker_key(deleted_marker, id), &deleted));
  if (deleted) return doc_state::deleted;
  WINNOW_RETURN_IF_ERROR(has(impl_->docs, std::string(id), &exists));
  if (!exists) WINNOW_RETURN_IF_ERROR(has(impl_->cold, std::string(id), &exists));
  if (!exists) return status::not_found("document '" + std::string(id) + "' not found");
  WINNOW_RETURN_IF_ERROR(has(impl_->state, marker_key(indexed_marker, id), &idx));
  WINNOW_RETURN_IF_ERROR(has(impl_->state, marker_key(encoded_marker, id), &enc));
  if (idx && enc) return doc_state::searchable;
  if (idx) return doc_state::indexed;
  if (enc) return doc_state::encoded;
  return doc_state::accepted;
}

}  // namespace winnow::storage
