#pragma once
// "Zero lost acknowledged writes": the ids of every document whose ingest
// request got a 2xx during a run, and a check that each can be read back
// (GET <base>/v1/documents/<id> → 200) after the run.

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench/loadtest/load_runner.hpp"
#include "bench/loadtest/run_result.hpp"
#include "bench/loadtest/target_url.hpp"
#include "common/status_or.hpp"

namespace winnow::loadtest {

// Sorted, unique ids of the documents acknowledged in r (bodies from o).
std::vector<std::string> acknowledged_ids(const run_options& o, const run_result& r);

struct verify_result {
  int64_t checked = 0;
  int64_t present = 0;                 // 200
  int64_t missing = 0;                 // 404: a lost acknowledged write
  int64_t other = 0;                   // any other answer or a broken connection
  std::vector<std::string> missing_ids;  // the first 100
  std::string first_other;             // what the first "other" was
};

// One keep-alive connection, one GET at a time (reconnects when the server
// closes it). Ids are percent-encoded into the path.
// unavailable when the target cannot be reached at all.
status_or<verify_result> verify_documents(const target_url& target, const std::vector<std::string>& ids,
                                          const std::vector<std::pair<std::string, std::string>>& headers,
                                          const std::string& path_prefix = "/v1/documents/");

// RFC 3986 unreserved characters stay, everything else becomes %XX.
std::string percent_encode(const std::string& s);

}  // namespace winnow::loadtest
