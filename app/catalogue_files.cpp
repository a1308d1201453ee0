#include "app/catalogue_files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>

#include "app/catalogue_generator.hpp"

namespace winnow::app {

namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Writes `path` line by line through `emit` (called with a line sink) under
// PATH.tmp, then renames it: an interrupted run never leaves a truncated file
// under the final name.
status write_atomically(const std::string& path,
                        const std::function<void(const std::function<void(const std::string&)>&)>& emit) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return status::io_error(tmp + ": cannot create: " + std::strerror(errno));
  emit([f](const std::string& line) {
    std::fwrite(line.data(), 1, line.size(), f);
    std::fputc('\n', f);
  });
  const bool write_failed = std::ferror(f) != 0;
  if (std::fclose(f) != 0 || write_failed) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return status::io_error(path + ": cannot write: " + why);
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return status::io_error(path + ": cannot rename from " + tmp + ": " + why);
  }
  return status::ok_status();
}

}  // namespace

catalogue_paths catalogue_paths_for(const std::string& corpus) {
  std::string base = corpus;
  if (ends_with(base, ".gz")) base.resize(base.size() - 3);
  if (ends_with(base, ".jsonl")) base.resize(base.size() - 6);
  return {corpus, base + ".queries.jsonl", base + ".qrels.tsv"};
}

status write_catalogue(const catalogue_paths& paths, const catalogue_spec& spec) {
  const catalogue_generator gen(spec.seed);
  if (spec.queries > 0) {
    if (spec.count == 0) return status::invalid_argument("--queries needs --count > 0 (queries are about items)");
    WINNOW_RETURN_IF_ERROR(write_atomically(paths.queries, [&](const auto& line) {
      for (uint64_t j = 0; j < spec.queries; ++j) {
        line(catalogue_generator::to_query_line(gen.query(j, spec.count).query));
      }
    }));
    WINNOW_RETURN_IF_ERROR(write_atomically(paths.qrels, [&](const auto& line) {
      line("query-id\tcorpus-id\tscore");
      for (uint64_t j = 0; j < spec.queries; ++j) {
        const catalogue_query q = gen.query(j, spec.count);
        line(q.query.id + "\t" + q.relevant_id + "\t1");
      }
    }));
  }
  return write_atomically(paths.corpus, [&](const auto& line) {
    for (uint64_t i = 0; i < spec.count; ++i) line(catalogue_generator::to_json_line(gen.item(i)));
  });
}

}  // namespace winnow::app
