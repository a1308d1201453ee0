// search_index — the writer: add, remove, flush, merge, catch_up.
#include <algorithm>
#include <map>

#include "index/search_index.hpp"
#include "index/search_index_impl.hpp"
#include "index/segment/merge_policy.hpp"
#include "index/segment/segment_merger.hpp"

namespace winnow::index {

status search_index::add(const std::vector<storage::document>& docs) {
  std::lock_guard<std::mutex> l(impl_->writer_mu_);
  // Analyze everything first: a bad document rejects the call before
  // anything changes.
  std::vector<std::vector<std::string>> terms(docs.size());
  for (size_t i = 0; i < docs.size(); ++i) {
    const auto& d = docs[i];
    if (d.id.empty()) return status::invalid_argument("document " + std::to_string(i) + " of the batch has an empty id");
    if (impl_->options_.index_title) {
      WINNOW_RETURN_IF_ERROR(impl_->writer_analyzer_->analyze(d.id, "title", d.title, &terms[i]));
    }
    WINNOW_RETURN_IF_ERROR(impl_->writer_analyzer_->analyze(d.id, "text", d.text, &terms[i]));
  }
  for (size_t i = 0; i < docs.size(); ++i) {
    impl_->buffer_.add(docs[i].id, terms[i]);
    // Any persisted older version goes at the next flush.
    impl_->pending_deletes_.insert(docs[i].id);
  }
  impl_->buffered_docs_ = impl_->buffer_.live_docs();
  if (impl_->buffer_.estimated_bytes() >= impl_->options_.write_buffer_bytes) {
    return impl_->flush_locked();
  }
  return {};
}

status search_index::remove(std::string_view id) {
  std::lock_guard<std::mutex> l(impl_->writer_mu_);
  impl_->buffer_.remove(id);
  impl_->buffered_docs_ = impl_->buffer_.live_docs();
  impl_->pending_deletes_.emplace(id);
  impl_->pending_absorbed_.emplace_back(id);
  return {};
}

status search_index::flush() {
  std::lock_guard<std::mutex> l(impl_->writer_mu_);
  return impl_->flush_locked();
}

status search_index::impl::flush_locked() {
  if (buffer_.empty()) buffer_.clear();  // documents added and removed again
  if (buffer_.empty() && pending_deletes_.empty() && pending_absorbed_.empty()) return {};

  // 1. Deletes against persisted segments, copy-on-write.
  std::vector<segment_reader> readers = readers_;
  std::vector<std::shared_ptr<live_docs>> changed(readers.size());
  for (const auto& id : pending_deletes_) {
    for (size_t r = 0; r < readers.size(); ++r) {
      auto local = readers[r].seg->find_doc(id);
      if (!local || readers[r].is_deleted(*local)) continue;
      if (!changed[r]) {
        changed[r] = readers[r].deletes ? std::make_shared<live_docs>(*readers[r].deletes)
                                        : std::make_shared<live_docs>(readers[r].seg->doc_count());
      }
      changed[r]->mark_deleted(*local);
    }
  }

  storage::index_commit c;
  c.manifest_key = manifest_key();
  storage::index_manifest m = manifest_;
  ++m.generation;
  m.segments.clear();
  std::vector<segment_reader> next;
  for (size_t r = 0; r < readers.size(); ++r) {
    segment_reader rd = readers[r];
    const uint64_t id = rd.seg->id();
    if (changed[r]) rd.deletes = changed[r];
    const uint32_t deleted = rd.deletes ? rd.deletes->deleted_count() : 0;
    if (deleted == rd.seg->doc_count()) {  // nothing live: drop the segment
      c.blob_deletes.push_back(segment_key(id));
      c.blob_deletes.push_back(deletes_key(id));
      continue;
    }
    if (changed[r]) c.blob_puts.emplace_back(deletes_key(id), changed[r]->serialize());
    m.segments.push_back({id, rd.seg->doc_count(), deleted});
    next.push_back(std::move(rd));
  }

  // 2. The buffer becomes a segment.
  if (!buffer_.empty()) {
    const uint64_t id = m.next_segment_id++;
    std::string bytes = buffer_.finish(&c.indexed_ids);
    const std::string key = segment_key(id);
    WINNOW_ASSIGN_OR_RETURN(auto seg, segment::parse(id, key, bytes));
    c.blob_puts.emplace_back(key, std::move(bytes));
    m.segments.push_back({id, seg->doc_count(), 0});
    next.push_back({seg, nullptr});
  }
  c.absorbed_deletes = pending_absorbed_;
  c.manifest = m;

  // 3. One atomic commit; only then does the in-memory state move on. If it
  // fails, the buffered documents stay `accepted` in storage (catch_up()
  // re-adds them).
  WINNOW_RETURN_IF_ERROR(db_.commit_index(c));
  manifest_ = std::move(m);
  readers_ = std::move(next);
  pending_deletes_.clear();
  pending_absorbed_.clear();
  buffered_docs_ = 0;
  publish_locked();
  return {};
}

status search_index::impl::merge_locked(const std::vector<uint64_t>& ids) {
  std::vector<segment_reader> inputs, rest;
  for (const auto& r : readers_) {
    if (std::find(ids.begin(), ids.end(), r.seg->id()) != ids.end()) inputs.push_back(r);
    else rest.push_back(r);
  }
  if (inputs.empty()) return {};
  storage::index_commit c;
  c.manifest_key = manifest_key();
  storage::index_manifest m;
  m.generation = manifest_.generation + 1;
  m.next_segment_id = manifest_.next_segment_id;
  for (const auto& r : inputs) {
    c.blob_deletes.push_back(segment_key(r.seg->id()));
    c.blob_deletes.push_back(deletes_key(r.seg->id()));
  }
  for (const auto& r : rest) {
    m.segments.push_back({r.seg->id(), r.seg->doc_count(), r.deletes ? r.deletes->deleted_count() : 0});
  }
  std::string bytes = merge_segments(inputs);
  if (!bytes.empty()) {
    const uint64_t id = m.next_segment_id++;
    const std::string key = segment_key(id);
    WINNOW_ASSIGN_OR_RETURN(auto seg, segment::parse(id, key, bytes));
    c.blob_puts.emplace_back(key, std::move(bytes));
    m.segments.push_back({id, seg->doc_count(), 0});
    rest.push_back({seg, nullptr});
  }
  c.manifest = m;
  WINNOW_RETURN_IF_ERROR(db_.commit_index(c));
  manifest_ = std::move(m);
  readers_ = std::move(rest);
  publish_locked();
  return {};
}

status search_index::maybe_merge() {
  std::lock_guard<std::mutex> l(impl_->writer_mu_);
  for (;;) {
    std::vector<merge_candidate> cands;
    for (const auto& r : impl_->readers_) {
      cands.push_back({r.seg->id(), r.live_count(), r.deletes ? r.deletes->deleted_count() : 0u});
    }
    std::vector<uint64_t> pick = pick_merge(cands, impl_->options_.merge);
    if (pick.empty()) return {};
    WINNOW_RETURN_IF_ERROR(impl_->merge_locked(pick));
  }
}

status search_index::force_merge() {
  std::lock_guard<std::mutex> l(impl_->writer_mu_);
  const auto& rs = impl_->readers_;
  bool any_deletes = false;
  for (const auto& r : rs) any_deletes |= r.deletes != nullptr;
  if (rs.size() <= 1 && !any_deletes) return {};
  std::vector<uint64_t> ids;
  for (const auto& r : rs) ids.push_back(r.seg->id());
  return impl_->merge_locked(ids);
}

status_or<uint64_t> search_index::catch_up(const std::function<bool(std::string_view)>& owns) {
  std::vector<std::string> to_add, to_remove;
  auto collect = [&](std::vector<std::string>* out) {
    return [&, out](std::string_view id) {
      if (owns(id)) out->emplace_back(id);
      return true;
    };
  };
  WINNOW_RETURN_IF_ERROR(impl_->db_.for_each_document_in_state(storage::doc_state::accepted, collect(&to_add)));
  WINNOW_RETURN_IF_ERROR(impl_->db_.for_each_document_in_state(storage::doc_state::encoded, collect(&to_add)));
  WINNOW_RETURN_IF_ERROR(impl_->db_.for_each_document_in_state(storage::doc_state::deleted, collect(&to_remove)));
  std::vector<storage::document> batch;
  for (size_t i = 0; i < to_add.size(); ++i) {
    WINNOW_ASSIGN_OR_RETURN(auto d, impl_->db_.get_document(to_add[i]));
    batch.push_back(std::move(d));
    if (batch.size() == 1000 || i + 1 == to_add.size()) {
      WINNOW_RETURN_IF_ERROR(add(batch));
      batch.clear();
    }
  }
  for (const auto& id : to_remove) WINNOW_RETURN_IF_ERROR(remove(id));
  WINNOW_RETURN_IF_ERROR(flush());
  return static_cast<uint64_t>(to_add.size() + to_remove.size());
}

}  // namespace winnow::index
