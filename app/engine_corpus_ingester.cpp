#include "app/engine_corpus_ingester.hpp"

#include "app/beir_reader.hpp"
#include "common/clock.hpp"

namespace winnow::app {

namespace {

double seconds_since(time_point_ns t) {
  return static_cast<double>(monotonic_now_ns() - t) / 1e9;
}

}  // namespace

status_or<engine_ingest_summary> ingest_corpus(actors::engine& e, const std::string& path,
                                               uint64_t docs_total, size_t batch_docs,
                                               const progress_callback& on_progress,
                                               std::chrono::milliseconds searchable_timeout,
                                               const ack_callback& on_ack) {
  engine_ingest_summary summary;
  WINNOW_ASSIGN_OR_RETURN(auto reader, beir_corpus_reader::open(path));
  const time_point_ns start = monotonic_now_ns();
  ingest_progress progress;
  progress.docs_total = docs_total;
  std::vector<storage::document> batch;
  beir_document doc;
  auto send = [&]() -> status {
    if (batch.empty()) return status::ok_status();
    WINNOW_ASSIGN_OR_RETURN(auto ack, e.ingest(std::move(batch)));
    batch.clear();
    for (const auto& a : ack.docs) {
      if (a.state != "accepted") {
        return status::invalid_argument(path + ": document '" + a.id + "' rejected: " + a.error);
      }
    }
    progress.docs_done += ack.docs.size();
    if (on_ack) {
      std::vector<std::string> ids;
      ids.reserve(ack.docs.size());
      for (const auto& a : ack.docs) ids.push_back(a.id);
      on_ack(ids);
    }
    progress.elapsed_s = seconds_since(start);
    if (on_progress) on_progress(progress);
    return status::ok_status();
  };
  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, reader->next(&doc));
    if (!more) break;
    batch.push_back({std::move(doc.id), std::move(doc.title), std::move(doc.text),
                     std::move(doc.metadata_json)});
    if (batch.size() >= batch_docs) WINNOW_RETURN_IF_ERROR(send());
  }
  WINNOW_RETURN_IF_ERROR(send());
  summary.docs = progress.docs_done;
  summary.accept_s = seconds_since(start);
  if (searchable_timeout.count() > 0) {
    WINNOW_RETURN_IF_ERROR(e.wait_until_searchable(searchable_timeout));
    summary.searchable_s = seconds_since(start);
  }
  return summary;
}

}  // namespace winnow::app
