#pragma once
// Opening the actor engine for a CLI subcommand: the configuration file (or
// the embedded default), with the command line's data directory, model and
// precision on top. `winnow ingest`, `search` and `eval` all run through the
// engine this returns (there is no second path to the index).

#include <memory>
#include <string>

#include "actors/engine.hpp"
#include "common/status_or.hpp"

namespace winnow::app {

struct engine_cli_options {
  std::string config_file;                       // "" = config::embedded_default()
  std::string data = "winnow-data";
  std::string model_dir = "models/all-MiniLM-L6-v2";
  std::string precision = "int8";                // int8 | fp32
  bool load_model = true;                        // false: bm25 only
  bool create = false;                           // create a missing data directory
};

// Errors: the config file (file, line, key), --precision, a missing data
// directory (with a hint to run `winnow ingest`), the model files.
status_or<std::unique_ptr<actors::engine>> open_engine(const engine_cli_options& o);

}  // namespace winnow::app
