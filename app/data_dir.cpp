#include "app/data_dir.hpp"

#include <filesystem>

namespace winnow::app {

status_or<data_dir> open_data_dir(const std::string& dir, bool create,
                                  const index::index_options& options) {
  std::error_code ec;
  if (!create && !std::filesystem::exists(dir, ec)) {
    return status::not_found(dir + ": no such data directory (run `winnow ingest --data " + dir +
                             " FILE` first)");
  }
  storage::db_options db_opts;
  db_opts.create_if_missing = create;
  data_dir d;
  WINNOW_ASSIGN_OR_RETURN(d.db, storage::db::open(dir, db_opts));
  WINNOW_ASSIGN_OR_RETURN(d.index, index::search_index::open(*d.db, options));
  WINNOW_ASSIGN_OR_RETURN(d.replayed, d.index->catch_up([](std::string_view) { return true; }));
  return d;
}

}  // namespace winnow::app
