// search_index — open, keys, analyzers, stats.
#include "index/search_index.hpp"

#include <cstdio>

#include "index/search_index_impl.hpp"

namespace winnow::index {

void fixed_bm25_stats::add(const query_statistics& other) {
  s_.total_docs += other.total_docs;
  s_.total_tokens += other.total_tokens;
  for (const auto& [t, df] : other.doc_freqs) {
    bool found = false;
    for (auto& [mt, mdf] : s_.doc_freqs) {
      if (mt == t) { mdf += df; found = true; break; }
    }
    if (!found) s_.doc_freqs.emplace_back(t, df);
  }
}

std::string search_index::impl::segment_key(uint64_t id) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "s%u/seg/%016llx", options_.shard_id, static_cast<unsigned long long>(id));
  return buf;
}

std::string search_index::impl::deletes_key(uint64_t id) const {
  char buf[64];
  std::snprintf(buf, sizeof buf, "s%u/del/%016llx", options_.shard_id, static_cast<unsigned long long>(id));
  return buf;
}

std::string search_index::impl::manifest_key() const {
  return "index/s" + std::to_string(options_.shard_id) + "/manifest";
}

std::unique_ptr<analyzer> search_index::impl::borrow_analyzer() const {
  {
    std::lock_guard<std::mutex> l(pool_mu_);
    if (!pool_.empty()) {
      auto a = std::move(pool_.back());
      pool_.pop_back();
      return a;
    }
  }
  auto a = analyzer::create(options_.analyzer);
  WINNOW_ASSERT(a.ok(), "analyzer options were validated at open");
  return std::move(a).value();
}

void search_index::impl::return_analyzer(std::unique_ptr<analyzer> a) const {
  std::lock_guard<std::mutex> l(pool_mu_);
  pool_.push_back(std::move(a));
}

status_or<std::vector<std::string>> search_index::impl::analyze_query(std::string_view query) const {
  auto a = borrow_analyzer();
  std::vector<std::string> terms;
  status s = a->analyze("(query)", "query", query, &terms);
  return_analyzer(std::move(a));
  if (!s.ok()) return s;
  return terms;
}

void search_index::impl::publish_locked() {
  auto s = std::make_shared<index_snapshot>();
  s->readers = readers_;
  for (const auto& r : readers_) {
    s->total_docs += r.seg->doc_count();
    s->total_tokens += r.seg->total_tokens();
  }
  std::lock_guard<std::mutex> l(snapshot_mu_);
  snapshot_ = std::move(s);
}

search_index::search_index(std::unique_ptr<impl> i) : impl_(std::move(i)) {}
search_index::~search_index() = default;

const index_options& search_index::options() const { return impl_->options_; }

status_or<std::unique_ptr<search_index>> search_index::open(storage::db& db, const index_options& options) {
  if (!(options.bm25.k1 >= 0)) return status::invalid_argument("bm25 k1 must be >= 0");
  if (!(options.bm25.b >= 0 && options.bm25.b <= 1)) return status::invalid_argument("bm25 b must be in [0, 1]");
  auto i = std::make_unique<impl>(db, options);
  WINNOW_ASSIGN_OR_RETURN(i->writer_analyzer_, analyzer::create(options.analyzer));

  WINNOW_ASSIGN_OR_RETURN(auto manifest, db.load_manifest(i->manifest_key()));
  if (manifest) i->manifest_ = *manifest;
  for (const auto& m : i->manifest_.segments) {
    const std::string key = i->segment_key(m.id);
    WINNOW_ASSIGN_OR_RETURN(std::string bytes, db.get_blob(key));
    WINNOW_ASSIGN_OR_RETURN(auto seg, segment::parse(m.id, key, std::move(bytes)));
    if (seg->doc_count() != m.doc_count) {
      return status::corruption("segment '" + key + "' holds " + std::to_string(seg->doc_count()) +
                                " documents, its manifest says " + std::to_string(m.doc_count));
    }
    segment_reader r{seg, nullptr};
    if (m.deleted_count > 0) {
      const std::string dkey = i->deletes_key(m.id);
      WINNOW_ASSIGN_OR_RETURN(std::string dbytes, db.get_blob(dkey));
      WINNOW_ASSIGN_OR_RETURN(live_docs ld, live_docs::parse(dbytes, seg->doc_count(), dkey));
      if (ld.deleted_count() != m.deleted_count) {
        return status::corruption("deletes '" + dkey + "' mark " + std::to_string(ld.deleted_count()) +
                                  " documents, the manifest says " + std::to_string(m.deleted_count));
      }
      r.deletes = std::make_shared<const live_docs>(std::move(ld));
    }
    i->readers_.push_back(std::move(r));
  }
  i->publish_locked();
  return std::unique_ptr<search_index>(new search_index(std::move(i)));
}

status_or<std::vector<std::string>> search_index::analyze(std::string_view text) const {
  return impl_->analyze_query(text);
}

index_stats search_index::stats() const {
  index_stats st;
  auto snap = impl_->snapshot();
  for (const auto& r : snap->readers) {
    st.docs += r.live_count();
    st.deleted_docs += r.deletes ? r.deletes->deleted_count() : 0;
    st.terms += r.seg->term_count();
    st.postings += r.seg->total_postings();
    st.bytes += r.seg->byte_size();
    st.total_tokens += r.seg->total_tokens();
  }
  st.segments = snap->readers.size();
  st.buffered_docs = impl_->buffered_docs_.load();
  return st;
}

}  // namespace winnow::index
