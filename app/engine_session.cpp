#include "app/engine_session.hpp"

#include <filesystem>

#include "app/model_location.hpp"
#include "config/load_config.hpp"

namespace winnow::app {

status_or<std::unique_ptr<actors::engine>> open_engine(const engine_cli_options& o) {
  config::engine_config cfg;
  if (o.config_file.empty()) {
    cfg = config::embedded_default();
  } else {
    WINNOW_ASSIGN_OR_RETURN(cfg, config::load_config(o.config_file));
  }
  actors::engine_options eo;
  eo.data_dir = o.data;
  eo.model_dir = resolve_model_dir(o.model_dir.empty() ? cfg.model.dir : o.model_dir);
  if (o.precision == "int8") {
    eo.precision = config::precision::int8;
  } else if (o.precision == "fp32") {
    eo.precision = config::precision::fp32;
  } else {
    return status::invalid_argument("--precision: \"" + o.precision + "\" is not int8 or fp32");
  }
  eo.load_model = o.load_model;
  eo.create_if_missing = o.create;
  std::error_code ec;
  if (!o.create && !std::filesystem::exists(o.data, ec)) {
    return status::not_found(o.data + ": no such data directory (run `winnow ingest --data " +
                             o.data + " FILE` first)");
  }
  return actors::engine::open(std::move(cfg), eo);
}

}  // namespace winnow::app
