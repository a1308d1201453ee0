#include "app/corpus_ingester.hpp"

#include <cstdio>

#include "app/beir_reader.hpp"
#include "common/clock.hpp"

namespace winnow::app {

namespace {

double seconds_since(time_point_ns start) {
  return static_cast<double>(monotonic_now_ns() - start) / 1e9;
}

std::string with_commas(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string duration_text(double s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%.0fs", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", static_cast<int>(s) / 3600,
                  static_cast<int>(s) % 3600 / 60);
  }
  return buf;
}

}  // namespace

std::string format_progress(const ingest_progress& p) {
  const double rate = p.elapsed_s > 0 ? static_cast<double>(p.docs_done) / p.elapsed_s : 0;
  std::string line = with_commas(p.docs_done) + " / " + with_commas(p.docs_total) + " docs  " +
                     with_commas(static_cast<uint64_t>(rate)) + " docs/s  ETA ";
  if (rate <= 0) return line + "?";
  const uint64_t left = p.docs_total > p.docs_done ? p.docs_total - p.docs_done : 0;
  return line + duration_text(static_cast<double>(left) / rate);
}

status_or<ingest_summary> corpus_ingester::ingest_file(const std::string& path,
                                                       const progress_callback& on_progress,
                                                       const ack_callback& on_ack) {
  ingest_summary summary;
  const time_point_ns check_start = monotonic_now_ns();
  WINNOW_ASSIGN_OR_RETURN(const uint64_t documents,
                          validate_corpus_file(path, options_.max_listed_errors));
  summary.check_s = seconds_since(check_start);

  WINNOW_ASSIGN_OR_RETURN(auto reader, beir_corpus_reader::open(path));
  const time_point_ns write_start = monotonic_now_ns();
  ingest_progress progress;
  progress.docs_total = documents;
  std::vector<storage::document> batch;
  batch.reserve(options_.batch_docs);
  beir_document doc;

  auto write_batch = [&]() -> status {
    if (batch.empty()) return status::ok_status();
    WINNOW_RETURN_IF_ERROR(db_.put_documents(batch));
    if (on_ack) on_ack(batch);
    WINNOW_RETURN_IF_ERROR(index_.add(batch));
    progress.docs_done += batch.size();
    progress.elapsed_s = seconds_since(write_start);
    if (on_progress) on_progress(progress);
    batch.clear();
    return status::ok_status();
  };

  for (;;) {
    WINNOW_ASSIGN_OR_RETURN(bool more, reader->next(&doc));
    if (!more) break;
    batch.push_back({std::move(doc.id), std::move(doc.title), std::move(doc.text),
                     std::move(doc.metadata_json)});
    if (batch.size() >= options_.batch_docs) WINNOW_RETURN_IF_ERROR(write_batch());
  }
  WINNOW_RETURN_IF_ERROR(write_batch());
  WINNOW_RETURN_IF_ERROR(index_.flush());
  WINNOW_RETURN_IF_ERROR(index_.maybe_merge());
  summary.docs = progress.docs_done;
  summary.write_s = seconds_since(write_start);
  return summary;
}

}  // namespace winnow::app
