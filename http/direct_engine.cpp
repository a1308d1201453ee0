#include "http/direct_engine.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "common/clock.hpp"
#include "http/metrics.hpp"
#include "index/search_index.hpp"
#include "storage/db.hpp"

namespace winnow::http {

namespace {

int64_t elapsed_us(int64_t since_ns) { return (monotonic_now_ns() - since_ns) / 1000; }

// Lowercased ASCII words of the query, at least 2 bytes long, for snippets.
std::vector<std::string> snippet_terms(const std::string& query) {
  std::vector<std::string> terms;
  std::string cur;
  for (char c : query) {
    unsigned char u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) cur.push_back(static_cast<char>(std::tolower(u)));
    else if (!cur.empty()) terms.push_back(std::move(cur)), cur.clear();
  }
  if (!cur.empty()) terms.push_back(std::move(cur));
  terms.erase(std::remove_if(terms.begin(), terms.end(), [](const std::string& t) { return t.size() < 2; }),
              terms.end());
  return terms;
}

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

direct_engine::direct_engine(direct_engine_options options, metrics* m)
    : opts_(std::move(options)), metrics_(m) {}

status_or<std::unique_ptr<direct_engine>> direct_engine::open(direct_engine_options options,
                                                              metrics* m) {
  std::unique_ptr<direct_engine> e(new direct_engine(std::move(options), m));
  storage::db_options dbo;
  auto db = storage::db::open(e->opts_.data_dir, dbo);
  if (!db.ok()) return db.get_status().with_context("opening data directory " + e->opts_.data_dir);
  e->db_ = std::move(db).value();
  index::index_options io;
  auto idx = index::search_index::open(*e->db_, io);
  if (!idx.ok()) return idx.get_status().with_context("opening the BM25 index");
  e->index_ = std::move(idx).value();
  // Documents stored but not yet in a persisted segment (a crash between the
  // write and the flush) are indexed again.
  auto replayed = e->index_->catch_up([](std::string_view) { return true; });
  if (!replayed.ok()) return replayed.get_status().with_context("replaying documents into the index");
  for (const auto& c : e->opts_.classes) e->queues_[c];
  unsigned n = std::max(1u, e->opts_.worker_threads);
  for (unsigned i = 0; i < n; ++i) e->workers_.emplace_back([p = e.get()] { p->worker_loop(); });
  return e;
}

direct_engine::~direct_engine() { shutdown(); }

void direct_engine::shutdown() {
  std::vector<job> dropped;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    stopping_ = true;
    for (auto& [cls, q] : queues_) {
      for (auto& j : q) dropped.push_back(std::move(j));
      q.clear();
    }
  }
  cv_.notify_all();
  for (auto& j : dropped) j.fail(status::cancelled("the engine is shutting down"));
  for (auto& t : workers_) t.join();
  workers_.clear();
  if (index_) index_->flush().ignore();  // best effort: catch_up replays at the next open
}

void direct_engine::submit(job j) {
  j.enqueued_ns = monotonic_now_ns();
  std::unique_lock<std::mutex> lock(mu_);
  if (stopping_) {
    lock.unlock();
    j.fail(status::unavailable("the engine is shutting down"));
    return;
  }
  auto& q = queues_[j.class_name];
  auto it = opts_.max_queue.find(j.class_name);
  uint32_t limit = it != opts_.max_queue.end() ? it->second : opts_.default_max_queue;
  if (q.size() >= limit) {
    std::string cls = j.class_name;
    size_t depth = q.size();
    lock.unlock();
    // Counted as rejected by the HTTP layer, which sees resource_exhausted.
    j.fail(status::resource_exhausted("class '" + cls + "' queue is full (" + std::to_string(depth) +
                                      " waiting, limit " + std::to_string(limit) + ")"));
    return;
  }
  q.push_back(std::move(j));
  if (metrics_) metrics_->set_queue_depth(q.front().class_name, static_cast<double>(q.size()));
  lock.unlock();
  cv_.notify_one();
}

void direct_engine::worker_loop() {
  for (;;) {
    job j;
    {
      std::unique_lock<std::mutex> lock(mu_);
      auto pick = [&]() -> std::deque<job>* {
        for (const auto& c : opts_.classes) {
          auto& q = queues_[c];
          if (!q.empty()) return &q;
        }
        for (auto& [c, q] : queues_)
          if (!q.empty()) return &q;
        return nullptr;
      };
      std::deque<job>* q = nullptr;
      cv_.wait(lock, [&] { return stopping_ || (q = pick()) != nullptr; });
      if (stopping_) return;
      j = std::move(q->front());
      q->pop_front();
      if (metrics_) metrics_->set_queue_depth(j.class_name, static_cast<double>(q->size()));
    }
    int64_t now = monotonic_now_ns();
    if (metrics_) metrics_->observe_queue_wait(j.class_name, static_cast<double>(now - j.enqueued_ns) / 1e9);
    if (j.deadline_ns != 0 && now > j.deadline_ns) {
      j.fail(status::deadline_exceeded("waited " + std::to_string((now - j.enqueued_ns) / 1000000) +
                                       " ms in the '" + j.class_name +
                                       "' queue, past the request's budget"));
      continue;
    }
    j.run();
  }
}

void direct_engine::search(search_request request, completion<search_response> done) {
  if (request.mode == search_mode::dense) {
    done(status::unsupported(
        "mode 'dense' needs the model; this server runs the BM25-only engine (use bm25 or hybrid)"));
    return;
  }
  auto shared_done = std::make_shared<completion<search_response>>(std::move(done));
  job j;
  j.class_name = request.class_name;
  if (request.budget_ms > 0)
    j.deadline_ns = monotonic_now_ns() + static_cast<int64_t>(request.budget_ms) * 1000000;
  j.fail = [shared_done](status s) { (*shared_done)(std::move(s)); };
  j.run = [this, shared_done, r = std::move(request)] {
    status err;
    search_response res = run_search(r, &err);
    if (!err.ok()) (*shared_done)(std::move(err));
    else (*shared_done)(std::move(res));
  };
  submit(std::move(j));
}

search_response direct_engine::run_search(const search_request& r, status* error) {
  search_response res;
  int64_t t0 = monotonic_now_ns();
  auto hits = index_->search(r.query, r.k);
  res.timings.coarse_us = elapsed_us(t0);
  if (!hits.ok()) {
    *error = hits.get_status();
    return res;
  }
  int64_t t1 = monotonic_now_ns();
  for (const auto& h : *hits) {
    auto doc = db_->get_document(h.id);
    if (!doc.ok()) {
      if (doc.get_status().is_not_found()) continue;  // deleted since the index snapshot
      *error = doc.get_status().with_context("fetching document '" + h.id + "'");
      return res;
    }
    search_hit sh;
    sh.id = h.id;
    sh.title = doc->title;
    sh.snippet = make_snippet(doc->text, r.query);
    sh.score = h.score;
    sh.bm25_score = h.score;
    res.results.push_back(std::move(sh));
  }
  res.timings.fetch_us = elapsed_us(t1);
  // No model here: a hybrid search is answered in BM25 order and says so.
  res.degraded = r.mode == search_mode::hybrid;
  return res;
}

std::string direct_engine::make_snippet(const std::string& text, const std::string& query) const {
  const size_t width = opts_.snippet_bytes;
  if (text.size() <= width) return text;
  std::string lower(text.size(), ' ');
  std::transform(text.begin(), text.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  size_t hit = std::string::npos;
  for (const auto& t : snippet_terms(query)) hit = std::min(hit, lower.find(t));
  size_t begin = 0;
  if (hit != std::string::npos && hit > width / 4) begin = hit - width / 4;
  if (begin + width > text.size()) begin = text.size() - width;
  // Start and end on a word boundary, never inside a UTF-8 sequence.
  if (begin > 0) {
    size_t space = text.find(' ', begin);
    if (space != std::string::npos && space < begin + width / 4) begin = space + 1;
  }
  while (begin < text.size() && is_continuation(text[begin])) ++begin;
  size_t end = std::min(text.size(), begin + width);
  if (end < text.size()) {
    size_t space = text.rfind(' ', end);
    if (space != std::string::npos && space > begin + width / 2) end = space;
  }
  while (end < text.size() && end > begin && is_continuation(text[end])) --end;
  std::string out = (begin > 0 ? "… " : "") + text.substr(begin, end - begin);
  if (end < text.size()) out += " …";
  return out;
}

void direct_engine::ingest(ingest_request request, completion<std::vector<document_result>> done) {
  auto shared_done = std::make_shared<completion<std::vector<document_result>>>(std::move(done));
  job j;
  j.class_name = request.class_name;
  j.fail = [shared_done](status s) { (*shared_done)(std::move(s)); };
  j.run = [this, shared_done, r = std::move(request)] { (*shared_done)(run_ingest(r)); };
  submit(std::move(j));
}

std::vector<document_result> direct_engine::run_ingest(const ingest_request& r) {
  std::vector<storage::document> docs;
  docs.reserve(r.documents.size());
  for (const auto& d : r.documents) docs.push_back({d.id, d.title, d.text, d.metadata_json});
  std::vector<document_result> out;
  out.reserve(docs.size());
  status written = db_->put_documents(docs);
  if (!written.ok()) {
    for (const auto& d : docs) out.push_back({d.id, document_state::rejected, written.to_string()});
    return out;
  }
  status indexed = index_->add(docs);
  if (indexed.ok()) indexed = index_->flush();
  if (indexed.ok()) index_->maybe_merge().ignore();  // a failed merge leaves segments as they were
  for (const auto& d : docs)
    out.push_back({d.id, indexed.ok() ? document_state::searchable : document_state::accepted,
                   indexed.ok() ? "" : "stored; indexing deferred: " + indexed.to_string()});
  if (indexed.ok() && metrics_) metrics_->add_documents_searchable(docs.size());
  return out;
}

void direct_engine::get_document(std::string id, completion<document> done) {
  auto shared_done = std::make_shared<completion<document>>(std::move(done));
  job j;
  j.class_name = opts_.read_class;
  j.fail = [shared_done](status s) { (*shared_done)(std::move(s)); };
  j.run = [this, shared_done, id = std::move(id)] {
    auto d = db_->get_document(id);
    if (!d.ok()) {
      (*shared_done)(d.get_status());
      return;
    }
    (*shared_done)(document{d->id, d->title, d->text, d->metadata_json});
  };
  submit(std::move(j));
}

void direct_engine::delete_document(std::string id, std::function<void(status)> done) {
  auto shared_done = std::make_shared<std::function<void(status)>>(std::move(done));
  job j;
  j.class_name = opts_.write_class;
  j.fail = [shared_done](status s) { (*shared_done)(std::move(s)); };
  j.run = [this, shared_done, id = std::move(id)] {
    auto existing = db_->get_document(id);
    if (!existing.ok()) {
      (*shared_done)(existing.get_status());
      return;
    }
    status s = db_->delete_documents({id});
    if (s.ok()) s = index_->remove(id);
    if (s.ok()) s = index_->flush();
    (*shared_done)(std::move(s));
  };
  submit(std::move(j));
}

readiness direct_engine::get_readiness() const {
  readiness r;
  r.checks.push_back({"storage", db_ != nullptr, db_ ? "open at " + db_->path() : "not open"});
  {
    std::lock_guard<std::mutex> lock(mu_);
    r.checks.push_back({"engine", !stopping_,
                        stopping_ ? "shutting down"
                                  : "BM25-only direct engine (no model or devices in use)"});
  }
  if (index_) {
    auto st = index_->stats();
    r.checks.push_back({"index", true, std::to_string(st.docs) + " documents in " +
                                           std::to_string(st.segments) + " segments"});
  }
  return r;
}

}  // namespace winnow::http
