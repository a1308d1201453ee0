#pragma once
// Loading the engine configuration (TOML). The whole file is validated before
// anything is returned: unknown keys anywhere, wrong types, out-of-range or
// unknown values, duplicate class / device / node names, dangling references
// (demote_to, default_class, shard ownership) all fail with
//   invalid_argument "FILE:LINE: key 'classes[1].max_queue': REASON"
// and no partial configuration. A syntax error gives the parser's line and reason.

#include <string>
#include <string_view>

#include "common/status_or.hpp"
#include "config/engine_config.hpp"

namespace winnow::config {

// Reads and validates `path`. not_found / io_error when it cannot be read.
status_or<engine_config> load_config(const std::string& path);

// Validates TOML `text` as if read from a file called `source_name` (used in
// messages). For tests and for the embedded default.
status_or<engine_config> parse_config(std::string_view text, const std::string& source_name);

// The configuration `winnow serve` uses without --config: one node, the CPU
// device, classes "interactive" (queries) and "bulk" (ingest), data in
// ./winnow-data, HTTP on 127.0.0.1:8080. Always valid.
engine_config embedded_default();

// The TOML text behind embedded_default(), for `winnow config --print-default`
// style dumps and as a starting point for a custom file.
std::string_view embedded_default_toml();

}  // namespace winnow::config
